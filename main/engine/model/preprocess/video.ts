import { IMAGE_SIZE, CLIP_MEAN, CLIP_STD } from './image';

/**
 * DeepResonance's video preprocessing (ImageBind's load_and_transform_video_data
 * with pytorchvideo 0.1.5 + decord): 5 clips of 2 s, the first and last frame of
 * each clip, short side scaled to 224 (bilinear, align_corners=False, no
 * antialias), CLIP-normalised, 3 spatial crops → [15, 3, 2, 224, 224].
 */

export const VIDEO_CLIPS = 5;
export const VIDEO_CROPS = 3;

/** Frame indices per clip (first and last frame of each clip), as tools/convert/preprocess.py frame_plan. */
export function framePlan(fps: number, frames: number, clips = VIDEO_CLIPS, clipSeconds = 2): Array<[number, number]> {
  if (!(fps > 0) || !(frames > 0)) throw new Error('the video has no frames');
  const duration = frames / fps;
  const maxStart = Math.max(duration - clipSeconds, 0);
  const plan: Array<[number, number]> = [];
  for (let i = 0; i < clips; i++) {
    // Python evaluates fps * Fraction as float; i·maxStart/clips is exact in
    // Fraction, the product with fps is then rounded once.
    const start = (i * maxStart) / clips;
    const s = Math.ceil(fps * start);
    const e = Math.min(Math.ceil(fps * (start + clipSeconds)), frames);
    if (e <= s) throw new Error(`no frames in clip ${i} of the video`);
    plan.push([s, e - 1]);
  }
  return plan;
}

/** torch.nn.functional.interpolate(bilinear, align_corners=False) index/weight tables (float32 math). */
function linearTable(inSize: number, outSize: number) {
  const f = Math.fround;
  const scale = f(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l1 = new Float32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    let src = f(f(scale * f(d + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const idx = Math.floor(src);
    const lambda = Math.min(Math.max(f(src - idx), 0), 1);
    i0[d] = idx;
    i1[d] = idx + (idx < inSize - 1 ? 1 : 0);
    l1[d] = lambda;
  }
  return { i0, i1, l1 };
}

/** Short-side-224 size as pytorchvideo computes it. */
export function shortSideSize(w: number, h: number, size = IMAGE_SIZE): [number, number] {
  if (w < h) return [size, Math.floor((h / w) * size)];
  return [Math.floor((w / h) * size), size];
}

/**
 * One clip's two RGB frames (rgb24, w×h) → the clip's three crops, written
 * into `out` at `offset` as [3 crops][3 ch][2 t][224][224].
 */
export function clipToPixelValues(frames: [Uint8Array, Uint8Array], w: number, h: number, out: Float32Array, offset: number): void {
  const [ow, oh] = shortSideSize(w, h);
  const xs = linearTable(w, ow);
  const ys = linearTable(h, oh);
  // scaled + normalised planes [c][t][oh][ow]
  const planes = new Float32Array(3 * 2 * oh * ow);
  for (let t = 0; t < 2; t++) {
    const src = frames[t];
    for (let c = 0; c < 3; c++) {
      const base = (c * 2 + t) * oh * ow;
      for (let y = 0; y < oh; y++) {
        const r0 = ys.i0[y] * w;
        const r1 = ys.i1[y] * w;
        const ly1 = ys.l1[y];
        const ly0 = 1 - ly1;
        for (let x = 0; x < ow; x++) {
          const lx1 = xs.l1[x];
          const lx0 = 1 - lx1;
          const a = src[(r0 + xs.i0[x]) * 3 + c] / 255;
          const b = src[(r0 + xs.i1[x]) * 3 + c] / 255;
          const cc = src[(r1 + xs.i0[x]) * 3 + c] / 255;
          const d = src[(r1 + xs.i1[x]) * 3 + c] / 255;
          const v = ly0 * (lx0 * a + lx1 * b) + ly1 * (lx0 * cc + lx1 * d);
          planes[base + y * ow + x] = (v - CLIP_MEAN[c]) / CLIP_STD[c];
        }
      }
    }
  }
  const S = IMAGE_SIZE;
  for (let k = 0; k < VIDEO_CROPS; k++) {
    let y0 = Math.ceil((oh - S) / 2);
    let x0 = Math.ceil((ow - S) / 2);
    if (oh > ow) {
      if (k === 0) y0 = 0;
      else if (k === 2) y0 = oh - S;
    } else {
      if (k === 0) x0 = 0;
      else if (k === 2) x0 = ow - S;
    }
    const cropBase = offset + k * 3 * 2 * S * S;
    for (let c = 0; c < 3; c++) {
      for (let t = 0; t < 2; t++) {
        const pBase = (c * 2 + t) * oh * ow;
        const oBase = cropBase + (c * 2 + t) * S * S;
        for (let y = 0; y < S; y++) {
          const row = planes.subarray(pBase + (y + y0) * ow + x0, pBase + (y + y0) * ow + x0 + S);
          out.set(row, oBase + y * S);
        }
      }
    }
  }
}
