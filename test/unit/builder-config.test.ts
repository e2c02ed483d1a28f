import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { AUDIO_EXTENSIONS, VIDEO_EXTENSIONS } from '@contract';
import { ROOT } from '../helpers/media';

const require = createRequire(import.meta.url);
const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

/** electron-builder's own matcher for asarUnpack patterns (app-builder-lib/out/fileMatcher.js). */
function unpackFilter(patterns: string[]): (relPath: string) => boolean {
  const { FileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
    FileMatcher: new (from: string, to: string, expand: (s: string) => string, patterns: string[]) => { createFilter(): (file: string, stat: Stats) => boolean };
  };
  const filter = new FileMatcher(ROOT, '/app', (s) => s, patterns).createFilter();
  const fileStat = { isDirectory: () => false } as Stats;
  return (rel) => {
    const abs = join(ROOT, rel);
    return filter(abs, existsSync(abs) ? statSync(abs) : fileStat);
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's configuration schema", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
    // the schema declares draft-07, Ajv's default draft; it uses a few keywords Ajv's strict mode does not know
    assert.match(schema.$schema, /draft-07/);
    delete schema.$schema;
    const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    // and the schema does catch mistakes
    assert.equal(validate({ ...config, linux: { ...config.linux, targett: 'AppImage' } }), false);
  });

  it('describes the installers and the app', () => {
    assert.equal(config.productName, 'Resonance Studio');
    assert.match(config.appId, /^[a-z]+(\.[a-z0-9-]+)+$/);
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    assert.equal(config.linux.category, 'AudioVideo');
    // electron-builder refuses a deb without a maintainer (package.json has no author e-mail)
    assert.ok(config.linux.maintainer || config.deb?.maintainer);
    assert.deepEqual(config.win.target, ['nsis']);
    assert.deepEqual(config.mac.target, ['dmg']);
    assert.equal(config.mac.category, 'public.app-category.music');
    assert.equal(config.npmRebuild, true);
    assert.ok(config.files.includes('out/**/*') && config.files.includes('package.json'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.ok(pkg.main.startsWith('out/'), 'package.json main is inside the packaged files');
    const exts = config.fileAssociations.flatMap((a: { ext: string[] }) => a.ext);
    for (const e of exts) assert.ok(([...AUDIO_EXTENSIONS, ...VIDEO_EXTENSIONS] as string[]).includes(e), e);
  });

  it("associates every extension Open… accepts, and no other: the contract's one list (tester28)", () => {
    // ecb0d8f extended VIDEO_EXTENSIONS (3gp, MTS, mpg, vob, flv, wmv, ogv …) but the installer still registered
    // only mp4/mkv/webm/mov/m4v: a phone clip double-clicked in the file manager never offered the studio
    const assoc = (name: string) => [...(config.fileAssociations.find((a: { name: string }) => a.name === name)?.ext ?? [])].sort();
    assert.deepEqual(assoc('Audio'), [...AUDIO_EXTENSIONS].sort(), 'fileAssociations Audio = AUDIO_EXTENSIONS (main/contract/methods.ts)');
    assert.deepEqual(assoc('Music video'), [...VIDEO_EXTENSIONS].sort(), 'fileAssociations Music video = VIDEO_EXTENSIONS (main/contract/methods.ts)');
  });

  it('the Linux desktop entry names a MIME type for every associated extension (tester28: only the old formats had one)', () => {
    // freedesktop shared-mime-info's names (freedesktop.org.xml globs), what a Linux file manager matches a file to;
    // where it has none (alac, w64, mpa, caf, eac3) the name other programs register
    const MIME: Record<string, string[]> = {
      mp3: ['audio/mpeg'], flac: ['audio/flac'], wav: ['audio/x-wav'], ogg: ['audio/ogg', 'audio/x-vorbis+ogg', 'audio/x-flac+ogg', 'video/ogg'],
      oga: ['audio/ogg', 'audio/x-vorbis+ogg'], m4a: ['audio/mp4'], aac: ['audio/aac'], aif: ['audio/x-aiff'], aiff: ['audio/x-aiff'],
      opus: ['audio/ogg', 'audio/x-opus+ogg'], wma: ['audio/x-ms-wma'], alac: ['audio/x-alac'], aifc: ['audio/x-aifc'], wv: ['audio/x-wavpack'],
      m4b: ['audio/x-m4b'], mka: ['audio/x-matroska'], w64: ['audio/x-w64'], mp2: ['audio/mp2'], mpa: ['audio/mpeg'], ape: ['audio/x-ape'],
      tta: ['audio/x-tta'], caf: ['audio/x-caf'], ac3: ['audio/ac3'], eac3: ['audio/eac3'], dts: ['audio/vnd.dts'], amr: ['audio/AMR'],
      au: ['audio/basic'], mpc: ['audio/x-musepack'], dsf: ['audio/x-dsf'], spx: ['audio/x-speex', 'audio/x-speex+ogg'], '3ga': ['audio/3gpp', 'video/3gpp'],
      mp4: ['video/mp4'], mkv: ['video/x-matroska'], webm: ['video/webm'], mov: ['video/quicktime'], m4v: ['video/mp4'], avi: ['video/x-msvideo'],
      '3gp': ['video/3gpp'], '3g2': ['video/3gpp2'], mts: ['video/mp2t'], m2ts: ['video/mp2t'], mpg: ['video/mpeg'], mpeg: ['video/mpeg'],
      vob: ['video/mpeg'], flv: ['video/x-flv'], wmv: ['video/x-ms-wmv'], ogv: ['video/ogg'],
    };
    const listed = new Set<string>(config.linux.mimeTypes);
    const exts: string[] = config.fileAssociations.flatMap((a: { ext: string[] }) => a.ext);
    const missing = exts.flatMap((e) => (MIME[e] ? MIME[e].filter((m) => !listed.has(m)).map((m) => `${e}: ${m}`) : [`${e}: no MIME type known (add it to this table)`]));
    assert.deepEqual(missing, [], 'linux.mimeTypes in electron-builder.yml');
  });

  it('has a 512x512 PNG icon in resources/', () => {
    const png = readFileSync(join(ROOT, config.icon));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.equal(png.readUInt32BE(16), 512);
    assert.equal(png.readUInt32BE(20), 512);
    for (const p of [config.linux.icon, config.win.icon, config.mac.icon]) assert.ok(existsSync(join(ROOT, p)), p);
  });

  it('unpacks the native files that are really there (onnxruntime-node, better-sqlite3) and ffmpeg-static', () => {
    const unpacked = unpackFilter(config.asarUnpack);
    const ortDir = join(ROOT, 'node_modules', 'onnxruntime-node', 'bin');
    const ortFiles = walk(ortDir).map((f) => relative(ROOT, f));
    assert.ok(ortFiles.some((f) => f.endsWith('linux/x64/libonnxruntime.so.1')), 'onnxruntime-node ships libonnxruntime.so.1');
    assert.ok(ortFiles.some((f) => f.endsWith('linux/x64/onnxruntime_binding.node')));
    for (const f of ortFiles) assert.ok(unpacked(f), f);

    const sqlite = walk(join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release'))
      .filter((f) => f.endsWith('.node'))
      .map((f) => relative(ROOT, f));
    assert.ok(sqlite.some((f) => f.endsWith('better_sqlite3.node')));
    for (const f of sqlite) assert.ok(unpacked(f), f);

    // ffmpeg-static's download is denied here, so its binary is absent: check the names it would have
    for (const f of ['node_modules/ffmpeg-static/ffmpeg', 'node_modules/ffmpeg-static/ffmpeg.exe']) assert.ok(unpacked(f), f);

    // plain JavaScript stays in the archive
    for (const f of ['out/main/electron.js', 'out/engine/index.js', 'node_modules/zod/package.json', 'node_modules/onnxruntime-node/dist/index.js', 'package.json']) {
      assert.equal(unpacked(f), false, f);
    }
  });
});
