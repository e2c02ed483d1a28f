import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, toneFile, videoFile } from '../helpers/media';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-cli-'));
function studio(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, STUDIO_DATA_DIR: dataDir },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('studio --help and --version', () => {
  const h = studio('--help');
  assert.equal(h.code, 0);
  assert.match(h.out, /studio serve/);
  assert.match(h.out, /studio probe/);
  assert.match(studio('--version').out, /^\d+\.\d+\.\d+/);
});

test('an unknown command exits 2 with the usage', () => {
  const r = studio('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command "frobnicate"/);
});

test('every command answers --help / -h with its own usage (exit 0); an unknown option exits 2 with one line and the usage', () => {
  for (const cmd of ['serve', 'probe', 'ask', 'analyze', 'crate']) {
    for (const flag of ['--help', '-h']) {
      const r = studio(cmd, flag);
      assert.equal(r.code, 0, `${cmd} ${flag}: ${r.err}`);
      assert.match(r.out, new RegExp(`^Usage:\\n  studio ${cmd} `), `${cmd} ${flag}`);
      assert.equal(r.err, '');
    }
  }
  const bad = studio('probe', '--frobnicate', 'x.mp3');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^studio: probe: unknown option '--frobnicate'\.\n\nUsage:\n  studio probe /);
});

test('serve, probe and ask --help say what each option of their usage line does (newuser35: --root, --host, --json, --region, --greedy, --seed, --provider… were named only)', () => {
  const asks = ['--pack', '--audio', '--region', '--image', '--video', '--input', '--features', '--greedy', '--seed', '--max-new-tokens', '--provider', '--json'];
  for (const [cmd, opts, lines] of [['serve', ['--host', '--port', '--data-dir', '--root'], 1], ['probe', ['--json'], 1], ['ask', asks, 3]] as const) {
    const r = studio(cmd, '--help');
    const all = r.out.split('\n').slice(1);
    const synopsis = all.slice(0, lines).join('\n');
    const text = all.slice(lines).join('\n');
    for (const o of opts) {
      assert.ok(synopsis.includes(o), `${cmd}'s usage line has ${o}`);
      assert.ok(text.includes(o), `${cmd} --help says what ${o} does:\n${r.out}`);
    }
  }
});

test('a data folder that cannot be made fails at once, once, saying what to do (no hang, no raw EEXIST/ENOTDIR)', () => {
  const file = join(dataDir, 'a-file');
  writeFileSync(file, 'x');
  for (const [dir, why] of [
    ['/proc/nope', /cannot be created there/],
    [file, /a file is in the way/],
    [join(file, 'sub'), /a file is in the way where a folder is needed \(.*a-file\)/],
  ] as const) {
    // (probe opens no data folder: a throwaway one, so it works while the app holds the real one; checked below)
    for (const args of [['serve', '--port', '0', '--data-dir', dir]]) {
      const r = studio(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, why);
      assert.match(r.err, /--data-dir DIR/);
      assert.doesNotMatch(r.err, /Unexpected error|EEXIST|ENOTDIR|ENOENT/);
      assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
    }
    const probe = studio('probe', '--data-dir', dir, toneFile('cli-tone.flac', 4));
    assert.equal(probe.code, 0, `probe --data-dir ${dir}: ${probe.err}`);
  }
});

test('with --json every error is one JSON object on stdout, a wrong command line too (tester17)', () => {
  // before: these exited 2 (or 1) with the message on stderr and nothing on stdout, so `studio … --json | jq` read
  // no JSON; runtime errors already were JSON, in each command's shape, which a wrong command line now takes too
  const json = (r: { out: string }) => {
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1, `one line on stdout: ${JSON.stringify(r.out)}`);
    return JSON.parse(lines[0]) as Record<string, unknown>;
  };
  for (const args of [['probe', '--json'], ['probe', 'a.mp3', 'b.mp3', '--json'], ['probe', '--bogus', '--json'], ['ask', '--json'], ['ask', '--pack', 'p', '--json']]) {
    const r = studio(...args);
    assert.equal(r.code, 2, args.join(' '));
    const e = json(r).error as { code: string; message: string };
    assert.equal(e.code, 'BAD_ARGS', args.join(' '));
    assert.ok(e.message.length > 10 && !e.message.includes('Usage:'), `${args.join(' ')}: ${e.message}`);
    assert.match(r.err, /^studio: /);
  }
  for (const args of [['analyze', '--json'], ['analyze', '--bpm-range', '70-70', '--json', 'x.mp3'], ['analyze', '--bogus', '--json']]) {
    const r = studio(...args);
    assert.equal(r.code, 2, args.join(' '));
    const j = json(r);
    assert.equal(j.code, 'BAD_ARGS', args.join(' '));
    assert.equal(typeof j.error, 'string');
  }
  // a database folder that cannot be made stops before the command's own error handling (probe no longer opens the
  // data folder since it runs on a throwaway one: lock13, so analyze --db is the command that meets this)
  const blocker = join(dataDir, 'a-file');
  writeFileSync(blocker, 'x');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', '--json', '--db', join(blocker, 'data', 'studio.sqlite'), '/nonexistent.mp3'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1);
  const e = json({ out: r.stdout });
  assert.equal(e.code, 'DB_WRITE_FAILED');
  assert.match(e.error as string, /a file is in the way/);
  // without --json (or with it after --, a file name) stdout stays empty
  for (const args of [['probe'], ['probe', 'x.mp3', '--', '--json']]) assert.equal(studio(...args).out, '', args.join(' '));
});

test('studio serve on a port in use: one line naming the port and what to do', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  try {
    const { spawn } = await import('node:child_process');
    const proc = spawn(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'serve', '--port', String(port)], { env: { ...process.env, STUDIO_DATA_DIR: dataDir } });
    let err = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise((r) => proc.once('exit', r));
    assert.equal(code, 1);
    assert.equal(err, `studio: port ${port} on 127.0.0.1 is already in use by another program. Choose another with --port N, or --port 0 for a free one.\n`);
  } finally {
    busy.close();
  }
});

test('studio probe prints tags, streams, duration and cover art', () => {
  const r = studio('probe', toneFile('cli-tone.flac', 4));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /title\s+Test Tone/);
  assert.match(r.out, /artist\s+Resonance Tests/);
  assert.match(r.out, /duration\s+0:04\.\d\d/);
  assert.match(r.out, /audio: flac, 44100 Hz, stereo/);
  assert.match(r.out, /cover art\s+no/);
});

test('studio probe --json gives the contract ProbeResult; video streams are listed', () => {
  const r = studio('probe', videoFile('cli-clip.mp4', 3), '--json');
  assert.equal(r.code, 0, r.err);
  const p = JSON.parse(r.out);
  assert.equal(p.video.codec, 'h264');
  assert.equal(p.video.width, 320);
  assert.equal(p.audio.codec, 'aac');
  assert.ok(Math.abs(p.durationSec - 3) < 0.1);
});

test('studio probe on bad input exits 1 with a clear message', () => {
  const dir = join(dataDir, 'bad files');
  mkdirSync(dir, { recursive: true });
  const text = join(dir, 'notes.mp3');
  writeFileSync(text, 'these are my notes, not music\n'.repeat(20));
  const empty = join(dir, 'empty.mp3');
  writeFileSync(empty, '');
  let r = studio('probe', text);
  assert.equal(r.code, 1);
  assert.match(r.err, /"notes\.mp3" is not an audio or video file/);
  r = studio('probe', empty, '--json');
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.out).error.code, 'EMPTY_FILE');
  r = studio('probe', join(dir, 'missing.flac'));
  assert.equal(r.code, 1);
  assert.match(r.err, /does not exist/);
  r = studio('probe', dir);
  assert.match(r.err, /is a folder/);
});

test('a path that does not exist: probe and analyze say it in one wording, naming the path and what to do (cli36)', () => {
  // analyze said "studio: /…/missing.flac: Does not exist.", probe '"missing.flac" does not exist (/…/missing.flac). It
  // may have been moved or deleted.': two wordings of one fact, and neither said what to do
  for (const missing of [join(dataDir, 'missing.flac'), join(dataDir, 'no such folder')]) {
    const name = missing.slice(missing.lastIndexOf('/') + 1);
    const line = `studio: "${name}" does not exist (${missing}). Check the path; it may have been moved or deleted.`;
    const probe = studio('probe', missing);
    assert.equal(probe.code, 1);
    assert.equal(probe.err.trim(), line);
    const analyze = studio('analyze', missing);
    assert.equal(analyze.code, 1);
    assert.equal(analyze.err.trim().split('\n')[0], line, analyze.err);
    assert.equal(JSON.parse(studio('analyze', missing, '--json').out.split('\n')[0]).error, line.slice('studio: '.length));
    assert.equal(JSON.parse(studio('probe', missing, '--json').out).error.message, line.slice('studio: '.length));
  }
});

test('studio serve --host naming no address (a typo, an unknown name): one line saying what to pass, not "Unexpected error: getaddrinfo ENOTFOUND"', () => {
  // tester14: `--host 999.1.1.1` or `--host my-laptop.invalid` printed "studio: Unexpected error: getaddrinfo ENOTFOUND 999.1.1.1"
  for (const host of ['999.1.1.1', 'no-such-host.invalid']) {
    const r = studio('serve', '--port', '0', '--host', host);
    assert.equal(r.code, 1, r.err);
    assert.doesNotMatch(r.err, /Unexpected error|getaddrinfo/);
    assert.match(r.err, new RegExp(`--host ${host.replace(/\./g, '\\.')} is not an address.*127\\.0\\.0\\.1`));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
  }
});
