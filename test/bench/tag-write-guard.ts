/**
 * What Write tags' audio check costs (tagguard38): per file, writeTagsSafely as shipped (the file's and the copy's
 * audio packets demuxed by ffmpeg and compared, library/tag-write.ts audioUnchanged) against the same write without
 * the check, in the same run, alternating: a ~10 MB LAME MP3 (320 kb/s, ~4 min), a FLAC of the same audio, and a
 * batch of 50 MP3s written one after another (as `studio tags write` and the dialog do). The write without the check
 * is the current tag-write.ts with its two check lines taken out, written for the run into the benchmark's temporary
 * folder (its relative and `@contract` imports made absolute, the packages reached through a link to node_modules) and
 * removed with it — never into main/ (tags39: a dotfile in main/engine/library for the run, which a build, a type check
 * or another helper's tests running meanwhile would meet). The lower bound of any demux-based check, in the same run: ffmpeg demuxing the file twice to its
 * null muxer (no hash, nothing read back). CPU: this process's user+system plus its waited-for children's (/proc/self/stat cutime+cstime: the
 * ffmpeg runs), per file. Linux only.
 *
 * Run: npm run bench -- test/bench/tag-write-guard.ts [runs=5] [batch=50]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { relocatedSource } from '../helpers/relocated-source';
import type { writeTagsSafely as Write } from '../../main/engine/library/tag-write';

const runs = Number(process.argv[2]) || 5;
const batch = Number(process.argv[3]) || 50;
const lib = join(import.meta.dirname, '../../main/engine/library');
const src = readFileSync(join(lib, 'tag-write.ts'), 'utf8');
const CHECK = ['if (!byBytes) packetsBefore().catch(() => undefined);', 'if (!byBytes || !(await sameAudioBytes(path, tmp, byBytes))) await audioUnchanged(basename(input.path), packetsBefore(), tmp, stopCheck.signal);'];
if (!CHECK.every((l) => src.includes(l))) throw new Error('tag-write.ts no longer has the check lines this benchmark takes out');
const dir = mkdtempSync(join(tmpdir(), 'studio-bench-tagguard-'));
const variant = join(dir, 'tag-write-unguarded.bench.ts');
try {
  writeFileSync(variant, relocatedSource(src.replace(CHECK[0], '').replace(CHECK[1], ''), lib, resolve(lib, '../../contract/index.ts')));
  // the packages it imports (music-metadata, node-taglib-sharp through createRequire) resolve from its own folder
  symlinkSync(resolve(lib, '../../../node_modules'), join(dir, 'node_modules'), 'dir');
  // an ES module, as the repository's: loaded as CommonJS it would get a contract (StudioError) of its own
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const guarded: typeof Write = (await import('../../main/engine/library/tag-write')).writeTagsSafely;
  const unguarded: typeof Write = (await import(variant)).writeTagsSafely;
  const wav = join(dir, 'src.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'anoisesrc=c=pink:d=250:a=0.3,aformat=channel_layouts=stereo', '-f', 'lavfi', '-i', 'sine=f=220:d=250', '-filter_complex', 'amix=inputs=2', '-ar', '44100', '-c:a', 'pcm_s16le', wav]);
  const mp3 = join(dir, 'big.mp3');
  execFileSync('lame', ['--quiet', '-b', '320', wav, mp3]);
  const flac = join(dir, 'big.flac');
  execFileSync('flac', ['--silent', '-f', '-o', flac, wav]);
  const small = join(dir, 'small.mp3');
  execFileSync('ffmpeg', ['-v', 'error', '-i', wav, '-t', '200', '-f', 'wav', join(dir, 'small.wav')]);
  execFileSync('lame', ['--quiet', '-V2', join(dir, 'small.wav'), small]);
  const ticks = () => {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[13]) + Number(f[14])) * 10; // cutime + cstime (fields 16, 17), 100 Hz ticks → ms
  };
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000 + ticks();
  };
  const MP3 = { format: 'id3v2', mime: 'taglib/mp3' } as const;
  const FLAC = { format: 'vorbis', mime: 'taglib/flac' } as const;
  const one = async (w: typeof Write, p: string, target: typeof MP3 | typeof FLAC, bpm: number) => {
    const s = statSync(p);
    await w({ path: p, stored: { size: s.size, mtimeMs: s.mtimeMs }, target, bpm: String(bpm), key: '8A' });
  };
  const timed = async (fn: () => Promise<void>) => {
    const c = cpu();
    const t = performance.now();
    await fn();
    return { wall: performance.now() - t, cpu: cpu() - c };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const show = (xs: { wall: number; cpu: number }[]) => `wall ${median(xs.map((x) => x.wall)).toFixed(0)} ms, CPU ${median(xs.map((x) => x.cpu)).toFixed(0)} ms`;
  console.log(`# ${runs} runs each, alternating; MP3 ${(statSync(mp3).size / 1e6).toFixed(1)} MB, FLAC ${(statSync(flac).size / 1e6).toFixed(1)} MB, batch of ${batch} MP3s of ${(statSync(small).size / 1e6).toFixed(1)} MB; medians`);
  for (const [name, file, target] of [['MP3', mp3, MP3], ['FLAC', flac, FLAC]] as const) {
    const a = file.replace(/(\.\w+)$/, '-g$1');
    const b = file.replace(/(\.\w+)$/, '-u$1');
    copyFileSync(file, a);
    copyFileSync(file, b);
    await one(guarded, a, target, 100); // warm: the tag library loaded, the page cache
    await one(unguarded, b, target, 100);
    const g: { wall: number; cpu: number }[] = [];
    const u: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < runs; r++) {
      g.push(await timed(() => one(guarded, a, target, 110 + r)));
      u.push(await timed(() => one(unguarded, b, target, 110 + r)));
    }
    // the floor of any demux-based check: ffmpeg demuxing the file twice to nothing (-c copy -f null), no hash
    const floor: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < runs; r++) floor.push(await timed(async () => { for (let k = 0; k < 2; k++) execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:a', '-c', 'copy', '-f', 'null', '-']); }));
    console.log(`${name} with the check:    ${show(g)}`);
    console.log(`${name} 2 × ffmpeg -c copy -f null (lower bound of the check): ${show(floor)}`);
    console.log(`${name} without the check: ${show(u)}`);
  }
  const files = (tag: string) => Array.from({ length: batch }, (_, i) => {
    const p = join(dir, `b${tag}${i}.mp3`);
    copyFileSync(small, p);
    return p;
  });
  const fg = files('g');
  const fu = files('u');
  const bg = await timed(async () => { for (const p of fg) await one(guarded, p, MP3, 124); });
  const bu = await timed(async () => { for (const p of fu) await one(unguarded, p, MP3, 124); });
  console.log(`batch of ${batch} with the check:    wall ${(bg.wall / 1000).toFixed(2)} s, CPU ${(bg.cpu / 1000).toFixed(2)} s`);
  console.log(`batch of ${batch} without the check: wall ${(bu.wall / 1000).toFixed(2)} s, CPU ${(bu.cpu / 1000).toFixed(2)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
