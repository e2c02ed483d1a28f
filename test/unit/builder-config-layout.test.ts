import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { listPackage, statFile } from '@electron/asar';
import { parse } from 'yaml';
import { appPaths } from '../../main/electron/paths';
import { asarUnpackedPath } from '../../main/engine/media/ffmpeg';
import { ROOT } from '../helpers/media';

const require = createRequire(import.meta.url);

/**
 * The packaged app's file layout as electron-builder really produces it: the
 * Linux `dir` target (what AppImage and deb are made of) built from this
 * checkout with electron-builder.yml, except that Electron's binary — which
 * cannot be downloaded here — is a stand-in in a local `electronDist`, the
 * native rebuild for Electron's ABI is off (it fetches Electron's headers) and
 * so are the fuses (they patch the real binary). Everything the app resolves at
 * run time is then checked against that layout: the main bundle's paths
 * (main/electron/paths.ts), the engine entry for utilityProcess.fork, its
 * worker, the preload, the renderer, ffmpeg in app.asar.unpacked, and the
 * native folders of onnxruntime-node and better-sqlite3.
 * Needs `npm run build` first (out/ is what gets packed).
 */
// electron-builder.yml picks onnxruntime's binaries by the host's platform (each installer is built on its own OS)
const skip = process.platform !== 'linux' && 'the layout is built for Linux; on Windows and macOS the release pipeline smoke-tests the real installers';

describe('the packaged app layout (electron-builder dir target)', { timeout: 180_000, skip }, () => {
  let tmp: string;
  let appOutDir: string;
  let resources: string;
  let asar: string;
  let inAsar: Set<string>;
  const electronVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
  /** a path inside the archive, as the running app sees it (…/resources/app.asar/<rel>) */
  const packed = (rel: string) => join(asar, ...rel.split('/'));
  const rel = (abs: string) => relative(asar, abs).split(sep).join('/');

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'out', 'main', 'electron.js')), 'run `npm run build` first');
    tmp = mkdtempSync(join(tmpdir(), 'studio-layout-'));
    // the stand-in Electron distribution: electron-builder copies it and renames `electron`
    const dist = join(tmp, 'electron-dist');
    mkdirSync(dist);
    writeFileSync(join(dist, 'electron'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(dist, 'electron'), 0o755);
    writeFileSync(join(dist, 'version'), electronVersion);

    const { build, Platform, Arch } = require('electron-builder') as typeof import('electron-builder');
    const arch = process.arch === 'arm64' ? Arch.arm64 : Arch.x64;
    await build({
      projectDir: ROOT,
      targets: Platform.LINUX.createTarget('dir', arch),
      publish: 'never',
      config: {
        ...config,
        directories: { ...config.directories, output: join(tmp, 'dist') },
        electronDist: dist,
        electronVersion,
        npmRebuild: false,
        electronFuses: null,
      },
    });
    appOutDir = join(tmp, 'dist', readdirSync(join(tmp, 'dist')).find((d) => d.startsWith('linux') && d.endsWith('unpacked'))!);
    resources = join(appOutDir, 'resources');
    asar = join(resources, 'app.asar');
    inAsar = new Set(listPackage(asar, { isPack: false }).map((p) => p.replace(/\\/g, '/').replace(/^\//, '')));
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('has the executable under its configured name next to resources/app.asar', () => {
    assert.ok(existsSync(join(appOutDir, config.executableName)), `${config.executableName} in ${readdirSync(appOutDir).join(', ')}`);
    assert.ok(existsSync(asar));
  });

  it("starts at package.json's main, and every path main/electron/paths.ts resolves from there is in the archive", () => {
    const pkg = JSON.parse(statFileText('package.json'));
    assert.equal(pkg.type, 'module', 'the bundles are ESM');
    assert.ok(inAsar.has(pkg.main), pkg.main);
    const paths = appPaths(pathToFileURL(packed(pkg.main)).href);
    for (const [what, p] of [
      ['preload', paths.preload],
      ['renderer', paths.rendererHtml],
      ['engine entry (utilityProcess.fork)', paths.engine],
    ] as const) {
      assert.ok(p.startsWith(asar + sep), `${what}: ${p}`);
      assert.ok(inAsar.has(rel(p)), `${what}: ${rel(p)} is packed`);
      assert.equal(statFile(asar, rel(p)).unpacked ?? false, false, `${what} is read from the archive`);
    }
    // the analysis worker is found next to the engine bundle (main/engine/library/pool.ts)
    assert.ok(inAsar.has(rel(join(dirname(paths.engine), 'analysis-worker.js'))));
    // everything the renderer page loads
    const html = statFileText(rel(paths.rendererHtml));
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.length >= 2, html);
    for (const a of assets) assert.ok(inAsar.has(`out/renderer/${a}`), a);
    // the window icon (main/electron/index.ts)
    assert.ok(inAsar.has('resources/icon.png'));
    // the command line tool and source maps stay out
    assert.deepEqual([...inAsar].filter((p) => p.startsWith('out/cli/') || (p.startsWith('out/') && p.endsWith('.map'))), []);
    // and so does the rest of the repository (sources, tests and their output, tools)
    const top = new Set([...inAsar].map((p) => p.split('/')[0]));
    assert.deepEqual([...top].sort(), ['node_modules', 'out', 'package.json', 'resources']);
    assert.deepEqual([...inAsar].filter((p) => p.startsWith('resources/')), ['resources/icon.png']);
  });

  it('ffmpeg-static: its module is packed and its binary is where the engine looks (app.asar.unpacked)', () => {
    assert.ok(inAsar.has('node_modules/ffmpeg-static/index.js'), "require('ffmpeg-static') works in the app");
    const name = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
    // ffmpeg-static/index.js answers a path next to itself, i.e. inside the archive
    const fromModule = packed(`node_modules/ffmpeg-static/${name}`);
    const resolved = asarUnpackedPath(fromModule);
    assert.equal(resolved, join(resources, 'app.asar.unpacked', 'node_modules', 'ffmpeg-static', name));
    if (existsSync(join(ROOT, 'node_modules', 'ffmpeg-static', name))) {
      assert.ok(existsSync(resolved), resolved);
      assert.equal(statFile(asar, `node_modules/ffmpeg-static/${name}`).unpacked, true);
    } else {
      // ffmpeg-static's download is denied on this machine: no binary to pack; the release pipeline installs it
      assert.equal(existsSync(resolved), false);
    }
  });

  it("onnxruntime-node: its binding and the runtime library beside it are unpacked; only this platform's binaries ship", () => {
    // onnxruntime-node/dist/binding.js: require(`../bin/napi-v6/${platform}/${arch}/onnxruntime_binding.node`)
    assert.ok(inAsar.has('node_modules/onnxruntime-node/dist/binding.js'));
    const folder = `node_modules/onnxruntime-node/bin/napi-v6/linux/${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
    for (const f of ['onnxruntime_binding.node', 'libonnxruntime.so.1']) {
      assert.equal(statFile(asar, `${folder}/${f}`).unpacked, true, `${f} is marked unpacked in the archive`);
      const onDisk = asarUnpackedPath(packed(`${folder}/${f}`));
      assert.ok(existsSync(onDisk), onDisk);
      // the loader opens the real file (the binding finds libonnxruntime through its $ORIGIN rpath)
      assert.deepEqual(readFileSync(onDisk).subarray(0, 4), Buffer.from([0x7f, 0x45, 0x4c, 0x46]), `${f} is an ELF file`);
    }
    const binaries = [...inAsar].filter((p) => /^node_modules\/onnxruntime-node\/bin\/napi-v6\/[^/]+\/[^/]+\/./.test(p));
    assert.deepEqual(binaries.filter((p) => !p.startsWith(`${folder}/`)), [], 'no other platform or architecture');
  });

  it("better-sqlite3: the .node that bindings() finds is unpacked; its sources and build intermediates are left out", () => {
    const node = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    assert.ok(inAsar.has('node_modules/better-sqlite3/lib/index.js'));
    assert.equal(statFile(asar, node).unpacked, true);
    assert.ok(existsSync(asarUnpackedPath(packed(node))));
    const sqliteFiles = [...inAsar].filter((p) => p.startsWith('node_modules/better-sqlite3/'));
    for (const p of sqliteFiles) assert.doesNotMatch(p, /\/(deps|src|obj|obj\.target)\/|\.(c|cpp|h|hpp|a|mk)$|test_extension/, p);
  });

  /** a packed text file's contents */
  function statFileText(relPath: string): string {
    const { extractFile } = require('@electron/asar') as typeof import('@electron/asar');
    return extractFile(asar, relPath).toString('utf8');
  }
});
