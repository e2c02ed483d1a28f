/**
 * The frequency-coloured waveform's colour of one pixel, as Mixxx's RGB
 * waveform mixes it: each band's largest amplitude under the pixel weights its
 * colour (low red, mid green, high blue), and the mix is scaled so its
 * strongest component is full brightness — a kick drum is red, a voice green,
 * hi-hats blue, everything at once near white. The part already played is dimmer.
 */
const LOW = [255, 40, 40];
const MID = [60, 235, 60];
const HIGH = [50, 130, 255];
/** brightness of the played part */
const PLAYED = 0.55;

/** `low`, `mid`, `high`: band maxima 0…255 (Peaks.bands); a CSS colour. */
export function bandColour(low: number, mid: number, high: number, played: boolean): string {
  const r = low * LOW[0] + mid * MID[0] + high * HIGH[0];
  const g = low * LOW[1] + mid * MID[1] + high * HIGH[1];
  const b = low * LOW[2] + mid * MID[2] + high * HIGH[2];
  const top = Math.max(r, g, b);
  if (!(top > 0)) return played ? '#555' : '#888';
  const k = (255 / top) * (played ? PLAYED : 1);
  return `rgb(${Math.round(r * k)},${Math.round(g * k)},${Math.round(b * k)})`;
}
