// A cover JPEG cut short — a download or copy that did not finish (tester40). DeepResonance's image loader (Pillow,
// `Image.open(p).convert('RGB')`) refuses it: "image file is truncated", even where only the end-of-image marker is
// missing. ffmpeg's mjpeg decoder fills the rows it has no data for and warns ("overread", "EOI missing, emulating"),
// and the studio gave the model that picture without a word: `studio ask --image cover.jpg` with the first 3000 bytes of
// a 9 kB cover answered, exit 0. Now imageInput refuses it (DECODE_FAILED, saying it is cut short), wherever Pillow does,
// for JPEGs as Debian's encoders write them (cjpeg baseline, progressive, restart markers, grayscale; jpegtran; ffmpeg;
// Pillow with an EXIF block that holds a thumbnail's own end marker), cut at several places; whole files and files
// with bytes after their end marker are read as before.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { imageInput } from '../../main/engine/model/media-input';
import { jpegCutShort } from '../../main/engine/model/preprocess/pillow-rgb';
import { ff, OUTPUT, ROOT, toneFile } from '../helpers/media';
import { REAL_PYTHON } from '../helpers/python';
import { preprocessOracle } from '../helpers/preprocess-ref';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

const DIR = join(OUTPUT, 'jpeg-cut-short-tester40');
const at = (n: string) => join(DIR, n);

/** whole JPEGs as real encoders write them */
const WHOLE = ['cj-base.jpg', 'cj-prog.jpg', 'cj-restart.jpg', 'cj-gray.jpg', 'jt-prog.jpg', 'ff-mjpeg.jpg', 'pil-exif-thumb.jpg', 'pil-prog.jpg'];
/** how each is cut: a fraction of its length, or its last n bytes gone (−2: only the end marker) */
const CUTS: Array<[string, (len: number) => number]> = [['half', (n) => Math.floor(n / 2)], ['90pc', (n) => Math.floor(n * 0.9)], ['no-eoi', (n) => n - 2], ['no-d9', (n) => n - 1]];

function build(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:d=1', '-frames:v', '1', at('src.ppm')]);
  const tool = (args: string[], out: string) => writeFileSync(at(out), execFileSync(args[0]!, args.slice(1), { maxBuffer: 1 << 26 }));
  // libjpeg-turbo's cjpeg/jpegtran (Debian libjpeg-turbo-progs)
  tool(['cjpeg', '-quality', '90', at('src.ppm')], 'cj-base.jpg');
  tool(['cjpeg', '-quality', '90', '-progressive', at('src.ppm')], 'cj-prog.jpg');
  tool(['cjpeg', '-quality', '85', '-restart', '1', at('src.ppm')], 'cj-restart.jpg');
  tool(['cjpeg', '-grayscale', at('src.ppm')], 'cj-gray.jpg');
  tool(['jpegtran', '-progressive', '-optimize', at('cj-base.jpg')], 'jt-prog.jpg');
  ff(['-i', at('src.ppm'), '-q:v', '3', at('ff-mjpeg.jpg')]);
  // Pillow (Debian python3-pil) as a camera or tagger leaves it: an APP1 EXIF block holding a whole thumbnail JPEG,
  // end marker and all, before the picture's own data; and a progressive save
  const py = spawnSync(REAL_PYTHON, ['-c', `
import io, sys
from PIL import Image
im = Image.open(sys.argv[1]).convert('RGB')
t = io.BytesIO(); im.resize((40, 30)).save(t, 'JPEG'); thumb = t.getvalue()
assert thumb.endswith(b'\\xff\\xd9')
im.save(sys.argv[2], 'JPEG', quality=88, exif=b'Exif\\x00\\x00' + b'MM\\x00\\x2a\\x00\\x00\\x00\\x08' + thumb)
im.save(sys.argv[3], 'JPEG', quality=88, progressive=True)
`, at('src.ppm'), at('pil-exif-thumb.jpg'), at('pil-prog.jpg')], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  for (const w of WHOLE) {
    const b = readFileSync(at(w));
    for (const [name, len] of CUTS) writeFileSync(at(w.replace('.jpg', `-${name}.jpg`)), b.subarray(0, len(b.length)));
    // bytes after the end marker (a tool that appends, a download padded out): no matter to either reader
    writeFileSync(at(w.replace('.jpg', '-trailing.jpg')), Buffer.concat([b, Buffer.from('\0\0trailing bytes\n')]));
  }
}

const cut = () => WHOLE.flatMap((w) => CUTS.map(([name]) => at(w.replace('.jpg', `-${name}.jpg`))));
const readable = () => WHOLE.flatMap((w) => [at(w), at(w.replace('.jpg', '-trailing.jpg'))]);

describe('a JPEG cut short is refused as the reference refuses it, not read with rows made up (tester40)', { timeout: 300_000 }, () => {
  let refs: Map<string, Float32Array | string>;
  before(() => {
    build();
    refs = preprocessOracle('imagefile', [...cut(), ...readable()]);
  });

  it('the reference (Pillow) refuses every cut file as truncated and reads every whole one: the oracle agrees with what is tested below', () => {
    for (const p of cut()) assert.match(String(refs.get(p)), /truncated/, `${basename(p)}: ${String(refs.get(p)).slice(0, 200)}`);
    for (const p of readable()) assert.ok(refs.get(p) instanceof Float32Array, `${basename(p)}: ${String(refs.get(p)).slice(0, 200)}`);
  });

  it('jpegCutShort: true for each cut file, false for whole ones, ones with trailing bytes, and files that are no JPEG', () => {
    for (const p of cut()) assert.equal(jpegCutShort(readFileSync(p)), true, basename(p));
    for (const p of readable()) assert.equal(jpegCutShort(readFileSync(p)), false, basename(p));
    assert.equal(jpegCutShort(readFileSync(at('src.ppm'))), false);
    assert.equal(jpegCutShort(Buffer.from([0xff, 0xd8])), true, 'a JPEG of nothing but its start marker');
    assert.equal(jpegCutShort(Buffer.alloc(0)), false);
  });

  it('imageInput refuses a cut file (DECODE_FAILED, "cut short", its name); whole files and trailing bytes are read', async () => {
    for (const p of cut()) {
      await assert.rejects(imageInput(p), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'DECODE_FAILED', `${basename(p)}: ${e.message}`);
        assert.ok(e.message.startsWith(`"${basename(p)}" is cut short: its JPEG data ends before the end of the picture`), e.message);
        return true;
      });
    }
    for (const p of readable()) assert.equal((await imageInput(p)).length, 3 * 2 * 224 * 224, basename(p));
  });

  it('studio ask --image with a cover cut short: exit 1 and the reason, no answer; the whole cover answers', () => {
    ensureTinyPacks();
    const song = toneFile('jpeg-cut-short-tester40.mp3', 6, ['-c:a', 'libmp3lame', '-q:a', '2']);
    const dataDir = at('data');
    const ask = (image: string) => spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--data-dir', dataDir, '--pack', join(TINY_DIR, 'packs', 'beta-fp32-int4'), '--audio', song, '--image', image, '--max-new-tokens', '2', 'Describe the mood given this cover.'], {
      encoding: 'utf8', env: { ...process.env, STUDIO_DISABLE_WEBGPU: '1' }, timeout: 120_000,
    });
    const bad = ask(at('cj-base-half.jpg'));
    assert.equal(bad.status, 1, bad.stderr);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /studio: "cj-base-half\.jpg" is cut short: .* get the whole file again and use that\.\n$/);
    const good = ask(at('cj-base.jpg'));
    assert.equal(good.status, 0, good.stderr);
  });
});
