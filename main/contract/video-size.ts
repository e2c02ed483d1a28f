import type { StreamInfo } from './methods';

/**
 * How ffmpeg (fftools get_rotation, then the autorotate filters) and the browser turn a display-matrix rotation
 * upright: the angle rounded to a whole degree; a multiple of 90° is that many quarter turns (0–3, the sides swap on an
 * odd count) — any other angle (a tilted matrix, 45°) keeps width × height: ffmpeg draws it turned inside the stored
 * frame (its rotate filter), Chromium plays it unturned: `null`, no quarter turns.
 */
export function quarterTurns(rotation: number | undefined): number | null {
  const deg = Math.round(rotation ?? 0);
  if (deg % 90 !== 0) return null;
  return (((deg / 90) % 4) + 4) % 4;
}

/**
 * A video stream's size as stored and, where players show it otherwise, as shown: "320×240", or for a phone clip
 * with a quarter-turn display matrix "320×240, shown 240×320 (rotated 90° clockwise)", for anamorphic video (non-square
 * pixels) "720×576, shown 1024×576", a mirroring matrix adds "mirrored"; a tilted matrix (not a quarter turn) keeps the
 * shown size, "320×240 (rotated 60° clockwise)". The shown size is what filmstrip's
 * thumbSize keeps the aspect of (ffmpeg and the browser turn the picture upright); the rotation in degrees as ffmpeg states it (counter-clockwise positive), said with its direction. `x`: the sign between the sides.
 */
export function videoSizeText(s: Pick<StreamInfo, 'width' | 'height' | 'rotation' | 'sampleAspect' | 'mirrored'>, x = '×'): string | undefined {
  if (!s.width || !s.height) return undefined;
  const stored = `${s.width}${x}${s.height}`;
  const quarter = quarterTurns(s.rotation);
  const turn = quarter ?? 0;
  const sar = s.sampleAspect && Math.abs(s.sampleAspect - 1) > 1e-3 ? s.sampleAspect : 1;
  const w = Math.round(s.width * sar);
  const [dw, dh] = turn % 2 ? [s.height, w] : [w, s.height];
  // a tilted matrix (not a quarter turn): the picture turns inside the stored frame, as ffmpeg states it, in (-180°, 180°]
  const tilt = quarter === null ? Math.round(s.rotation!) - 360 * Math.ceil((Math.round(s.rotation!) - 180) / 360) : 0;
  const angle = quarter === null ? tilt : turn === 3 ? -90 : turn * 90;
  // the angle as a user reads it, with its direction: ffmpeg's (the display matrix's) is counter-clockwise positive —
  // a rotate=270 clip's -90° is turned clockwise as ffmpeg and the browser show it ("rotated -90°" read as a sign to
  // decode: tester28)
  const turned = !angle ? '' : Math.abs(angle) === 180 ? 'rotated 180°' : `rotated ${Math.abs(angle)}° ${angle > 0 ? 'counter-clockwise' : 'clockwise'}`;
  const how = [turned, s.mirrored ? 'mirrored' : ''].filter(Boolean).join(', ');
  if (dw === s.width && dh === s.height) return how ? `${stored} (${how})` : stored;
  return `${stored}, shown ${dw}${x}${dh}${how ? ` (${how})` : ''}`;
}
