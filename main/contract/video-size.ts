import type { StreamInfo } from './methods';

/**
 * A video stream's size as stored and, where players show it otherwise, as shown: "320×240", or for a phone clip
 * with a quarter-turn display matrix "320×240, shown 240×320 (rotated 90°)", for anamorphic video (non-square
 * pixels) "720×576, shown 1024×576", a mirroring matrix adds "mirrored". The shown size is what filmstrip's
 * thumbSize keeps the aspect of (ffmpeg and the browser turn the picture upright); the rotation in degrees as ffmpeg states it. `x`: the sign between the sides.
 */
export function videoSizeText(s: Pick<StreamInfo, 'width' | 'height' | 'rotation' | 'sampleAspect' | 'mirrored'>, x = '×'): string | undefined {
  if (!s.width || !s.height) return undefined;
  const stored = `${s.width}${x}${s.height}`;
  const turn = ((Math.round((s.rotation ?? 0) / 90) % 4) + 4) % 4; // quarter turns
  const sar = s.sampleAspect && Math.abs(s.sampleAspect - 1) > 1e-3 ? s.sampleAspect : 1;
  const w = Math.round(s.width * sar);
  const [dw, dh] = turn % 2 ? [s.height, w] : [w, s.height];
  const how = [turn ? `rotated ${turn === 3 ? -90 : turn * 90}°` : '', s.mirrored ? 'mirrored' : ''].filter(Boolean).join(', ');
  if (dw === s.width && dh === s.height) return how ? `${stored} (${how})` : stored;
  return `${stored}, shown ${dw}${x}${dh}${how ? ` (${how})` : ''}`;
}
