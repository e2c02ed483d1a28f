// tags34: `studio tags write` — the Library's Write tags… on the command line, over a data folder's library (the built
// CLI and a real engine process). Real files, made the way the world makes them (lame, flac, oggenc, ffmpeg's AAC,
// id3v2 for another tool's key tag), scanned by `studio analyze --db`; what was written is read back by other
// programs' taggers (id3v2, metaflac, vorbiscomment, kid3-cli), never by ours.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/cli-tags-write.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDb } from '../../main/engine/db';
import { lockDataFolder } from '../../main/data-lock';
import { CrateService } from '../../main/engine/library/crates';
import { ff, OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'cli-tags-write-test');
const dataDir = join(DIR, 'data');
const music = join(DIR, 'Music');
const A = join(music, 'A');
const B = join(music, 'B');
const bin = join(ROOT, 'bin', 'studio.js');

/** 8 s of a 124 BPM click over an A minor triad: the analysis is sure of a tempo and a key (tag-write.test.ts's) */
const TONE = "aevalsrc='if(lt(mod(t,0.483871),0.03),0.7*sin(2*PI*1000*t),0)+0.05*(sin(2*PI*220*t)+sin(2*PI*261.63*t)+sin(2*PI*329.63*t))':s=44100:d=8";

function studio(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, STUDIO_DATA_DIR: dataDir }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
/** id3v2's listing of an MP3's ID3v2 frames: "TBPM (BPM (beats per minute)): 124" → { TBPM: '124' } */
function id3(p: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of execFileSync('id3v2', ['-l', p], { encoding: 'utf8' }).matchAll(/^([A-Z0-9]{4}) \(.*?\): (.*)$/gm)) out[m[1]] = m[2];
  return out;
}
/** a Vorbis comment's fields as listed by metaflac (FLAC) or vorbiscomment (Ogg), names upper-cased */
function vorbis(p: string): Record<string, string> {
  const text = p.endsWith('.flac') ? execFileSync('metaflac', ['--export-tags-to=-', p], { encoding: 'utf8' }) : execFileSync('vorbiscomment', ['-l', p], { encoding: 'utf8' });
  return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')).toUpperCase(), l.slice(l.indexOf('=') + 1)]));
}
/** kid3-cli's BPM and initial key of an M4A (tmpo, ----:com.apple.iTunes:initialkey) */
function mp4(p: string): { bpm: string; key: string } {
  const [bpm, key] = execFileSync('kid3-cli', ['-c', 'get bpm 2', '-c', 'get initialkey 2', p], { encoding: 'utf8' }).split('\n');
  return { bpm: bpm.trim(), key: key.trim() };
}

describe('studio tags write (tags34)', { timeout: 300_000 }, () => {
  const files = { mp3: join(A, 'click.mp3'), flac: join(A, 'click.flac'), ogg: join(B, 'click.ogg'), m4a: join(B, 'click.m4a'), sine: join(B, 'Sine440.mp3'), ro: join(B, 'locked.mp3') };

  before(async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(A, { recursive: true });
    mkdirSync(B, { recursive: true });
    mkdirSync(dataDir, { recursive: true });
    const wav = join(DIR, 'click.wav');
    ff(['-f', 'lavfi', '-i', TONE, '-ac', '2', wav]);
    execFileSync('lame', ['--quiet', '-V', '2', wav, files.mp3]);
    execFileSync('lame', ['--quiet', '-V', '2', wav, files.ro]);
    execFileSync('flac', ['--silent', '-f', '-o', files.flac, wav]);
    execFileSync('oggenc', ['--quiet', '-o', files.ogg, wav]);
    ff(['-i', wav, '-c:a', 'aac', '-b:a', '128k', files.m4a]);
    const sine = join(DIR, 'sine.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=12', '-ac', '2', '-ar', '44100', sine]);
    execFileSync('lame', ['--quiet', '-V', '2', sine, files.sine]);
    // another tool's key tag, which disagrees with whatever uncertain key we guess for a 440 Hz sine
    execFileSync('id3v2', ['--TKEY', 'Ebm', files.sine]);
    const run = studio('analyze', music, '--json', '--db', join(dataDir, 'studio.sqlite'));
    assert.equal(run.code, 0, run.err);
    const db = openDb(dataDir);
    try {
      const id = (p: string) => (db.prepare('SELECT id FROM tracks WHERE path = ?').get(p) as { id: string }).id;
      const crates = new CrateService(db);
      crates.add(crates.create('Warm-up').id, [id(files.m4a), id(files.mp3)]);
    } finally {
      db.close();
    }
    chmodSync(files.ro, 0o444);
  });
  after(() => chmodSync(files.ro, 0o644));

  test('--dry-run prints the plan (the writable, and why each other one is not) and writes nothing; --json as one object', () => {
    const before = Object.fromEntries(Object.values(files).map((p) => [p, sha(p)]));
    const text = studio('tags', 'write', music, '--dry-run');
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^Would write BPM and key \(key as standard: Am, F#\) into 5 of 6 files:\n/);
    for (const p of [files.mp3, files.flac, files.ogg, files.m4a, files.ro]) assert.ok(text.out.includes(`\n  ${p}\n`), `${p} writable:\n${text.out}`);
    assert.match(text.out, /Would not write 1:\n {2}.*Sine440\.mp3\n {6}"Sine440\.mp3" has no tempo or key sure enough to write into its tags: .*Kept the file's existing key tag "Ebm"/);
    assert.match(text.out, /Nothing was written \(--dry-run\)\.\n$/);
    const json = studio('tags', 'write', A, files.sine, '--dry-run', '--json', '--key');
    assert.equal(json.code, 0, json.err);
    const plan = JSON.parse(json.out) as { writable: { trackId: string; path: string }[]; refused: { trackId: string; path: string; reason: string }[] };
    assert.deepEqual(plan.writable.map((w) => w.path), [files.flac, files.mp3]);
    assert.deepEqual(plan.refused.map((r) => r.path), [files.sine]);
    assert.match(plan.refused[0].reason, /has no key sure enough/);
    for (const p of Object.values(files)) assert.equal(sha(p), before[p], `${p} unchanged`);
    assert.equal(id3(files.mp3).TBPM, undefined);
  });

  test('--dry-run names, under each file it would write, a value asked for that it would not write (newuser35)', () => {
    // a click at 124 BPM and nothing tonal (lame): the tempo is sure, the key is not. The plan's header said "Would
    // write BPM and key … into 1 of 1 file" and the file alone; the write then wrote the BPM only ("no key …")
    const extra = join(DIR, 'Extra');
    mkdirSync(extra, { recursive: true });
    const wav = join(DIR, 'clickonly.wav');
    const clickOnly = join(extra, 'clickonly.mp3');
    ff(['-f', 'lavfi', '-i', "aevalsrc='if(lt(mod(t,0.483871),0.03),0.7*sin(2*PI*1000*t),0)':s=44100:d=8", '-ac', '2', wav]);
    execFileSync('lame', ['--quiet', '-V', '2', wav, clickOnly]);
    const run = studio('analyze', extra, '--json', '--db', join(dataDir, 'studio.sqlite'));
    assert.equal(run.code, 0, run.err);
    const before = sha(clickOnly);
    const text = studio('tags', 'write', clickOnly, files.mp3, '--dry-run');
    assert.equal(text.code, 0, text.err);
    assert.ok(text.out.includes(`\n  ${clickOnly}\n      no key: the best guess (key `), text.out);
    assert.match(text.out, /no key: the best guess \(key [^)]+ at \d+% confidence\) is uncertain \(below 50%\), and a tag cannot say so\n/);
    assert.ok(text.out.includes(`\n  ${files.mp3}\n`) && !new RegExp(`${files.mp3.replace(/[.]/g, '\\.')}\n {6}no `).test(text.out), `click.mp3 gets both:\n${text.out}`);
    const json = studio('tags', 'write', clickOnly, '--dry-run', '--json');
    const plan = JSON.parse(json.out) as { writable: { path: string; notWritten?: { bpm: string | null; key: string | null } }[] };
    assert.equal(plan.writable[0].path, clickOnly);
    assert.equal(plan.writable[0].notWritten?.bpm, null);
    assert.match(plan.writable[0].notWritten?.key ?? '', /is uncertain/);
    assert.equal(sha(clickOnly), before, 'nothing written');
    const written = studio('tags', 'write', clickOnly);
    assert.match(written.out, /written {5}BPM 124 \(ID3v2\)\n {2}no key {6}the best guess/, 'the write agrees with the plan');
  });

  test('writes every file below a folder (Camelot); read back by id3v2, metaflac, vorbiscomment and kid3-cli; a read-only file fails: exit 1', () => {
    const r = studio('tags', 'write', music, '--notation', 'Camelot');
    assert.equal(r.code, 1, `${r.out}\n${r.err}`);
    assert.match(r.out, new RegExp(`${files.mp3.replace(/[.]/g, '\\.')}\\n {2}written {5}BPM 124, key 8A \\(ID3v2\\)\\n`));
    assert.match(r.out, /click\.flac\n {2}written {5}BPM 124, key 8A \(Vorbis comment\)\n/);
    assert.match(r.out, /click\.m4a\n {2}written {5}BPM 124, key 8A \(MP4\)\n/);
    assert.match(r.out, /Sine440\.mp3\n {2}not written "Sine440\.mp3" has no tempo or key sure enough/);
    assert.match(r.out, /locked\.mp3\n {2}failed {6}"locked\.mp3" is read-only, so its tags were not written/);
    assert.match(r.err, /studio: 4 of 5 files written, 1 failed \(above\); 1 not written \(why: above\)\.\n$/);
    assert.deepEqual([id3(files.mp3).TBPM, id3(files.mp3).TKEY], ['124', '8A']);
    assert.deepEqual([vorbis(files.flac).BPM, vorbis(files.flac).INITIALKEY], ['124', '8A']);
    assert.deepEqual([vorbis(files.ogg).BPM, vorbis(files.ogg).INITIALKEY], ['124', '8A']);
    assert.deepEqual(mp4(files.m4a), { bpm: '124', key: '8A' });
    // the other tool's key tag is kept (ours is uncertain), the read-only file left alone
    assert.equal(id3(files.sine).TKEY, 'Ebm');
    assert.equal(id3(files.ro).TBPM, undefined);
  });

  test('--crate NAME --key --notation name: the crate\'s tracks, the key only; --json one object per track', () => {
    const r = studio('tags', 'write', '--crate', 'warm-UP', '--key', '--notation', 'name', '--json');
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { path: string; written?: { bpm: string | null; key: string | null; format: string; readBack: { key: string | null } } });
    assert.deepEqual(lines.map((l) => l.path), [files.m4a, files.mp3], 'crate order');
    for (const l of lines) assert.deepEqual([l.written?.bpm, l.written?.key, l.written?.readBack.key], [null, 'A minor', 'A minor']);
    assert.deepEqual([id3(files.mp3).TBPM, id3(files.mp3).TKEY], ['124', 'A minor'], 'the BPM written before stays');
    assert.deepEqual(mp4(files.m4a), { bpm: '124', key: 'A minor' });
    assert.equal(vorbis(files.flac).INITIALKEY, '8A', 'a track outside the crate is not written');
  });

  test('--clear-conflicting removes the file\'s own key tag that disagrees with our uncertain guess', () => {
    const r = studio('tags', 'write', files.sine, '--clear-conflicting');
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.out, /Sine440\.mp3\n {2}written {5}no value of ours\n {2}removed {5}the file's own key tag "Ebm", which disagreed with our uncertain value\n/);
    assert.equal(id3(files.sine).TKEY, undefined);
  });

  test('progress on stderr when it is a terminal (script(1) gives it one): the file being written, of how many', () => {
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} tags write ${JSON.stringify(A)} --key`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, STUDIO_DATA_DIR: dataDir }, timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout);
    assert.ok(r.stdout.includes('\r\x1b[KChecking 2 tracks…'), JSON.stringify(r.stdout));
    assert.ok(r.stdout.includes('\r\x1b[K1/2 click.flac') && r.stdout.includes('\r\x1b[K2/2 click.mp3'), JSON.stringify(r.stdout));
  });

  test('Ctrl+C on a terminal (the whole foreground process group, the engine too) stops after the file being written: exit 130, the rest untouched', async () => {
    const before = Object.fromEntries(Object.values(files).map((p) => [p, sha(p)]));
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} tags write ${JSON.stringify(music)} --notation Open-Key`;
    // script(1) runs it on a pseudo-terminal; a ^C typed there is the terminal's SIGINT to every process of the group
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, STUDIO_DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      if (!text.includes('1/5') && (text += d.toString()).includes('1/5')) child.stdin.write('\x03');
      else text += d.toString();
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    const lines = text.replace(/\r\x1b\[K/g, '\n').replace(/\r/g, '');
    assert.match(lines, /studio: cancelled: (\d) of 5 files written; \d not started, left as they were; 1 not written \(why: above\)\./, lines);
    assert.doesNotMatch(lines, /engine stopped/);
    assert.equal(code, 130, lines);
    const written = [...lines.matchAll(/^(\/.*)\n {2}written /gm)].map((m) => m[1]);
    assert.equal(written.length, Number(/cancelled: (\d) of/.exec(lines)![1]));
    assert.ok(written.length < 4, lines);
    for (const p of Object.values(files)) if (!written.includes(p)) assert.equal(sha(p), before[p], `${p} not started: untouched`);
    if (written.includes(files.mp3)) assert.equal(id3(files.mp3).TKEY, '1m');
  });

  test('its output read by a program that stops early (`… | head -1`): every file still written, no EPIPE crash', async () => {
    // before (tester34): the first write after the reader left threw EPIPE — an unhandled 'error' event, a stack trace
    // on stderr, exit 1 — and the files after it were not written
    const child = spawn(process.execPath, [bin, 'tags', 'write', A, '--key', '--notation', 'standard'], { env: { ...process.env, STUDIO_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy()); // as head -1 does: reads the first line, closes the pipe
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.doesNotMatch(err, /EPIPE|Unhandled/, err);
    assert.equal(code, 0, err);
    assert.equal(vorbis(files.flac).INITIALKEY, 'Am');
    assert.equal(id3(files.mp3).TKEY, 'Am');
    // its summary on stderr read by one that left (`… 2>&1 >/dev/null | head -0`): exit 0 still (before: 1, EPIPE)
    const quiet = spawn(process.execPath, [bin, 'tags', 'write', A, '--key', '--notation', 'camelot'], { env: { ...process.env, STUDIO_DATA_DIR: dataDir }, stdio: ['ignore', 'ignore', 'pipe'] });
    quiet.stderr.destroy();
    assert.equal(await new Promise<number | null>((done) => quiet.on('close', done)), 0);
    assert.equal(id3(files.mp3).TKEY, '8A');
  });

  test('a write whose read-back by ffmpeg fails still records the tags it wrote (read alone, without ffmpeg): the library does not keep the old key beside the new size and mtime (tags34 left)', () => {
    // ffmpeg that works for the engine's start (-layouts) and the write's audio check (framemd5: tagguard38; without
    // it the write is refused, UNREADABLE) and fails every probe, as a broken or vanished ffmpeg does
    const broken = join(DIR, 'ffmpeg-failing');
    writeFileSync(broken, `#!/bin/sh\ncase " $* " in *" -layouts "*|*" framemd5 "*) exec ffmpeg "$@";; esac\necho "ffmpeg: failing for the test" >&2\nexit 1\n`);
    chmodSync(broken, 0o755);
    const stored = () => {
      const db = openDb(dataDir);
      try {
        const row = db.prepare('SELECT size, probe_json FROM tracks WHERE path = ?').get(files.mp3) as { size: number; probe_json: string };
        return { size: row.size, keyText: (JSON.parse(row.probe_json) as { tags: { keyText?: string } }).tags.keyText };
      } finally {
        db.close();
      }
    };
    assert.notEqual(stored().keyText, '1m');
    const r = spawnSync(process.execPath, [bin, 'tags', 'write', files.mp3, '--key', '--notation', 'openkey'], { encoding: 'utf8', env: { ...process.env, STUDIO_DATA_DIR: dataDir, STUDIO_FFMPEG: broken }, timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(id3(files.mp3).TKEY, '1m');
    assert.deepEqual(stored(), { size: statSync(files.mp3).size, keyText: '1m' });
  });

  // a real module (Debian's tecnoballz-data: the game's music, ProTracker "M.K."), played by ffmpeg's libopenmpt
  const realMod = '/usr/share/games/tecnoballz/musics/high-score.mod';
  const modSkip = !existsSync(realMod) ? 'tecnoballz-data is not installed' : !/ libopenmpt /.test(execFileSync('ffmpeg', ['-hide_banner', '-formats'], { encoding: 'utf8' })) ? 'this ffmpeg has no libopenmpt' : false;
  test('a tracker module: the plan says plainly that its format has no BPM or key tags, not "in a container (libopenmpt, pcm_f32le)" (cli36)', { skip: modSkip }, () => {
    const dir = join(DIR, 'Modules');
    mkdirSync(dir, { recursive: true });
    const mod = join(dir, 'high-score.mod');
    copyFileSync(realMod, mod);
    const run = studio('analyze', dir, '--json', '--db', join(dataDir, 'studio.sqlite'));
    assert.equal(run.code, 0, run.err);
    const before = sha(mod);
    const plan = studio('tags', 'write', mod, '--dry-run', '--json');
    assert.equal(plan.code, 0, plan.err);
    const reason = (JSON.parse(plan.out) as { refused: { reason: string }[] }).refused[0]?.reason ?? '';
    assert.equal(reason, '"high-score.mod" is a tracker module (ProTracker MOD): the format has no tags for a BPM or a key (the tempo in its header is how fast it plays), so nothing is written into it; BPM and key are written into MP3, AIFF, WAV, FLAC, Ogg Vorbis, Opus and M4A files.');
    const write = studio('tags', 'write', mod);
    assert.equal(write.code, 0, write.err);
    assert.ok(write.out.includes(reason), write.out);
    // the summary: was "0 of 0 files written; 1 had nothing to write." — a module has no tags to write, not nothing
    assert.equal(write.err, 'studio: nothing written (why, for each file: above).\n');
    assert.equal(sha(mod), before, 'the module is unchanged');
  });

  test('refusals: a path outside the library, an unknown crate (1), a wrong notation or no tracks named (2); while the app holds the folder, write exits 75 and --dry-run reads a copy', async () => {
    const outside = studio('tags', 'write', DIR, join(DIR, 'nowhere'), '--json');
    assert.equal(outside.code, 1);
    assert.equal(JSON.parse(outside.out).error.code, 'NOT_FOUND');
    // a path that is not there says so (tester34: "holds no track of the library" for a mistyped name)
    assert.match(outside.err, /nowhere" does not exist: nothing was written\. Check the path\./);
    const elsewhere = studio('tags', 'write', join(ROOT, 'tools'));
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.err, /" holds no track of the library: nothing was written\. Add the folder/);
    const crate = studio('tags', 'write', '--crate', 'Nope');
    assert.equal(crate.code, 1);
    assert.match(crate.err, /there is no crate named "Nope" \(the crates: "Warm-up"\)/);
    const notation = studio('tags', 'write', music, '--notation', 'lancelot');
    assert.equal(notation.code, 2);
    assert.match(notation.err, /--notation must be standard \(Am, F#\), name \(A minor\), camelot \(8A\), openkey \(1m\); got "lancelot"/);
    assert.equal(studio('tags', 'write').code, 2);
    const option = studio('tags', 'write', music, '--bogus', '--json');
    assert.equal(option.code, 2);
    assert.deepEqual(JSON.parse(option.out), { error: { code: 'BAD_ARGS', message: "unknown option '--bogus'." } });
    // the app: its database open (so a copy can be read while it is held), the folder's lock taken
    const holder = openDb(dataDir);
    const lock = await lockDataFolder(dataDir, { command: 'Resonance Studio' });
    try {
      const held = studio('tags', 'write', files.mp3);
      assert.equal(held.code, 75, held.err);
      assert.match(held.err, /Resonance Studio/);
      const dry = studio('tags', 'write', files.mp3, '--dry-run');
      assert.equal(dry.code, 0, dry.err);
      assert.match(dry.out, /into 1 of 1 file:/);
    } finally {
      await lock.release();
      holder.close();
    }
    assert.ok(statSync(files.mp3).size > 0);
  });

  test('without --notation, the notation of the files\' own key tags: a Mixed In Key "8A" stays "8A" (tester37)', () => {
    // an MP3 tagged by mid3v2 as Mixed In Key leaves it (TKEY "8A", TBPM 124) whose key the studio finds the same (A
    // minor): before, the write without --notation turned its "8A" into "Am", and the plan said "key as standard"
    const mik = join(DIR, 'Mik');
    mkdirSync(mik, { recursive: true });
    const wav = join(DIR, 'mik.wav');
    const file = join(mik, 'mik.mp3');
    ff(['-f', 'lavfi', '-i', TONE, '-ac', '2', wav]);
    execFileSync('lame', ['--quiet', '-V', '2', wav, file]);
    execFileSync('mid3v2', ['--TBPM', '124', '--TKEY', '8A', file]);
    const run = studio('analyze', mik, '--json', '--db', join(dataDir, 'studio.sqlite'));
    assert.equal(run.code, 0, run.err);
    const plan = studio('tags', 'write', file, '--dry-run');
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /^Would write BPM and key \(key as camelot: 8A, as the files' own key tags are written\) into 1 of 1 file:\n/);
    const r = studio('tags', 'write', file);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    // read back by mid3v2 (id3v2 -l lists no ID3v2.4 frames; the file keeps mid3v2's v2.4)
    const tkey = () => /^TKEY=(.*)$/m.exec(execFileSync('mid3v2', ['-l', file], { encoding: 'utf8' }))?.[1];
    assert.equal(tkey(), '8A');
    // a notation asked for still wins
    const named = studio('tags', 'write', file, '--key', '--notation', 'standard');
    assert.equal(named.code, 0, `${named.out}\n${named.err}`);
    assert.equal(tkey(), 'Am');
  });
});
