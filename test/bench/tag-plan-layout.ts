/**
 * What the plan's layout checks cost (tags39): library:tag-plan now runs the write's own layout checks on each WAV,
 * AIFF, M4A and Ogg file of the selection (tag-write.ts layoutRefusal: chunk/box headers, an Ogg's first and last 64
 * KiB), 8 at a time as the plan reads files. Per kind, N names of one file (hard links: the headers read are the
 * same, the page cache warm as after a scan) checked as the plan checks them, against the lower bound measured in the
 * same run: one stat per file (what the plan already spends on a file whose tags the scan read), 8 at a time too.
 * MP3 and FLAC are not checked (no layout of theirs is refused): they cost nothing here.
 *
 * Run: npm run bench -- test/bench/tag-plan-layout.ts [files per kind=2000] [runs=3]
 */
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapLimited } from '../../main/engine/fs/list-dir';
import { layoutRefusal, type TagFormat } from '../../main/engine/library/tag-write';

const n = Number(process.argv[2]) || 2000;
const runs = Number(process.argv[3]) || 3;
const dir = mkdtempSync(join(tmpdir(), 'studio-bench-tagplan-layout-'));
try {
  const src = join(dir, 'src');
  mkdirSync(src);
  const ff = (a: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...a]);
  // 3 minutes each, as tracks are: the headers are what is read, not the length
  const kinds: { name: string; file: string; target: { format: TagFormat; mime: string } }[] = [
    { name: 'WAV', file: join(src, 'a.wav'), target: { format: 'id3v2', mime: 'taglib/wav' } },
    { name: 'AIFF', file: join(src, 'a.aiff'), target: { format: 'id3v2', mime: 'taglib/aiff' } },
    { name: 'M4A', file: join(src, 'a.m4a'), target: { format: 'mp4', mime: 'taglib/m4a' } },
    { name: 'Ogg Vorbis', file: join(src, 'a.ogg'), target: { format: 'vorbis', mime: 'taglib/ogg' } },
  ];
  ff(['-f', 'lavfi', '-i', 'sine=f=440:d=180', '-ac', '2', '-metadata', 'title=Bench', '-metadata', 'artist=Someone',
    ...['-c:a', 'pcm_s16le', kinds[0].file], ...['-c:a', 'pcm_s16be', kinds[1].file], ...['-c:a', 'aac', '-b:a', '192k', kinds[2].file], ...['-c:a', 'libvorbis', '-q:a', '5', kinds[3].file]]);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`# ${n} files per kind (hard links of one 3-minute file), 8 at a time, median of ${runs} runs`);
  for (const k of kinds) {
    const names = Array.from({ length: n }, (_, i) => {
      const p = join(dir, `${k.name.replace(/\W/g, '')}-${i}${k.file.slice(k.file.lastIndexOf('.'))}`);
      linkSync(k.file, p);
      return p;
    });
    const timed = async (fn: (p: string) => Promise<unknown>) => {
      const t = performance.now();
      await mapLimited(names, 8, fn);
      return performance.now() - t;
    };
    await timed((p) => layoutRefusal(p, k.target, p)); // warm
    const checks: number[] = [];
    const stats: number[] = [];
    let refused = 0;
    for (let r = 0; r < runs; r++) {
      refused = 0;
      checks.push(await timed(async (p) => { if (await layoutRefusal(p, k.target, p)) refused++; }));
      stats.push(await timed((p) => stat(p)));
    }
    const c = median(checks);
    const s = median(stats);
    console.log(`${k.name.padEnd(10)} layout checks ${c.toFixed(0)} ms (${((c / n) * 1000).toFixed(0)} µs a file, ${refused} refused); one stat each ${s.toFixed(0)} ms (${((s / n) * 1000).toFixed(0)} µs a file)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
