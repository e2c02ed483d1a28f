/**
 * Smoke test of the desktop app in real Electron, driven by Playwright's
 * Electron support (`_electron.launch`): the window opens, the engine answers,
 * a generated track opens and its waveform draws, a tiny model pack (made by
 * tools/convert/make_tiny.py) answers a question, and a screenshot is kept.
 *
 *   npm run smoke                         the unpackaged build (out/) with node_modules' Electron
 *   STUDIO_SMOKE_APP=dist npm run smoke   the packaged app electron-builder left in dist/
 *                                         (linux-unpacked, win-unpacked, or mac[-arm64] with Resonance Studio.app)
 *
 * Where Electron's binary is absent (it is not downloaded by `npm ci`; `npm start`
 * fetches it) the test is skipped with the reason, unless STUDIO_SMOKE_REQUIRED=1
 * (the release pipeline), where that is a failure. It is not part of `npm test`.
 *
 * The packaged app ships with Electron's EnableNodeCliInspectArguments fuse off
 * (electron-builder.yml), and `_electron.launch` drives the main process through
 * Node's inspector. So the test copies the packaged app, checks that the copy's
 * fuses are the shipped ones, turns that one fuse on in the copy
 * (@electron/fuses, as electron-builder does) and launches the copy: same
 * archive, same unpacked native files, same Electron.
 *
 * Screenshot: test/output/screenshots/smoke-<platform>-<packaged|unpackaged>.png.
 * Needs ffmpeg on PATH (test media) and, for the model step, Python with
 * PyTorch, onnx and sentencepiece (STUDIO_PYTHON; see test/tools/helpers.ts).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import { FuseState } from '@electron/fuses/dist/constants';
import { _electron, type ElectronApplication } from 'playwright-core';
import { parse } from 'yaml';
import type { AppInfo, StudioBridge } from '@contract';
import { StudioPage, type ServeProcess } from '../e2e/studio-page';
import { ROOT, toneFile } from '../helpers/media';
import { ensureTinyPacks, pyAvailable, TINY_DIR } from '../tools/helpers';

const required = process.env.STUDIO_SMOKE_REQUIRED === '1';
const packagedDist = process.env.STUDIO_SMOKE_APP ? resolve(process.env.STUDIO_SMOKE_APP) : null;
const builderConfig = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

/** What to launch: an executable (and, unpackaged, the app folder as its first argument). */
interface Target {
  kind: 'packaged' | 'unpackaged';
  executable: string;
  args: string[];
  /** the folder to copy before flipping a fuse (packaged): the unpacked dir or the .app bundle */
  bundle?: string;
}

/** node_modules' Electron binary, read the way the electron package does (path.txt), or null. */
function unpackagedTarget(): Target | null {
  const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? { kind: 'unpackaged', executable: exe, args: [ROOT] } : null;
}

/** The app electron-builder left in `dist` for this platform (its `dir` output, also kept when installers are made). */
function packagedTarget(dist: string): Target | null {
  if (!existsSync(dist)) return null;
  const product: string = builderConfig.productName;
  const exeName: string = builderConfig.executableName;
  for (const d of readdirSync(dist)) {
    const dir = join(dist, d);
    if (process.platform === 'darwin' && /^mac/.test(d)) {
      const app = join(dir, `${product}.app`);
      const exe = join(app, 'Contents', 'MacOS', product);
      if (existsSync(exe)) return { kind: 'packaged', executable: exe, args: [], bundle: app };
    }
    if (process.platform === 'linux' && /^linux.*unpacked$/.test(d) && existsSync(join(dir, exeName))) {
      return { kind: 'packaged', executable: join(dir, exeName), args: [], bundle: dir };
    }
    if (process.platform === 'win32' && /^win.*unpacked$/.test(d)) {
      for (const name of [`${exeName}.exe`, `${product}.exe`]) {
        if (existsSync(join(dir, name))) return { kind: 'packaged', executable: join(dir, name), args: [], bundle: dir };
      }
    }
  }
  return null;
}

const target = packagedDist ? packagedTarget(packagedDist) : unpackagedTarget();
const missing = packagedDist
  ? `no packaged app for ${process.platform} in ${packagedDist} (run \`npm run dist\` first)`
  : "Electron's binary is not installed (npm ci does not download it; `npm start` fetches it, or run `node node_modules/electron/install.js`)";
if (!target) {
  const line = `Desktop smoke test: ${missing}.`;
  if (required) throw new Error(`${line} STUDIO_SMOKE_REQUIRED=1, so that is a failure.`);
  console.log(`${line} Skipped.`);
}

describe(`desktop app smoke test (${target?.kind ?? 'skipped'})`, { skip: target ? false : missing, timeout: 300_000 }, () => {
  let tmp: string;
  let dataDir: string;
  let app: ElectronApplication;
  let sp: StudioPage;
  let track: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'studio-smoke-'));
    dataDir = join(tmp, 'data');
    mkdirSync(dataDir);
    track = toneFile('smoke-tone.mp3', 8);
    let exe = target!.executable;
    if (target!.kind === 'packaged') exe = await inspectableCopy(target!, tmp);
    app = await _electron.launch({
      executablePath: exe,
      // the track on the command line: the app opens it (main/electron/open-paths.ts)
      args: [...target!.args, `--user-data-dir=${dataDir}`, track],
      // no WebGPU probe (slow and failing on GPU-less runners): `auto` then means the CPU
      env: { ...process.env, STUDIO_DISABLE_WEBGPU: '1' } as Record<string, string>,
      timeout: 90_000,
    });
    const page = await app.firstWindow({ timeout: 60_000 });
    // the window is Electron's, not one that `studio serve` gave a URL to
    sp = new StudioPage(page, null as unknown as ServeProcess);
    app.process().stderr?.on('data', (d: Buffer) => process.stderr.write(d));
  });

  after(async () => {
    if (sp) await sp.screenshot(`smoke-${process.platform}-${target!.kind}`).catch(() => undefined);
    await app?.close().catch(() => undefined);
    if (tmp) rmSync(tmp, { recursive: true, force: true, maxRetries: 5 });
  });

  it('opens its window: the renderer loads in desktop mode', async () => {
    const ready = await sp.waitForEvent('app-ready', { after: 0, timeout: 60_000 });
    assert.deepEqual(ready.detail, { mode: 'desktop' });
    // --user-data-dir keeps the test away from a studio the developer may be running (single-instance lock)
    assert.equal(realpathSync.native(await app.evaluate(({ app: a }) => a.getPath('userData'))), realpathSync.native(dataDir));
    assert.deepEqual(sp.problems, []);
  });

  it('the engine process answers, with the data folder and ffmpeg the app resolved', async () => {
    const info = (await sp.page.evaluate(() => (globalThis as unknown as { studio: StudioBridge }).studio.call('app:get-info', {}, 'smoke-info'))) as AppInfo;
    assert.equal(info.mode, 'desktop');
    assert.equal(realpathSync.native(info.dataDir), realpathSync.native(dataDir));
    assert.ok(info.engine.pid > 0);
    assert.ok(info.ffmpeg.path, JSON.stringify(info.ffmpeg));
    const bundled = join(ROOT, 'node_modules', 'ffmpeg-static', process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
    if (target!.kind === 'packaged' && existsSync(bundled)) {
      // ffmpeg-static's binary, run from app.asar.unpacked (it cannot run from inside the archive)
      assert.equal(info.ffmpeg.source, 'ffmpeg-static');
      assert.match(info.ffmpeg.path!, /app\.asar\.unpacked[\\/]node_modules[\\/]ffmpeg-static[\\/]ffmpeg/);
    }
  });

  it('opens the generated track from its command line and draws the waveform', async () => {
    const opened = await sp.waitForEvent(['track-opened', 'error-shown'], { after: 0, timeout: 60_000 });
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    await sp.waitForEvent('waveform-drawn', { after: opened.seq, timeout: 60_000 });
    assert.equal(await sp.page.getByTestId('track-title').innerText(), 'Test Tone');
    assert.equal(await sp.page.getByTestId('waveform').getAttribute('data-drawn'), 'true');
    await sp.screenshot(`smoke-${process.platform}-${target!.kind}-track`);
  });

  it('a tiny model pack answers a question about the track', { skip: !required && !pyAvailable() && 'no Python with PyTorch, onnx and sentencepiece to make the tiny pack (STUDIO_PYTHON)' }, async () => {
    ensureTinyPacks();
    const pack = join(TINY_DIR, 'packs', 'alpha-fp32');
    // the OS folder dialog cannot be driven: main's dialog answers with the pack folder
    await app.evaluate(({ dialog }, folder) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [folder] })) as typeof dialog.showOpenDialog;
    }, pack);
    const m = await sp.mark();
    await sp.page.getByTestId('choose-pack').first().click();
    const chosen = await sp.waitForEvent(['pack-chosen', 'pack-failed', 'pack-cancelled'], { after: m, timeout: 120_000 });
    assert.equal(chosen.name, 'pack-chosen', JSON.stringify(chosen.detail));

    const asked = await sp.chat().ask('What instruments are playing?');
    const answered = await sp.chat().answered(asked);
    assert.equal(answered.name, 'chat-answered', JSON.stringify(answered.detail));
    const { status, text } = answered.detail as { status: string; text: string };
    assert.equal(status, 'done');
    assert.ok(text.trim().length > 0, 'the answer has text');
    assert.match(await sp.chat().answers.last().getByTestId('msg-stats').innerText(), /tok\/s · \d+ tokens · CPU/);
  });
});

/**
 * Copy the packaged app, check the copy's fuses are the ones electron-builder.yml
 * ships, and turn on only EnableNodeCliInspectArguments (which Playwright needs)
 * in the copy. Returns the copy's executable.
 */
async function inspectableCopy(t: Target, tmp: string): Promise<string> {
  const bundle = t.bundle!;
  const copy = join(tmp, 'app', bundle.split(/[\\/]/).pop()!);
  cpSync(bundle, copy, { recursive: true, verbatimSymlinks: true });
  const exe = join(copy, t.executable.slice(bundle.length));
  const wire = await getCurrentFuseWire(exe);
  const want = builderConfig.electronFuses as Record<string, boolean>;
  const fuse = (o: FuseV1Options) => wire[o] === FuseState.ENABLE;
  assert.equal(fuse(FuseV1Options.RunAsNode), want.runAsNode);
  assert.equal(fuse(FuseV1Options.EnableNodeOptionsEnvironmentVariable), want.enableNodeOptionsEnvironmentVariable);
  assert.equal(fuse(FuseV1Options.EnableNodeCliInspectArguments), want.enableNodeCliInspectArguments);
  assert.equal(fuse(FuseV1Options.EnableCookieEncryption), want.enableCookieEncryption);
  assert.equal(fuse(FuseV1Options.EnableEmbeddedAsarIntegrityValidation), want.enableEmbeddedAsarIntegrityValidation);
  assert.equal(fuse(FuseV1Options.OnlyLoadAppFromAsar), want.onlyLoadAppFromAsar);
  await flipFuses(exe, {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: process.platform === 'darwin',
    [FuseV1Options.EnableNodeCliInspectArguments]: true,
  });
  return exe;
}
