/**
 * The RGB that Pillow (`Image.open(p).convert('RGB')`, the reference's image
 * loader) makes of formats where ffmpeg's own RGB conversion differs, built
 * from the planes ffmpeg decodes (which are the codec's, bit-exact for VP8,
 * within IDCT rounding for JPEG):
 *
 * - JPEG with subsampled chroma (4:2:0 = h2v2, 4:2:2 = h2v1): libjpeg's
 *   "fancy upsampling" (libjpeg-turbo jdsample.c h2v2_fancy_upsample /
 *   h2v1_fancy_upsample: a triangular filter, 3/4 · nearest + 1/4 · next
 *   sample, edges replicated) and its YCbCr → RGB tables (jdcolor.c,
 *   16-bit fixed point, ITU-R BT.601 full range). ffmpeg's swscale upsamples
 *   and converts otherwise (mean |Δ| 0.14 normalised on a noisy 4:2:0 image).
 * - lossy WebP (VP8, 4:2:0): libwebp's fancy upsampler (src/dsp/upsampling.c
 *   UpsampleRgbLinePair: the 9-3-3-1 filter as its two diagonals) and its
 *   YUV → RGB (src/dsp/yuv.h VP8YUVToR/G/B, 14-bit fixed point, BT.601
 *   limited range), as WebPDecode does by default.
 * - YCbCr TIFF (PhotometricInterpretation 6, not JPEG-compressed; as ffmpeg
 *   writes a yuv420p picture): Pillow reads it through libtiff's RGBA
 *   interface (TIFFRGBAImage: putcontig8bitYCbCr*tile), which gives each
 *   pixel its block's chroma sample unfiltered and converts with
 *   TIFFYCbCrToRGBInit's tables — the file's ReferenceBlackWhite and
 *   YCbCrCoefficients (default BT.601), 16-bit fixed point (tif_color.c);
 *   ffmpeg's swscale interpolates the chroma (mean 0.056 / max 2.40 normalised).
 * - 16-bit grayscale PNG or TIFF (Pillow mode "I;16"): convert('RGB') goes through
 *   mode L, which clips (ImagingConvert I16_L: v > 255 → 255), where ffmpeg
 *   scales 0…65535 to 0…255.
 * - JPEG with 4:4:0 chroma (libjpeg-turbo h1v2_fancy_upsample) or 4:1:1
 *   (int_upsample: replication), where swscale interpolates.
 * - 16-bit RGB / RGBA / gray + alpha PNG and 16-bit RGB TIFF: Pillow keeps each
 *   sample's high byte (Unpack.c ";16B"/";16L" rawmodes), swscale rounds.
 * - 16-bit SGI (RGB, RGBA, gray) and 16-bit RGBA TIFF (unassociated alpha): the high byte, as the PNG's.
 * - run-length encoded Sun raster: Pillow ignores the rows' 16-bit padding (sunRleRgb), ffmpeg does not.
 * - 8-bit CMYK TIFF: Pillow's cmyk2rgb (cmykRgb) on the stored samples, where ffmpeg's decoder converts them
 *   itself one level darker (mean |Δ| 0.014, max 0.03 normalised).
 * - 8-bit RGBA TIFF with associated alpha (ExtraSamples 1): Pillow's rawmode
 *   "RGBa" divides the colour back out (unpackRGBa), ffmpeg keeps it premultiplied.
 *
 * Pure functions over planes; the caller decodes them with ffmpeg.
 */

/** which Pillow-exact path a file's first bytes call for, with what ffmpeg must output for it; null: ffmpeg's rgb24 is already Pillow's */
export type PillowPath =
  | { kind: 'jpeg'; pixFmt: 'yuvj420p' | 'yuvj422p' | 'yuvj440p' | 'yuvj411p'; h: 1 | 2 | 4; v: 1 | 2 }
  | { kind: 'webp'; pixFmt: 'yuv420p' }
  | { kind: 'gray16'; pixFmt: 'gray16le' }
  | { kind: 'high16'; pixFmt: 'rgb48be' | 'gray16be' }
  | { kind: 'premultiplied'; pixFmt: 'rgba' }
  | { kind: 'rgb16'; pixFmt: 'rgb555le' | 'rgb565le' }
  | { kind: 'inverted'; pixFmt: 'rgb24' }
  | { kind: 'cmykTiff'; pixFmt: 'rgba' }
  | { kind: 'tiffYcc'; pixFmt: 'yuv444p' | 'yuv422p' | 'yuv420p' | 'yuv411p'; sx: number; sy: number; refBlackWhite: number[]; luma: number[] };

/**
 * The bytes of the frame ffmpeg outputs in `path.pixFmt` for a w × h picture (rgb24 when `path` is null):
 * planar YUV with its chroma ⌈w/h⌉ × ⌈h/v⌉, or packed samples.
 */
export function pillowPlaneBytes(path: PillowPath | null, w: number, h: number): number {
  if (!path) return w * h * 3;
  switch (path.kind) {
    case 'jpeg':
      return w * h + 2 * Math.ceil(w / path.h) * Math.ceil(h / path.v);
    case 'webp':
      return w * h + 2 * ((w + 1) >> 1) * ((h + 1) >> 1);
    case 'gray16':
      return w * h * 2;
    case 'high16':
      return w * h * (path.pixFmt === 'rgb48be' ? 6 : 2);
    case 'premultiplied':
      return w * h * 4;
    case 'rgb16':
      return w * h * 2;
    case 'inverted':
      return w * h * 3;
    case 'cmykTiff':
      return w * h * 4;
    case 'tiffYcc':
      return w * h + 2 * Math.ceil(w / path.sx) * Math.ceil(h / path.sy);
  }
}

/** RGB (w × h × 3) of `planes` decoded in `path.pixFmt`, as Pillow's convert('RGB') makes it (the rgb24 planes themselves when `path` is null). */
export function pillowRgb(path: PillowPath | null, planes: Uint8Array, w: number, h: number): Uint8Array {
  if (!path) return planes;
  switch (path.kind) {
    case 'jpeg':
      return jpegRgb(planes, w, h, path.v, path.h);
    case 'webp':
      return webpRgb(planes, w, h);
    case 'gray16':
      return gray16Rgb(planes, w, h);
    case 'high16':
      return high16Rgb(planes, w, h, path.pixFmt === 'rgb48be' ? 3 : 1);
    case 'premultiplied':
      return unpremultipliedRgb(planes, w, h);
    case 'rgb16':
      return rgb16Rgb(planes, w, h, path.pixFmt === 'rgb565le');
    case 'inverted':
      return planes.map((v) => 255 - v);
    case 'cmykTiff':
      return cmykRgb(planes, w, h);
    case 'tiffYcc':
      return tiffYccRgb(planes, w, h, path.sx, path.sy, path.refBlackWhite, path.luma);
  }
}

/**
 * Sniff `b` (the file's bytes, or at least its first 64 KiB): a baseline,
 * extended or progressive JPEG whose 3 components are YCbCr with chroma
 * subsampled 2×2, 2×1, 1×2 or 4×1 relative to luma, however the factors are written (no Adobe APP14 transform 0 = RGB); a lossy WebP
 * ("VP8 " chunk, simple or VP8X, with or without an ALPH chunk; not animated); a PNG of 16-bit grayscale
 * (IHDR colour type 0, bit depth 16); 16-bit RGB/RGBA/gray + alpha PNG and 16-bit RGB TIFF (high16); an 8-bit RGBA
 * TIFF with associated alpha (premultiplied); a 16-bit BMP (5-5-5, or 5-6-5 by its bit fields) or 16-bit true-colour
 * TGA (`codec` "targa": TGA has no magic number) — rgb16; an XBM (`codec` "xbm") — inverted. null otherwise.
 * `codec`: ffmpeg's decoder name for the file's picture, where known.
 */
export function pillowPathOf(b: Uint8Array, codec?: string): PillowPath | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  // 16-bit BMP and TGA: Pillow's rawmodes "BGR;15" / "BGR;16" / "BGR;5" (Unpack.c) widen each 5- or 6-bit sample by
  // v × 255 / 31 (or / 63), integer division; swscale widens by shifting in the sample's top bits
  if (buf.length > 66 && buf.toString('latin1', 0, 2) === 'BM' && buf.readUInt32LE(14) >= 40 && buf.readUInt16LE(28) === 16) {
    const comp = buf.readUInt32LE(30);
    if (comp === 0) return { kind: 'rgb16', pixFmt: 'rgb555le' };
    // BI_BITFIELDS: the masks follow a 40-byte header, or sit in a V4/V5 header at the same place
    const [r, g, bl] = [buf.readUInt32LE(54), buf.readUInt32LE(58), buf.readUInt32LE(62)];
    if (comp === 3 && r === 0x7c00 && g === 0x3e0 && bl === 0x1f) return { kind: 'rgb16', pixFmt: 'rgb555le' };
    if (comp === 3 && r === 0xf800 && g === 0x7e0 && bl === 0x1f) return { kind: 'rgb16', pixFmt: 'rgb565le' };
  }
  if (codec === 'targa' && buf.length > 18 && (buf[2] === 2 || buf[2] === 10) && buf[16] === 16) return { kind: 'rgb16', pixFmt: 'rgb555le' };
  // XBM: Pillow (XbmImagePlugin, mode "1") reads a set bit as white; ffmpeg's decoder as black (X11's foreground)
  if (codec === 'xbm') return { kind: 'inverted', pixFmt: 'rgb24' };
  if (buf.length > 4 && buf[0] === 0xff && buf[1] === 0xd8) return jpegPath(buf);
  if (buf.length > 30 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') {
    const first = buf.toString('latin1', 12, 16);
    if (first === 'VP8 ') return { kind: 'webp', pixFmt: 'yuv420p' };
    if (first === 'VP8X' && !(buf[20] & 0x02)) {
      // no animation: the image chunk follows the optional ICCP/ALPH/EXIF/XMP chunks. With an ALPH chunk
      // Pillow (WebPAnimDecoder, MODE_RGBA, not premultiplied: a key frame is decoded straight into the
      // canvas) keeps the colour samples under the alpha as they are, so its RGB is the same fancy upsampling
      let off = 12 + 8 + buf.readUInt32LE(16);
      while (off + 8 <= buf.length) {
        const id = buf.toString('latin1', off, off + 4);
        if (id === 'VP8 ') return { kind: 'webp', pixFmt: 'yuv420p' };
        if (id === 'VP8L') return null;
        off += 8 + buf.readUInt32LE(off + 4) + (buf.readUInt32LE(off + 4) & 1);
      }
    }
    return null;
  }
  if (buf.length > 26 && buf.readUInt32BE(0) === 0x89504e47 && buf.toString('latin1', 12, 16) === 'IHDR' && buf[24] === 16) {
    if (buf[25] === 0) return { kind: 'gray16', pixFmt: 'gray16le' };
    // 16-bit RGB, RGBA, gray + alpha (PNG colour types 2, 6, 4): Pillow's rawmodes "RGB;16B", "RGBA;16B", "LA;16B" keep the
    // high byte of each sample (Unpack.c), where ffmpeg's swscale rounds to 8 bits
    if (buf[25] === 2 || buf[25] === 6) return { kind: 'high16', pixFmt: 'rgb48be' };
    if (buf[25] === 4) return { kind: 'high16', pixFmt: 'gray16be' };
  }
  // a 16-bit SGI (bpc 2, as ffmpeg, GIMP and ImageMagick write 48/64-bit and 16-bit gray ones): Pillow's rawmodes
  // "RGB;16B", "RGBA;16B", "L;16B" keep each sample's high byte, where ffmpeg's swscale rounds
  if (buf.length > 512 && buf.readUInt16BE(0) === 474 && buf[3] === 2) {
    const z = buf.readUInt16BE(10);
    if (z === 3 || z === 4) return { kind: 'high16', pixFmt: 'rgb48be' };
    if (z === 1 || z === 2) return { kind: 'high16', pixFmt: 'gray16be' };
  }
  // a 16-bit grayscale TIFF (BlackIsZero): Pillow's mode "I;16"/"I;16B", the same clipping as the PNG's
  const t = tiffFacts(buf);
  if (t && t.samplesPerPixel === 1 && t.bitsPerSample === 16 && t.photometric === 1) return { kind: 'gray16', pixFmt: 'gray16le' };
  // a 16-bit RGB TIFF: Pillow's "RGB;16L"/"RGB;16B" keep the high byte too
  if (t && t.samplesPerPixel === 3 && t.bitsPerSample === 16 && t.photometric === 2) return { kind: 'high16', pixFmt: 'rgb48be' };
  // a 16-bit RGBA TIFF with unassociated alpha (ExtraSamples 2, as ffmpeg and GIMP write it): "RGBA;16L"/"RGBA;16B", the high byte too
  if (t && t.samplesPerPixel === 4 && t.bitsPerSample === 16 && t.photometric === 2 && t.extraSamples === 2 && t.planar === 1) return { kind: 'high16', pixFmt: 'rgb48be' };
  // an 8-bit RGBA TIFF whose alpha is associated (ExtraSamples = 1, premultiplied: Photoshop, GIMP, compositors): Pillow
  // opens it with rawmode "RGBa", which divides the colour back out; ffmpeg hands the stored (premultiplied) colour
  if (t && t.samplesPerPixel === 4 && t.bitsPerSample === 8 && t.photometric === 2 && t.extraSamples === 1 && t.planar === 1) return { kind: 'premultiplied', pixFmt: 'rgba' };
  // an 8-bit CMYK TIFF (PhotometricInterpretation 5, chunky; print artwork from Photoshop, InDesign, a label's files):
  // Pillow converts its samples with cmyk2rgb, ffmpeg's decoder with its own rule, one level darker on almost every
  // sample (tiff.c: (255 − c)(255 − k)·257 >> 16). Its stored samples come from a copy whose tag says RGB (cmykTiffAsRgba)
  if (t && t.photometric === 5 && t.samplesPerPixel === 4 && t.bitsPerSample === 8 && t.planar === 1 && t.compression !== 6 && t.compression !== 7) return { kind: 'cmykTiff', pixFmt: 'rgba' };
  // an 8-bit YCbCr TIFF (not JPEG-compressed): libtiff's conversion (tiffYccRgb), at the subsampling ffmpeg decodes it to
  if (t && t.photometric === 6 && t.samplesPerPixel === 3 && t.bitsPerSample === 8 && t.compression !== 6 && t.compression !== 7 && t.planar === 1) {
    const [sx, sy] = t.subsampling;
    const pixFmt = sx === 1 && sy === 1 ? 'yuv444p' : sx === 2 && sy === 1 ? 'yuv422p' : sx === 2 && sy === 2 ? 'yuv420p' : sx === 4 && sy === 1 ? 'yuv411p' : null;
    if (pixFmt) return { kind: 'tiffYcc', pixFmt, sx, sy, refBlackWhite: t.refBlackWhite, luma: t.luma };
  }
  return null;
}

/**
 * RGB (w × h × 3) of a CMYK image's samples (`planes`: C, M, Y, K per pixel, w × h × 4) as Pillow's convert('RGB')
 * makes it (Convert.c cmyk2rgb: nk = 255 − K, each of R, G, B = nk − MULDIV255(C|M|Y, nk), MULDIV255(a, b) =
 * ((t >> 8) + t) >> 8 with t = a·b + 128: a·b/255 rounded). Pure.
 */
export function cmykRgb(planes: Uint8Array, w: number, h: number): Uint8Array {
  const n = w * h;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const nk = 255 - planes[i * 4 + 3]!;
    for (let c = 0; c < 3; c++) {
      const t = planes[i * 4 + c]! * nk + 128;
      out[i * 3 + c] = nk - (((t >> 8) + t) >> 8);
    }
  }
  return out;
}

/**
 * A classic TIFF's (TIFF 6.0 §2: "II"/"MM", 42; BigTIFF's 43 is not read) byte-order readers over `buf` and its first
 * IFD: `ifd` its offset, `n` its entry count (12 bytes each from ifd + 2). null when `buf` is no classic TIFF or the
 * first IFD's count lies past its end. The entries themselves are not checked against the length: callers do.
 */
function tiffFirstIfd(buf: Buffer): { le: boolean; u16: (o: number) => number; u32: (o: number) => number; ifd: number; n: number } | null {
  if (buf.length < 8) return null;
  const order = buf.toString('latin1', 0, 2);
  const le = order === 'II';
  if (!(le || order === 'MM')) return null;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd + 2 > buf.length) return null;
  return { le, u16, u32, ifd, n: u16(ifd) };
}

/**
 * A copy of a classic TIFF's bytes `b` whose first IFD's PhotometricInterpretation (tag 262, a SHORT or a LONG) says RGB (2)
 * instead of separated (5): ffmpeg's decoder then hands a 4-sample CMYK picture's stored samples as RGBA, unconverted
 * (whatever its compression: none, LZW, Deflate, PackBits), for cmykRgb. null when `b` is no such TIFF. Pure.
 */
export function cmykTiffAsRgba(b: Uint8Array): Buffer | null {
  const buf = Buffer.from(b);
  const t = tiffFirstIfd(buf);
  if (!t) return null;
  const { le, u16, u32, ifd, n } = t;
  for (let k = 0; k < n && ifd + 2 + 12 * (k + 1) <= buf.length; k++) {
    const e = ifd + 2 + 12 * k;
    if (u16(e) !== 262) continue;
    // the tag's one value sits in the entry's 4-byte value field: a SHORT (type 3) in its first two bytes, a LONG (4) in all four
    const type = u16(e + 2);
    if (type === 3 && u16(e + 8) === 5) {
      if (le) buf.writeUInt16LE(2, e + 8);
      else buf.writeUInt16BE(2, e + 8);
      return buf;
    }
    if (type === 4 && u32(e + 8) === 5) {
      if (le) buf.writeUInt32LE(2, e + 8);
      else buf.writeUInt32BE(2, e + 8);
      return buf;
    }
    return null;
  }
  return null;
}

/**
 * RGB (w × h × 3) of a YCbCr TIFF's planes (Y w × h, Cb and Cr ⌈w/sx⌉ × ⌈h/sy⌉) as libtiff converts them for
 * Pillow (tif_getimage.c putcontig8bitYCbCr*tile: each pixel takes its block's Cb/Cr, no filtering; tif_color.c
 * TIFFYCbCrToRGBInit / TIFFYCbCrtoRGB: Code2V of each code through the ReferenceBlackWhite range in single
 * precision, the luma coefficients' FIX()ed factors, clamped to 0…255). `refBlackWhite`: the tag's six values
 * (TIFF 6.0 §21, default [0, 255, 128, 255, 128, 255]); `luma`: YCbCrCoefficients (default 0.299, 0.587, 0.114). Pure.
 */
export function tiffYccRgb(planes: Uint8Array, w: number, h: number, sx: number, sy: number, refBlackWhite: number[], luma: number[]): Uint8Array {
  const f = Math.fround;
  const SHIFT = 16;
  const FIX = (x: number) => Math.trunc(f(x * 65536) + 0.5);
  const ONE_HALF = 1 << (SHIFT - 1);
  const clampF = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);
  const [lr, lg, lb] = luma.map(f);
  const f1 = f(2 - f(2 * lr));
  const D1 = FIX(clampF(f1, 0, 2));
  const D2 = -FIX(clampF(f(f(lr * f1) / lg), 0, 2));
  const f3 = f(2 - f(2 * lb));
  const D3 = FIX(clampF(f3, 0, 2));
  const D4 = -FIX(clampF(f(f(lb * f3) / lg), 0, 2));
  const rb = refBlackWhite.map(f);
  // Code2V(c, RB, RW, CR) = ((c − (int)RB) · CR) / (RW − RB), in float; clamped to ±4096 and truncated
  const code2v = (c: number, RB: number, RW: number, CR: number) => Math.trunc(clampF(f(f((c - Math.trunc(RB)) * CR) / f(RW - RB !== 0 ? RW - RB : 1)), -4096, 4096));
  const crR = new Int32Array(256);
  const cbB = new Int32Array(256);
  const crG = new Int32Array(256);
  const cbG = new Int32Array(256);
  const yT = new Int32Array(256);
  for (let i = 0, x = -128; i < 256; i++, x++) {
    const Cr = code2v(x, f(rb[4] - 128), f(rb[5] - 128), 127);
    const Cb = code2v(x, f(rb[2] - 128), f(rb[3] - 128), 127);
    crR[i] = (D1 * Cr + ONE_HALF) >> SHIFT;
    cbB[i] = (D3 * Cb + ONE_HALF) >> SHIFT;
    crG[i] = D2 * Cr;
    cbG[i] = D4 * Cb + ONE_HALF;
    yT[i] = code2v(x + 128, rb[0], rb[1], 255);
  }
  const cw = Math.ceil(w / sx);
  const ch = Math.ceil(h / sy);
  const cb = planes.subarray(w * h, w * h + cw * ch);
  const cr = planes.subarray(w * h + cw * ch, w * h + 2 * cw * ch);
  const out = new Uint8Array(w * h * 3);
  const c255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const Y = planes[y * w + x]!;
      const k = Math.floor(y / sy) * cw + Math.floor(x / sx);
      const b = cb[k]!;
      const r = cr[k]!;
      const o = (y * w + x) * 3;
      out[o] = c255(yT[Y]! + crR[r]!);
      out[o + 1] = c255(yT[Y]! + ((cbG[b]! + crG[r]!) >> SHIFT));
      out[o + 2] = c255(yT[Y]! + cbB[b]!);
    }
  }
  return out;
}

/** What a TIFF's first IFD states (TIFF 6.0 §2, tags 258/259/262/274/277), from the file's first bytes; null for a non-TIFF or an IFD past them. */
export interface TiffFacts {
  /** Orientation (tag 274), 1 when absent */
  orientation: number;
  /** Compression (tag 259), 1 when absent */
  compression: number;
  /** PhotometricInterpretation (tag 262), -1 when absent */
  photometric: number;
  /** BitsPerSample of the first sample (tag 258), 1 when absent */
  bitsPerSample: number;
  /** SamplesPerPixel (tag 277), 1 when absent */
  samplesPerPixel: number;
  /** ExtraSamples (tag 338), the first value: 0 unspecified, 1 associated (premultiplied) alpha, 2 unassociated; 0 when absent */
  extraSamples: number;
  /** PlanarConfiguration (tag 284): 1 chunky, 2 planar; 1 when absent */
  planar: number;
  /** YCbCrSubSampling (tag 530), [2, 2] when absent */
  subsampling: [number, number];
  /** ReferenceBlackWhite (tag 532, six RATIONALs), [0, 255, 128, 255, 128, 255] when absent */
  refBlackWhite: number[];
  /** YCbCrCoefficients (tag 529, three RATIONALs), BT.601's [0.299, 0.587, 0.114] when absent */
  luma: number[];
}

export function tiffFacts(b: Uint8Array): TiffFacts | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const t = tiffFirstIfd(buf); // classic TIFF (BigTIFF, 43, is left to ffmpeg as it was)
  if (!t) return null;
  const { le, u16, u32, ifd, n } = t;
  if (ifd + 2 + 12 * n > buf.length) return null;
  const facts: TiffFacts = { orientation: 1, compression: 1, photometric: -1, bitsPerSample: 1, samplesPerPixel: 1, extraSamples: 0, planar: 1, subsampling: [2, 2], refBlackWhite: [0, 255, 128, 255, 128, 255], luma: [0.299, 0.587, 0.114] };
  /** `count` RATIONALs (TIFF type 5: two LONGs) at an offset */
  const rationals = (at: number, count: number): number[] | null => (at + 8 * count <= buf.length ? Array.from({ length: count }, (_, i) => u32(at + 8 * i) / (u32(at + 8 * i + 4) || 1)) : null);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    const tag = u16(e);
    const type = u16(e + 2);
    const count = u32(e + 4);
    // a SHORT (3) in the entry itself, or, for several SHORTs past 4 bytes, the first at the offset; a LONG (4) likewise
    if (type === 5 && (tag === 532 || tag === 529)) {
      const r = rationals(u32(e + 8), count);
      if (r && tag === 532 && count === 6) facts.refBlackWhite = r;
      if (r && tag === 529 && count === 3) facts.luma = r;
      continue;
    }
    if (tag === 530 && type === 3 && count === 2) {
      facts.subsampling = [u16(e + 8), u16(e + 10)];
      continue;
    }
    const at = type === 3 && count > 2 ? u32(e + 8) : e + 8;
    if (at + 4 > buf.length) continue;
    const v = type === 3 ? u16(at) : type === 4 ? u32(at) : undefined;
    if (v === undefined) continue;
    if (tag === 274) facts.orientation = v;
    else if (tag === 259) facts.compression = v;
    else if (tag === 262) facts.photometric = v;
    else if (tag === 258) facts.bitsPerSample = v;
    else if (tag === 277) facts.samplesPerPixel = v;
    else if (tag === 338) facts.extraSamples = v;
    else if (tag === 284) facts.planar = v;
  }
  return facts;
}

/**
 * RGB (w × h × 3) turned as Pillow's TiffImagePlugin turns a TIFF on load (`load_end`: the Orientation tag
 * mapped to Image.transpose — 2 FLIP_LEFT_RIGHT, 3 ROTATE_180, 4 FLIP_TOP_BOTTOM, 5 TRANSPOSE, 6 ROTATE_270,
 * 7 TRANSVERSE, 8 ROTATE_90), so `Image.open(p).convert('RGB')` is already upright for a TIFF (never for a JPEG,
 * PNG or WebP, whose EXIF orientation Pillow leaves to ImageOps.exif_transpose). Returns the new size; an
 * orientation outside 2–8 returns the input.
 */
export function pillowTiffTranspose(rgb: Uint8Array, w: number, h: number, orientation: number): { rgb: Uint8Array; w: number; h: number } {
  if (!(orientation >= 2 && orientation <= 8)) return { rgb, w, h };
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8Array(ow * oh * 3);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // the source pixel (sx, sy) of output (x, y)
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = w - 1 - x; sy = y; break;
        case 3: sx = w - 1 - x; sy = h - 1 - y; break;
        case 4: sx = x; sy = h - 1 - y; break;
        case 5: sx = y; sy = x; break; // transpose
        case 6: sx = y; sy = h - 1 - x; break; // rotate 90° clockwise
        case 7: sx = w - 1 - y; sy = h - 1 - x; break; // transverse
        default: sx = w - 1 - y; sy = x; break; // 8: rotate 90° counter-clockwise
      }
      const s = (sy * w + sx) * 3;
      const o = (y * ow + x) * 3;
      out[o] = rgb[s];
      out[o + 1] = rgb[s + 1];
      out[o + 2] = rgb[s + 2];
    }
  }
  return { rgb: out, w: ow, h: oh };
}

/**
 * The colour model of a four-component JPEG (SOF0/1/2 with Nf = 4), as Photoshop, InDesign and prepress tools write
 * print-ready covers: 'ycck' with an Adobe APP14 marker of transform 2 (CMYK stored as YCC + K, libjpeg's
 * JCS_YCCK), 'cmyk' otherwise (Adobe transform 0, or no marker); null for any other JPEG or file. Pillow reads both
 * (libjpeg-turbo, any sampling factors); ffmpeg 5.1's decoder refuses some samplings of them (a 4:2:2 YCCK file:
 * "Error marking filters as finished"). Pure.
 */
export function fourComponentJpeg(b: Uint8Array): 'cmyk' | 'ycck' | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let transform = -1;
  for (let p = 2; p + 4 <= buf.length; ) {
    if (buf[p] !== 0xff) return null;
    const m = buf[p + 1]!;
    if (m === 0xff) {
      p++;
      continue;
    }
    if (m === 0xee && buf.toString('latin1', p + 4, p + 9) === 'Adobe' && p + 15 < buf.length) transform = buf[p + 15]!;
    if (m === 0xc0 || m === 0xc1 || m === 0xc2) return p + 9 < buf.length && buf[p + 9] === 4 ? (transform === 2 ? 'ycck' : 'cmyk') : null;
    if (m === 0xda || m === 0xd9) return null;
    p += 2 + buf.readUInt16BE(p + 2);
  }
  return null;
}

/**
 * Whether `b` (a file's first bytes) is a JPEG whose frame is arithmetic-coded (SOF9–SOF11, SOF13–SOF15; T.81
 * Annex D, as `cjpeg -arithmetic` / `jpegtran -arithmetic` write it): ffmpeg 5.1's decoder has no arithmetic
 * decoder and reports no picture size, while Pillow (libjpeg-turbo) reads it.
 */
export function isArithmeticJpeg(b: Uint8Array): boolean {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return false;
  for (let p = 2; p + 4 <= buf.length; ) {
    if (buf[p] !== 0xff) return false;
    const m = buf[p + 1];
    if (m === 0xff) {
      p++;
      continue;
    }
    if (m >= 0xc9 && m <= 0xcf && m !== 0xcc) return true;
    if ((m >= 0xc0 && m <= 0xc7) || m === 0xda || m === 0xd9) return false;
    p += 2 + buf.readUInt16BE(p + 2);
  }
  return false;
}

/**
 * Whether `b` (a whole file) is a JPEG (starts with SOI, FF D8) that ends before its end-of-image marker (EOI, FF D9):
 * a cover whose download or copy did not finish. The marker segments are walked by their lengths (an EXIF thumbnail's
 * own EOI inside APP1 is skipped with it) and each scan's entropy-coded data up to its next marker (T.81 B.1.1.5:
 * FF 00 is a stuffed byte, FF D0–D7 a restart marker, FF FF fill), for every scan of a progressive file. Pillow
 * (`ImageFile.load` without LOAD_TRUNCATED_IMAGES, as the reference's loader runs) refuses such a file, "image file is
 * truncated", also where only the EOI is missing; ffmpeg 5.1's mjpeg decoder fills the rest of the picture in and says
 * nothing but a warning ("overread", "EOI missing, emulating"). Bytes after the EOI (trailing data) are no matter to
 * either. False for any file that is no JPEG. Pure.
 */
export function jpegCutShort(b: Uint8Array): boolean {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  if (buf.length < 2 || buf[0] !== 0xff || buf[1] !== 0xd8) return false;
  let p = 2;
  while (p + 2 <= buf.length) {
    if (buf[p] !== 0xff) return false; // not a marker where one must be: no JPEG this walk can read (left to the decoders)
    const m = buf[p + 1]!;
    if (m === 0xff) {
      p++; // fill byte before a marker
      continue;
    }
    if (m === 0xd9) return false; // EOI: the image is whole
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      p += 2; // TEM, RSTn: no length
      continue;
    }
    if (p + 4 > buf.length) return true;
    const end = p + 2 + buf.readUInt16BE(p + 2);
    if (end > buf.length) return true;
    p = end;
    if (m !== 0xda) continue;
    // SOS: the entropy-coded data runs to the next marker that is neither a stuffed byte nor a restart marker
    for (;;) {
      const ff = buf.indexOf(0xff, p);
      if (ff < 0 || ff + 1 >= buf.length) return true;
      const n = buf[ff + 1]!;
      if (n === 0x00 || (n >= 0xd0 && n <= 0xd7)) {
        p = ff + 2;
        continue;
      }
      if (n === 0xff) {
        p = ff + 1;
        continue;
      }
      p = ff;
      break;
    }
  }
  return true;
}

function jpegPath(b: Buffer): PillowPath | null {
  let p = 2;
  let adobeRgb = false;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return null;
    const m = b[p + 1];
    if (m === 0xff) {
      p++;
      continue;
    }
    const len = b.readUInt16BE(p + 2);
    if (m === 0xee && b.toString('latin1', p + 4, p + 9) === 'Adobe' && p + 15 < b.length) adobeRgb = b[p + 15] === 0;
    // SOF0 baseline, SOF1 extended, SOF2 progressive (Huffman); arithmetic and lossless are left to ffmpeg
    if (m === 0xc0 || m === 0xc1 || m === 0xc2) {
      if (p + 4 + 6 + 9 > b.length || b[p + 4] !== 8 || b[p + 9] !== 3 || adobeRgb) return null;
      // sampling factors count relative to the largest (JPEG T.81 A.1.1; libjpeg upsamples by the ratio
      // max / component): ffmpeg writes 4:2:2 as Y 2×2 with chroma 1×2, where Pillow and cameras write Y 2×1, chroma 1×1
      const f = (i: number) => b[p + 10 + i * 3 + 1];
      const [y, cb, cr] = [f(0), f(1), f(2)];
      if (cb !== cr) return null;
      const [yh, yv, ch, cv] = [y >> 4, y & 15, cb >> 4, cb & 15];
      if (!ch || !cv || yh % ch || yv % cv) return null;
      const [rh, rv] = [yh / ch, yv / cv];
      if (rh === 2 && rv === 2) return { kind: 'jpeg', pixFmt: 'yuvj420p', h: 2, v: 2 };
      if (rh === 2 && rv === 1) return { kind: 'jpeg', pixFmt: 'yuvj422p', h: 2, v: 1 };
      // 4:4:0 (chroma halved vertically: a 4:2:2 camera JPEG turned a quarter by jpegtran) and 4:1:1 (DV-era cameras):
      // libjpeg-turbo upsamples 4:4:0 with h1v2_fancy_upsample and 4:1:1 by replication (int_upsample), where ffmpeg's swscale interpolates
      if (rh === 1 && rv === 2) return { kind: 'jpeg', pixFmt: 'yuvj440p', h: 1, v: 2 };
      if (rh === 4 && rv === 1) return { kind: 'jpeg', pixFmt: 'yuvj411p', h: 4, v: 1 };
      return null;
    }
    if (m === 0xda || m === 0xd9) return null;
    p += 2 + len;
  }
  return null;
}

const clamp8 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** libjpeg jdcolor.c build_ycc_rgb_table: SCALEBITS 16, FIX(x) = round(x · 65536), ONE_HALF = 1 << 15 */
const FIX = (x: number) => Math.floor(x * 65536 + 0.5);
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (FIX(1.402) * x + 32768) >> 16;
  CB_B[i] = (FIX(1.772) * x + 32768) >> 16;
  CR_G[i] = -FIX(0.71414) * x;
  CB_G[i] = -FIX(0.34414) * x + 32768;
}

/**
 * libjpeg's fancy upsampling of one chroma plane (cw × ch samples) to
 * w × h: h2v2 (v = 2) or h2v1 (v = 1), as jdsample.c — rows and columns
 * past the edge replicate the edge sample.
 */
export function jpegFancyUpsample(c: Uint8Array, cw: number, ch: number, w: number, h: number, v: 1 | 2): Uint8Array {
  const out = new Uint8Array(w * h);
  const row = new Int32Array(cw);
  for (let y = 0; y < h; y++) {
    const near = v === 2 ? y >> 1 : Math.min(y, ch - 1);
    if (v === 2) {
      // thiscolsum = nearest row × 3 + the next-nearest (above for an even output row, below for an odd one)
      const far = Math.min(ch - 1, Math.max(0, y & 1 ? near + 1 : near - 1));
      for (let x = 0; x < cw; x++) row[x] = c[near * cw + x] * 3 + c[far * cw + x];
      const o = y * w;
      const put = (x: number, val: number) => {
        if (x < w) out[o + x] = val;
      };
      if (cw === 1) {
        put(0, (row[0] * 4 + 8) >> 4);
        put(1, (row[0] * 4 + 7) >> 4);
        continue;
      }
      put(0, (row[0] * 4 + 8) >> 4);
      put(1, (row[0] * 3 + row[1] + 7) >> 4);
      for (let x = 1; x < cw - 1; x++) {
        put(2 * x, (row[x] * 3 + row[x - 1] + 8) >> 4);
        put(2 * x + 1, (row[x] * 3 + row[x + 1] + 7) >> 4);
      }
      const l = cw - 1;
      put(2 * l, (row[l] * 3 + row[l - 1] + 8) >> 4);
      put(2 * l + 1, (row[l] * 4 + 7) >> 4);
    } else {
      const r = near * cw;
      const o = y * w;
      const put = (x: number, val: number) => {
        if (x < w) out[o + x] = val;
      };
      if (cw === 1) {
        put(0, c[r]);
        put(1, c[r]);
        continue;
      }
      put(0, c[r]);
      put(1, (c[r] * 3 + c[r + 1] + 2) >> 2);
      for (let x = 1; x < cw - 1; x++) {
        const inv = c[r + x] * 3;
        put(2 * x, (inv + c[r + x - 1] + 1) >> 2);
        put(2 * x + 1, (inv + c[r + x + 1] + 2) >> 2);
      }
      const l = cw - 1;
      put(2 * l, (c[r + l] * 3 + c[r + l - 1] + 1) >> 2);
      put(2 * l + 1, c[r + l]);
    }
  }
  return out;
}

/**
 * libjpeg-turbo's h1v2_fancy_upsample (jdsample.c, 2.1+) of a 4:4:0 chroma plane (w × ch samples) to w × h:
 * each output row is 3/4 of its nearest input row + 1/4 of the next nearest (above for an even output row,
 * bias 1; below for an odd one, bias 2); the rows past the picture's edges repeat the edge row (jdmainct.c's context rows).
 */
export function jpegH1v2Upsample(c: Uint8Array, w: number, ch: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const near = y >> 1;
    const far = Math.min(ch - 1, Math.max(0, y & 1 ? near + 1 : near - 1));
    const bias = y & 1 ? 2 : 1;
    for (let x = 0; x < w; x++) out[y * w + x] = (c[near * w + x] * 3 + c[far * w + x] + bias) >> 2;
  }
  return out;
}

/**
 * libjpeg's int_upsample / h2v1_upsample / h2v2_upsample (jdsample.c) of a chroma plane (cw samples a row) to
 * w × h: each sample repeated `hr` times across and `vr` times down (vr 1: one chroma row per output row).
 */
export function jpegReplicate(c: Uint8Array, cw: number, w: number, h: number, hr: number, vr = 1): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = c[Math.floor(y / vr) * cw + Math.floor(x / hr)];
  return out;
}

/**
 * RGB (w × h × 3, uint8) of a JPEG's decoded planes, as libjpeg makes it:
 * `planes`: ffmpeg's yuvj420p / yuvj422p / yuvj440p / yuvj411p frame (Y w × h, then Cb and Cr
 * ⌈w/hr⌉ × ⌈h/v⌉ each; hr: the luma-to-chroma ratio across, 2 unless given).
 */
export function jpegRgb(planes: Uint8Array, w: number, h: number, v: 1 | 2, hr: 1 | 2 | 4 = 2): Uint8Array {
  const cw = Math.ceil(w / hr);
  const ch = v === 2 ? (h + 1) >> 1 : h;
  const Y = planes.subarray(0, w * h);
  // libjpeg-turbo (jdsample.c jinit_upsampler) filters 4:2:2 and 4:2:0 chroma only where a chroma row is wider than two
  // samples (`downsampled_width > 2`, i.e. the picture is wider than 4 px); narrower, it replicates (h2v1_upsample,
  // h2v2_upsample) — swscale and the fancy filter blur such a picture's colours (mean |Δ| 0.03–0.11, max 0.99 normalised)
  const up = (c: Uint8Array) =>
    hr === 2 ? (cw > 2 ? jpegFancyUpsample(c, cw, ch, w, h, v) : jpegReplicate(c, cw, w, h, 2, v)) : hr === 1 ? jpegH1v2Upsample(c, w, ch, h) : jpegReplicate(c, cw, w, h, hr);
  const cb = up(planes.subarray(w * h, w * h + cw * ch));
  const cr = up(planes.subarray(w * h + cw * ch, w * h + 2 * cw * ch));
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const y = Y[i];
    rgb[i * 3] = clamp8(y + CR_R[cr[i]]);
    rgb[i * 3 + 1] = clamp8(y + ((CB_G[cb[i]] + CR_G[cr[i]]) >> 16));
    rgb[i * 3 + 2] = clamp8(y + CB_B[cb[i]]);
  }
  return rgb;
}

/** libwebp yuv.h: MultHi and VP8Clip8 (YUV_FIX2 = 6) */
const multHi = (v: number, coeff: number) => (v * coeff) >> 8;
const clip8w = (v: number) => ((v & ~16383) === 0 ? v >> 6 : v < 0 ? 0 : 255);

/**
 * RGB (w × h × 3) of a lossy WebP's decoded planes (ffmpeg's yuv420p: Y
 * w × h, U and V ⌈w/2⌉ × ⌈h/2⌉), as libwebp's WebPDecode makes it with fancy
 * upsampling (EmitFancyRGB: output row 0 from chroma row 0 alone; rows
 * 2k−1 and 2k from chroma rows k−1 and k; a last even row from the last
 * chroma row alone).
 */
export function webpRgb(planes: Uint8Array, w: number, h: number): Uint8Array {
  const cw = (w + 1) >> 1;
  const ch = (h + 1) >> 1;
  const Y = planes.subarray(0, w * h);
  const U = planes.subarray(w * h, w * h + cw * ch);
  const V = planes.subarray(w * h + cw * ch, w * h + 2 * cw * ch);
  const rgb = new Uint8Array(w * h * 3);
  const u = new Uint8Array(w);
  const v = new Uint8Array(w);
  /** UpsampleRgbLinePair's top line, `near` the chroma row it is closest to (weight 3/4), `far` the other */
  const line = (src: Uint8Array, near: number, far: number, out: Uint8Array) => {
    const t = (x: number) => src[near * cw + x];
    const c = (x: number) => src[far * cw + x];
    let tl = t(0);
    let l = c(0);
    out[0] = (3 * tl + l + 2) >> 2;
    const lastPair = (w - 1) >> 1;
    for (let x = 1; x <= lastPair; x++) {
      const tt = t(x);
      const uv = c(x);
      const avg = tl + tt + l + uv + 8;
      const diag12 = (avg + 2 * (tt + l)) >> 3;
      const diag03 = (avg + 2 * (tl + uv)) >> 3;
      out[2 * x - 1] = (diag12 + tl) >> 1;
      out[2 * x] = (diag03 + tt) >> 1;
      tl = tt;
      l = uv;
    }
    if (!(w & 1)) out[w - 1] = (3 * tl + l + 2) >> 2;
  };
  for (let y = 0; y < h; y++) {
    let near: number;
    let far: number;
    if (y === 0) near = far = 0;
    else if (y & 1) {
      near = (y - 1) >> 1;
      far = near + 1 < ch ? near + 1 : near;
    } else {
      near = y >> 1;
      far = near - 1;
    }
    line(U, near, far, u);
    line(V, near, far, v);
    for (let x = 0; x < w; x++) {
      const yy = multHi(Y[y * w + x], 19077);
      const i = (y * w + x) * 3;
      rgb[i] = clip8w(yy + multHi(v[x], 26149) - 14234);
      rgb[i + 1] = clip8w(yy - multHi(u[x], 6419) - multHi(v[x], 13320) + 8708);
      rgb[i + 2] = clip8w(yy + multHi(u[x], 33050) - 17685);
    }
  }
  return rgb;
}

/** RGB (w × h × 3) of 16-bit gray samples (little-endian), as Pillow's I;16 → L → RGB: clipped at 255, not scaled */
export function gray16Rgb(planes: Uint8Array, w: number, h: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const g = planes[2 * i] | (planes[2 * i + 1] << 8);
    const c = g > 255 ? 255 : g;
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = c;
  }
  return rgb;
}

/** RGB (w × h × 3) of big-endian 16-bit samples (`channels` 3: RGB; 1: gray), each the high byte, as Pillow's ";16B"/";16L" rawmodes unpack them */
export function high16Rgb(planes: Uint8Array, w: number, h: number, channels: 1 | 3): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  if (channels === 3) for (let i = 0; i < w * h * 3; i++) rgb[i] = planes[2 * i];
  else for (let i = 0; i < w * h; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = planes[2 * i];
  return rgb;
}

/**
 * RGB (w × h × 3) of 16-bit little-endian pixels (ffmpeg's rgb555le / rgb565le: red in the high bits) as Pillow's
 * ImagingUnpackBGR15 / ImagingUnpackBGR16 make them: each sample × 255 / 31 (green of 5-6-5: / 63), truncated.
 */
export function rgb16Rgb(planes: Uint8Array, w: number, h: number, g6: boolean): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const px = planes[2 * i] | (planes[2 * i + 1] << 8);
    const [r, g] = g6 ? [(px >> 11) & 31, (px >> 5) & 63] : [(px >> 10) & 31, (px >> 5) & 31];
    rgb[3 * i] = Math.floor((r * 255) / 31);
    rgb[3 * i + 1] = Math.floor((g * 255) / (g6 ? 63 : 31));
    rgb[3 * i + 2] = Math.floor(((px & 31) * 255) / 31);
  }
  return rgb;
}

/** RGB (w × h × 3) of premultiplied RGBA, as Pillow's unpackRGBa (Unpack.c) makes it: alpha 0 → black, else each colour × 255 ÷ alpha (integer division) clipped at 255 */
export function unpremultipliedRgb(planes: Uint8Array, w: number, h: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const a = planes[4 * i + 3];
    for (let c = 0; c < 3; c++) {
      const v = planes[4 * i + c];
      rgb[3 * i + c] = a === 0 ? 0 : a === 255 ? v : Math.min(255, Math.floor((v * 255) / a));
    }
  }
  return rgb;
}

/**
 * The colour Pillow shows for a GIF's transparent pixels, as 0xRRGGBB, or null when `b` (the file's
 * bytes, up to its first image descriptor) is not a GIF whose first frame has a transparent index.
 * Pillow opens a GIF's first frame in mode "P", and `convert('RGB')` maps every index through the
 * colour table, the transparent one included (GIF89a §23: the transparent index only tells a viewer
 * not to draw); ffmpeg's GIF decoder paints those pixels with its `trans_color` option instead
 * (default white), so the caller passes this colour as that option. The colour table is the first
 * image's local one, else the global one (GIF89a §18, §20, §21, §23).
 */
export function gifTransparentRgb(b: Uint8Array): number | null {
  const g = gifFirstImage(b);
  if (!g || g.trans === null) return null;
  return gifTableRgb(g, g.trans, false);
}

/**
 * A GIF's logical screen and its first image descriptor (GIF89a §18, §20, §23), read up to that descriptor:
 * the screen's width and height, the descriptor's offset `at`, the transparent index of the Graphic Control
 * Extension before it (null: none), and the colour table that image uses (its local one, else the global one;
 * `tableAt`/`tableSize` in bytes, size 0: no table). null: not a GIF, or no image descriptor within `b`.
 */
function gifFirstImage(b: Uint8Array): { buf: Buffer; sw: number; sh: number; at: number; trans: number | null; tableAt: number; tableSize: number } | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  if (buf.length < 13 || !/^GIF8[79]a$/.test(buf.toString('latin1', 0, 6))) return null;
  const flags = buf[10];
  const globalAt = 13;
  const globalSize = flags & 0x80 ? 3 << ((flags & 7) + 1) : 0;
  let p = globalAt + globalSize;
  let trans: number | null = null;
  while (p < buf.length) {
    const kind = buf[p];
    if (kind === 0x21) {
      // extension: label, then sub-blocks; a Graphic Control Extension (0xF9, 4 bytes) holds the transparent index
      if (buf[p + 1] === 0xf9 && buf[p + 2] === 4 && p + 7 < buf.length) trans = buf[p + 3] & 1 ? buf[p + 6] : null;
      p += 2;
      while (p < buf.length && buf[p] !== 0) p += buf[p] + 1;
      p++;
    } else if (kind === 0x2c) {
      if (p + 10 > buf.length) return null;
      const local = buf[p + 9];
      const [tableAt, tableSize] = local & 0x80 ? [p + 10, 3 << ((local & 7) + 1)] : [globalAt, globalSize];
      return { buf, sw: buf.readUInt16LE(6), sh: buf.readUInt16LE(8), at: p, trans, tableAt, tableSize };
    } else return null;
  }
  return null;
}

/** Colour `index` of the first image's table as 0xRRGGBB; no table: the index as a gray level where `grayWithoutTable`, else null; null too when the index lies outside the table or the bytes read. */
function gifTableRgb(g: { buf: Buffer; tableAt: number; tableSize: number }, index: number, grayWithoutTable: boolean): number | null {
  if (g.tableSize === 0) return grayWithoutTable ? index * 0x010101 : null;
  const o = g.tableAt + 3 * index;
  if (3 * index + 3 > g.tableSize || o + 3 > g.buf.length) return null;
  return (g.buf[o] << 16) | (g.buf[o + 1] << 8) | g.buf[o + 2];
}

/**
 * Where a GIF's first image does not cover its logical screen (GIF89a §18, §20: an image descriptor's left, top,
 * width, height), the colour Pillow gives the rest of the screen: Pillow 9.4 (GifImagePlugin load_prepare) starts
 * frame 0 on a canvas of palette index 0 — of the transparent index where the first image's Graphic Control
 * Extension names one — and convert('RGB') maps it through the first image's colour table (local, else global;
 * no table: that index as a gray level). ffmpeg's GIF decoder paints the background colour (logical screen
 * descriptor's index) there instead. `rect` is the part of the screen the image covers (clipped to the screen);
 * `rgb` is 0xRRGGBB. null: not a GIF, or its first image covers the whole screen.
 */
export function gifFirstFrameFill(b: Uint8Array): { rect: [number, number, number, number]; rgb: number } | null {
  const g = gifFirstImage(b);
  if (!g) return null;
  const { buf, at, sw, sh } = g;
  const [x, y, w, h] = [buf.readUInt16LE(at + 1), buf.readUInt16LE(at + 3), buf.readUInt16LE(at + 5), buf.readUInt16LE(at + 7)];
  if (x === 0 && y === 0 && w >= sw && h >= sh) return null;
  const rgb = gifTableRgb(g, g.trans ?? 0, true);
  if (rgb === null) return null;
  return { rect: [Math.min(x, sw), Math.min(y, sh), Math.min(x + w, sw), Math.min(y + h, sh)], rgb };
}

/**
 * A 32-bit one-sample TIFF — float (SampleFormat 3, Pillow mode "F") or signed integer (SampleFormat 2, mode
 * "I"), BlackIsZero — as Pillow's `convert('RGB')` makes it (ffmpeg 5.1's TIFF decoder refuses 32-bit gray:
 * "This format is not supported (bpp=32, bppcount=1)"): each value clipped to 0…255 — a float truncated
 * toward zero (Convert.c f2l via mode L: v ≤ 0 → 0, v ≥ 255 → 255, else (UINT8)v), an integer clipped (i2rgb)
 * — and repeated in R, G and B. Pillow's result is only meaningful for values in 0…255: a float image scaled
 * 0…1 reads near-black, as the reference sees it. Strips uncompressed or Deflate-compressed (8, 32946), no
 * predictor. `b`: the whole file. null: not such a TIFF; throws a plain Error naming what is not read
 * (another compression, a predictor, tiles, strips past the file's end).
 */
export function tiffGray32Rgb(b: Uint8Array, inflate: (data: Uint8Array) => Uint8Array): { rgb: Uint8Array; w: number; h: number } | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const t = tiffFirstIfd(buf);
  if (!t) return null;
  const { le, u16, u32, ifd, n } = t;
  if (ifd + 2 + 12 * n > buf.length) return null;
  /** every value of an entry (SHORT or LONG), inline or at its offset */
  const tags = new Map<number, number[]>();
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    const type = u16(e + 2);
    const count = u32(e + 4);
    const size = type === 3 ? 2 : type === 4 ? 4 : 0;
    if (!size || count > 1 << 20) continue;
    const at = size * count > 4 ? u32(e + 8) : e + 8;
    if (at + size * count > buf.length) continue;
    tags.set(u16(e), Array.from({ length: count }, (_, i) => (size === 2 ? u16(at + 2 * i) : u32(at + 4 * i))));
  }
  const one = (t: number, d: number) => tags.get(t)?.[0] ?? d;
  const format = one(339, 1);
  if (one(258, 1) !== 32 || one(277, 1) !== 1 || one(262, -1) !== 1 || (format !== 2 && format !== 3)) return null;
  const w = one(256, 0);
  const h = one(257, 0);
  if (!w || !h) return null;
  const compression = one(259, 1);
  if (tags.has(322)) throw new Error('its pixels are stored in tiles');
  if (compression !== 1 && compression !== 8 && compression !== 32946) throw new Error(`its compression (${compression}) is not read here for 32-bit samples`);
  if (one(317, 1) !== 1) throw new Error('its samples are stored with a predictor');
  const offsets = tags.get(273) ?? [];
  const counts = tags.get(279) ?? [];
  const parts: Uint8Array[] = [];
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i]! + (counts[i] ?? 0) > buf.length) throw new Error('its strips run past the end of the file');
    const raw = buf.subarray(offsets[i]!, offsets[i]! + (counts[i] ?? 0));
    parts.push(compression === 1 ? raw : inflate(raw));
  }
  const data = Buffer.concat(parts);
  if (data.length < w * h * 4) throw new Error('its strips hold fewer samples than its size');
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    let v: number;
    if (format === 3) {
      const f = le ? data.readFloatLE(4 * i) : data.readFloatBE(4 * i);
      v = f <= 0 || Number.isNaN(f) ? 0 : f >= 255 ? 255 : Math.trunc(f);
    } else {
      const x = le ? data.readInt32LE(4 * i) : data.readInt32BE(4 * i);
      v = x <= 0 ? 0 : x >= 255 ? 255 : x;
    }
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = v;
  }
  return { rgb, w, h };
}

/**
 * A binary PGM or PPM (P5, P6; Netpbm) whose maxval is not 255 — 16-bit ones as dcraw, ImageMagick and scanner
 * tools write them, or a 10/12-bit maxval — as Pillow 9.4 (PpmImagePlugin, the reference's loader) converts it
 * to RGB: PPM samples scaled to 0…255 as round(v / maxval × 255) (Python's round: half to even; the "ppm"
 * decoder); PGM with maxval above 255 opens in mode "I" (maxval 65535: the samples as they are, else
 * round(v / maxval × 65535)) and convert('RGB') clips each value at 255 — a 16-bit gray picture reads almost
 * white, as the reference sees it; PGM with maxval below 255 scaled as PPM. Samples of 2 bytes (big-endian)
 * where maxval ≥ 256. ffmpeg's decoder scales every maxval to 16 bits and rounds on the way to 8 (mean |Δ|
 * 0.005–0.012 normalised for PPM; 1.9 for a 16-bit PGM). `b`: the whole file. null: not such a file;
 * throws a plain Error when the pixels stop short of the stated size.
 */
export function pnmRgb(b: Uint8Array): { rgb: Uint8Array; w: number; h: number } | null {
  if (b.length < 8 || b[0] !== 0x50 || (b[1] !== 0x35 && b[1] !== 0x36)) return null;
  const gray = b[1] === 0x35;
  // the header: magic, width, height, maxval, separated by whitespace and # comments, then one whitespace byte
  const tokens: number[] = [];
  let p = 2;
  while (tokens.length < 3) {
    if (p >= b.length) return null;
    const c = b[p];
    if (c === 0x23) {
      while (p < b.length && b[p] !== 0x0a && b[p] !== 0x0d) p++;
    } else if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) p++;
    else if (c >= 0x30 && c <= 0x39) {
      let v = 0;
      while (p < b.length && b[p] >= 0x30 && b[p] <= 0x39) v = v * 10 + (b[p++] - 0x30);
      tokens.push(v);
    } else return null;
  }
  p++; // the single whitespace byte before the samples
  const [w, h, maxval] = tokens as [number, number, number];
  if (!w || !h || !(maxval > 0 && maxval < 65536) || maxval === 255) return null;
  const bands = gray ? 1 : 3;
  const bytes = maxval < 256 ? 1 : 2;
  if (p + w * h * bands * bytes > b.length) throw new Error(`its samples stop short of ${w}×${h}`);
  /** Python's round() of a float: half to even */
  const roundEven = (x: number) => {
    const f = Math.floor(x);
    const d = x - f;
    return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  };
  const sample = (i: number) => (bytes === 1 ? b[p + i] : (b[p + 2 * i] << 8) | b[p + 2 * i + 1]);
  const rgb = new Uint8Array(w * h * 3);
  if (gray) {
    const wide = maxval > 255; // mode "I"
    for (let i = 0; i < w * h; i++) {
      const v = sample(i);
      const g = wide ? (maxval === 65535 ? v : Math.min(65535, roundEven((v / maxval) * 65535))) : Math.min(255, roundEven((v / maxval) * 255));
      rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = g > 255 ? 255 : g;
    }
  } else for (let i = 0; i < w * h * 3; i++) rgb[i] = Math.min(255, roundEven((sample(i) / maxval) * 255));
  return { rgb, w, h };
}

/**
 * A run-length encoded Sun raster (RAS, type 2 "byte-encoded": what ffmpeg's sunrast encoder, ImageMagick and
 * old SunOS tools write) as Pillow reads it (SunImagePlugin + SunRleDecode.c): the runs (0x80 n v: n + 1 copies of
 * v; 0x80 0x00: one 0x80; else the byte itself) decoded as one stream, and each row taken as the next
 * ⌈w · depth / 8⌉ bytes of it. Pillow ignores the 16-bit row padding the format stores (the raw types' stride
 * honours it), so where a row's bytes are odd (an odd width at 8 or 24 bits) each padding byte shifts the rows
 * after it — the reference's picture, which ffmpeg's decoder (padding skipped) does not give. Depth 1 ("1;I": a set
 * bit is black), 4 (gray × 17), 8 (gray, or indices into a planar RGB colour map of `palette_length` bytes), 24
 * (BGR), 32 (BGRX). `b`: the whole file. null: not an RLE Sun raster. Throws a plain Error with Pillow's reason
 * where Pillow refuses (colour map type or length, depth) or the runs stop short of the picture ("truncated").
 */
export function sunRleRgb(b: Uint8Array): { rgb: Uint8Array; w: number; h: number } | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  if (buf.length < 32 || buf.readUInt32BE(0) !== 0x59a66a95 || buf.readUInt32BE(20) !== 2) return null;
  const w = buf.readUInt32BE(4);
  const h = buf.readUInt32BE(8);
  const depth = buf.readUInt32BE(12);
  const mapType = buf.readUInt32BE(24);
  const mapLength = buf.readUInt32BE(28);
  if (![1, 4, 8, 24, 32].includes(depth)) throw new Error(`its depth of ${depth} bits is not one Pillow reads`);
  if (mapLength > 1024) throw new Error('its colour map is longer than the 1024 bytes Pillow reads');
  if (mapLength && mapType !== 1) throw new Error(`its colour map type ${mapType} is not one Pillow reads`);
  const map = mapLength && depth === 8 ? buf.subarray(32, 32 + mapLength) : null;
  const entries = map ? Math.floor(map.length / 3) : 0;
  const rowBytes = Math.ceil((w * depth) / 8);
  const need = rowBytes * h;
  const flat = new Uint8Array(need);
  let x = 0;
  for (let p = 32 + mapLength; x < need && p < buf.length; ) {
    if (buf[p] !== 0x80) {
      flat[x++] = buf[p++];
      continue;
    }
    if (p + 1 >= buf.length) break;
    const n = buf[p + 1]!;
    if (n === 0) {
      flat[x++] = 0x80;
      p += 2;
      continue;
    }
    if (p + 2 >= buf.length) break;
    const k = Math.min(n + 1, need - x);
    flat.fill(buf[p + 2]!, x, x + k);
    x += k;
    p += 3;
  }
  if (x < need) throw new Error('its runs stop short of the picture (truncated)');
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const row = y * rowBytes;
    for (let i = 0; i < w; i++) {
      const o = (y * w + i) * 3;
      if (depth === 24 || depth === 32) {
        const s = row + i * (depth / 8);
        rgb[o] = flat[s + 2]!;
        rgb[o + 1] = flat[s + 1]!;
        rgb[o + 2] = flat[s]!;
        continue;
      }
      let v: number;
      if (depth === 1) v = (flat[row + (i >> 3)]! >> (7 - (i & 7))) & 1 ? 0 : 255;
      else if (depth === 4) v = ((flat[row + (i >> 1)]! >> (i & 1 ? 0 : 4)) & 15) * 17;
      else v = flat[row + i]!;
      if (map) {
        // ImagePalette.raw("RGB;L"): all reds, then all greens, then all blues; an index past the map is black
        const has = v < entries;
        rgb[o] = has ? map[v]! : 0;
        rgb[o + 1] = has ? map[entries + v]! : 0;
        rgb[o + 2] = has ? map[2 * entries + v]! : 0;
      } else rgb[o] = rgb[o + 1] = rgb[o + 2] = v;
    }
  }
  return { rgb, w, h };
}
