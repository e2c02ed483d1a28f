import { markedKey } from './library-format';
import type { TrackDetail } from '@contract';
import { shortKey } from './library-filter';
import { loudnessPoints } from './loudness-curve';

/** Small canvas plots for the library's detail panel. Sizes are CSS pixels; the caller scales for the device. */

const C = {
  grid: '#2c313c',
  axis: '#767d8b',
  line: '#5eb3ff',
  fill: '#5eb3ff33',
  beat: '#f0b44c',
  bar: '#4a5568',
  win: '#4cc38a',
  ref: '#f0b44c',
  text: '#a9afbb',
};
const FONT = '10px system-ui, sans-serif';
const PAD = { l: 34, r: 8, t: 8, b: 18 };

function niceStep(span: number, ticks: number): number {
  const raw = span / Math.max(1, ticks);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

function timeLabel(t: number): string {
  const m = Math.floor(t / 60);
  const s = Math.round(t % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** y grid + labels and x time axis; returns the mappers. */
function axes(ctx: CanvasRenderingContext2D, w: number, h: number, x: [number, number], y: [number, number], yFmt: (v: number) => string) {
  const pw = w - PAD.l - PAD.r;
  const ph = h - PAD.t - PAD.b;
  const X = (v: number) => PAD.l + ((v - x[0]) / (x[1] - x[0] || 1)) * pw;
  const Y = (v: number) => PAD.t + (1 - (v - y[0]) / (y[1] - y[0] || 1)) * ph;
  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = C.grid;
  ctx.fillStyle = C.axis;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const ys = niceStep(y[1] - y[0], Math.max(2, Math.floor(ph / 28)));
  for (let v = Math.ceil(y[0] / ys) * ys; v <= y[1] + 1e-9; v += ys) {
    const py = Math.round(Y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(PAD.l, py);
    ctx.lineTo(w - PAD.r, py);
    ctx.stroke();
    ctx.fillText(yFmt(v), PAD.l - 4, py);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xs = niceStep(x[1] - x[0], Math.max(2, Math.floor(pw / 70)));
  for (let v = Math.ceil(x[0] / xs) * xs; v <= x[1] + 1e-9; v += xs) ctx.fillText(timeLabel(v), X(v), h - PAD.b + 4);
  return { X, Y, pw, ph };
}

function message(ctx: CanvasRenderingContext2D, w: number, h: number, text: string): void {
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = C.axis;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, w / 2, h / 2);
}

/** Local tempo over time, beats as ticks along the bottom. Returns whether there was data. */
export function drawTempo(ctx: CanvasRenderingContext2D, w: number, h: number, d: TrackDetail): boolean {
  const dur = d.track.durationSec ?? Math.max(d.beats.at(-1) ?? 0, d.tempoCurve.at(-1)?.t ?? 0);
  if (!d.tempoCurve.length && !d.beats.length) {
    message(ctx, w, h, 'No beats found');
    return false;
  }
  const bpms = d.tempoCurve.map((p) => p.bpm).filter(Number.isFinite);
  const ref = d.track.bpm ?? (bpms.length ? bpms[Math.floor(bpms.length / 2)] : 120);
  let lo = Math.min(ref, ...bpms);
  let hi = Math.max(ref, ...bpms);
  const margin = Math.max(4, (hi - lo) * 0.15);
  lo = Math.max(0, Math.floor(lo - margin));
  hi = Math.ceil(hi + margin);
  const { X, Y } = axes(ctx, w, h, [0, dur || 1], [lo, hi], (v) => v.toFixed(0));
  // beats
  ctx.strokeStyle = C.beat;
  ctx.globalAlpha = 0.7;
  ctx.beginPath();
  for (const b of d.beats) {
    const px = Math.round(X(b)) + 0.5;
    ctx.moveTo(px, h - PAD.b - 6);
    ctx.lineTo(px, h - PAD.b);
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
  // the track's tempo
  ctx.strokeStyle = C.ref;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(PAD.l, Y(ref));
  ctx.lineTo(w - PAD.r, Y(ref));
  ctx.stroke();
  ctx.setLineDash([]);
  // the curve
  ctx.strokeStyle = C.line;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  d.tempoCurve.forEach((p, i) => (i ? ctx.lineTo(X(p.t), Y(p.bpm)) : ctx.moveTo(X(p.t), Y(p.bpm))));
  ctx.stroke();
  return true;
}


/** The plot's label: majors in capitals, minors in lower case ("C", "a"), the usual short form. */
function plotKey(k: string): string {
  const s = shortKey(k);
  return s.endsWith('m') ? s.slice(0, -1).toLowerCase() : s;
}

/** Strength of each of the 24 keys; the winner highlighted. `spell` respells a key name (@contract key-spelling.ts spellKey). */
export function drawKeys(ctx: CanvasRenderingContext2D, w: number, h: number, d: TrackDetail, spell: (name: string) => string = (k) => k): boolean {
  const ks = d.keyStrengths;
  if (!ks.length) {
    message(ctx, w, h, 'No key strengths');
    return false;
  }
  const max = Math.max(...ks.map((k) => k.strength));
  const min = Math.min(0, ...ks.map((k) => k.strength));
  const win = markedKey(ks, d.track.key);
  const l = 6;
  const r = 6;
  const t = 8;
  const b = 26;
  // majors, a gap, minors (when the engine lists them that way)
  const half = ks.length === 24 ? 12 : ks.length;
  const gap = ks.length === 24 ? 8 : 0;
  const slot = (w - l - r - gap) / ks.length;
  const bw = Math.max(2, slot * 0.72);
  const Y = (v: number) => t + (1 - (v - min) / (max - min || 1)) * (h - t - b);
  const y0 = Y(Math.max(0, min));
  ctx.font = '9px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ks.forEach((k, i) => {
    const x = l + i * slot + (i >= half ? gap : 0) + (slot - bw) / 2;
    const y1 = Y(k.strength);
    const isWin = k === win;
    ctx.fillStyle = isWin ? C.win : C.bar;
    ctx.fillRect(x, Math.min(y0, y1), bw, Math.max(1, Math.abs(y0 - y1)));
    ctx.fillStyle = isWin ? C.win : C.text;
    // two rows of labels so 24 of them fit
    ctx.fillText(plotKey(spell(k.key)), x + bw / 2, h - b + 3 + (i % 2) * 11);
  });
  // the zero line
  ctx.strokeStyle = C.axis;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(l, Math.round(y0) + 0.5);
  ctx.lineTo(w - r, Math.round(y0) + 0.5);
  ctx.stroke();
  return true;
}

/** Short-term loudness (LUFS) over time, the integrated loudness as a dashed line. */
export function drawLoudness(ctx: CanvasRenderingContext2D, w: number, h: number, d: TrackDetail): boolean {
  const { stepSec, values } = d.loudnessCurve;
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!finite.length) {
    message(ctx, w, h, 'No loudness curve');
    return false;
  }
  const integrated = d.track.lufs;
  let lo = Math.min(...finite, integrated ?? Infinity);
  let hi = Math.max(...finite, integrated ?? -Infinity);
  lo = Math.max(-70, Math.floor(lo - 3));
  hi = Math.min(5, Math.ceil(hi + 2));
  const dur = Math.max(d.track.durationSec ?? 0, values.length * stepSec);
  const { X, Y } = axes(ctx, w, h, [0, dur || 1], [lo, hi], (v) => v.toFixed(0));
  const base = Y(lo);
  // filled area, broken where the signal is silent (null)
  ctx.fillStyle = C.fill;
  ctx.strokeStyle = C.line;
  ctx.lineWidth = 1.5;
  let run: Array<[number, number]> = [];
  const flush = () => {
    if (!run.length) return;
    ctx.beginPath();
    ctx.moveTo(run[0][0], base);
    for (const [x, y] of run) ctx.lineTo(x, y);
    ctx.lineTo(run.at(-1)![0], base);
    ctx.closePath();
    ctx.fill();
    ctx.beginPath();
    run.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
    run = [];
  };
  // each value at the middle of its 3 s window (loudness-curve.ts)
  for (const p of loudnessPoints(values, stepSec, dur)) {
    if (!p) flush();
    else run.push([X(p[0]), Y(Math.max(lo, Math.min(hi, p[1])))]);
  }
  flush();
  if (integrated !== null) {
    ctx.strokeStyle = C.ref;
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(PAD.l, Y(integrated));
    ctx.lineTo(w - PAD.r, Y(integrated));
    ctx.stroke();
    ctx.setLineDash([]);
  }
  return true;
}
