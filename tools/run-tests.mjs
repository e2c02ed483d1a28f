// Runs every test/**/*.test.ts with Node's test runner (Node 20 has no glob
// support in --test). Order: unit, integration, tools, e2e — fast failures first.
// Usage: node tools/run-tests.mjs [folder-or-file …]
import { spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testFiles } from './test-files.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const order = ['unit', 'integration', 'tools', 'e2e'];

const args = process.argv.slice(2);
const files = (args.length ? args.map((a) => resolve(a)).flatMap((a) => (statSync(a).isDirectory() ? testFiles(a) : [a])) : testFiles(join(root, 'test')))
  .map((f) => relative(root, f))
  .sort((a, b) => {
    const rank = (f) => {
      const i = order.indexOf(f.split('/')[1]);
      return i === -1 ? order.length : i;
    };
    return rank(a) - rank(b) || a.localeCompare(b);
  });
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}
// Two files at a time for unit, integration and tools (CI has 2 cores; run alone, one file keeps one core busy while it
// waits on ffmpeg, Python or the engine): 1610 s of tests one at a time in session 12's clean-clone CI. Safe because
// each file keeps its own folder under test/output, shared media is written to a private name and renamed into place
// (test/helpers/media.ts, test/e2e/fixtures.ts), and the tiny packs are made under a lock (test/tools/helpers.ts
// ensureTinyPacks). The e2e files run two at a time as well (session 20; one e2e file is mostly one chain — the test
// waits on the page, the page on `studio serve` — so it keeps about one of CI's two cores busy; every serve has its own
// port and data folder, and test/e2e/fixtures.ts writes its shared media once, by rename), except E2E_ALONE, which
// run one at a time after them: those that time the page and print it (wave-detail, library-walking,
// session-issue12), chat-disconnect, whose kill must land while an answer streams, browser-big-folder, whose
// type-ahead test reads the typed-text indicator that the list drops after a 1 s pause (TYPE_AHEAD_RESET_MS; two
// files at a time on a loaded machine, that read waited out its 120 s hang guard), and library-disconnect, which
// stops and restarts `studio serve` on its own fixed port (another e2e file beside it could take that port while it
// is down). file-gone-issue12 (deletes a track just as its waveform starts) ran alone until
// a88aaad fixed the product race two at a time exposed (media/tracks.ts checkedPath: realpath passing, then the stat
// failing with probe.ts's "does not exist" text); since then it passed beside six other e2e files at load 12–15
// (session 21), so it runs two at a time. chat-markdown-issue12 reads back what its Copy buttons put on the clipboard,
// which the one shared Chromium keeps for all its pages: in ci71 it read the tiny model's answer that chat.test.ts's
// Copy had just put there (session 37), so it runs alone.
// STUDIO_TEST_CONCURRENCY=1 runs everything one at a time (to tell a flaky test from a shared-state one);
// STUDIO_TEST_E2E_CONCURRENCY sets the e2e files' own (default: 2; at most STUDIO_TEST_CONCURRENCY where that is set —
// it capped at 2 always, so `STUDIO_TEST_E2E_CONCURRENCY=3` could not be tried on CI: an e2e file keeps well under one
// of CI's two cores busy, session 24's BENCHMARKS). Node 20's `--test` sorts the files it is given: the order of a
// group's files is Node's (alphabetical), whatever the order here.
const E2E_ALONE = ['wave-detail', 'library-walking', 'session-issue12', 'chat-disconnect', 'browser-big-folder', 'library-disconnect', 'chat-markdown-issue12'].map(
  (n) => `${n}.test.ts`,
);
const concurrency = Math.max(1, Number(process.env.STUDIO_TEST_CONCURRENCY ?? 2) || 1);
const e2eConcurrency = Math.min(process.env.STUDIO_TEST_CONCURRENCY ? concurrency : Infinity, Math.max(1, Number(process.env.STUDIO_TEST_E2E_CONCURRENCY ?? 2) || 1));
let browserEndpoint;
const isE2e = (f) => f.split(/[\\/]/)[1] === 'e2e';
const alone = (f) => E2E_ALONE.includes(f.split(/[\\/]/).at(-1));
const groups = [
  { files: files.filter((f) => !isE2e(f)), concurrency },
  { files: files.filter((f) => isE2e(f) && !alone(f)), concurrency: e2eConcurrency },
  { files: files.filter((f) => isE2e(f) && alone(f)), concurrency: 1 },
].filter((g) => g.files.length > 0);
// One Chromium for every e2e file (test/e2e/browser-server.ts, session 23): each file connects to it
// (test/e2e/studio-page.ts launchChromium) instead of launching and closing one of its own. Started once the e2e files
// are next, so the other phases never run beside it; STUDIO_TEST_SHARED_BROWSER=0 leaves each file its own browser.
let browserServer;
let browserStopping = false;
/** the shared browser's endpoint, or undefined (then every file launches its own) */
async function sharedBrowser() {
  if (process.env.STUDIO_TEST_SHARED_BROWSER === '0' || process.env.STUDIO_E2E_BROWSER) return process.env.STUDIO_E2E_BROWSER;
  browserServer = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/e2e/browser-server.ts')], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  browserServer.stdin.on('error', () => undefined);
  return new Promise((resolve) => {
    let out = '';
    let found;
    browserServer.stdout.setEncoding('utf8');
    browserServer.stdout.on('data', (d) => {
      out += d;
      found ??= /^(ws:\/\/\S+)$/m.exec(out)?.[1];
      if (found) resolve(found);
    });
    browserServer.once('exit', (code, sig) => {
      // (after it started: a file that cannot connect launches its own, studio-page.ts launchChromium)
      if (!browserStopping) console.error(`# the shared Chromium ${found ? 'stopped' : 'did not start'} (exit ${code ?? sig}): each e2e file launches its own`);
      resolve(undefined);
    });
  });
}

let status = 0;
for (const g of groups) {
  // test tools that load onnxruntime-node themselves (test/tools, the Python-free oracles) send and keep no telemetry
  // either (cli40: ORT 1.30 writes .ses, mat-debug-<pid>.log and ~/.cache/Microsoft/DeveloperTools); a test that needs
  // it unset deletes it (cli-ask-leaves-nothing-cli40)
  const env = { ORT_DISABLE_TELEMETRY: '1', ...process.env };
  if (g.files.some(isE2e)) {
    browserEndpoint ??= sharedBrowser();
    const ws = await browserEndpoint;
    if (ws) env.STUDIO_E2E_BROWSER = ws;
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${g.concurrency}`, '--test-reporter=spec', ...g.files], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  if ((r.status ?? 1) !== 0) status = r.status ?? 1;
}
if (browserServer && browserServer.exitCode === null && browserServer.signalCode === null) {
  const exited = new Promise((r) => browserServer.once('exit', r));
  browserStopping = true;
  browserServer.stdin.end();
  await exited;
}
process.exit(status);
