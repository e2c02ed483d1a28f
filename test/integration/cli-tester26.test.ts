// Session 19 tester26 (a DJ's first run of `studio analyze`): two numbers the command printed that did not agree with
// what it (and the library) shows elsewhere. Needs `npm run build`.
//  1. The features line rounded the unrounded integrated loudness to 0.1 LU while the library stores it to 0.01 and
//     shows that to 0.1: a 997 Hz tone at -19.675 dB measures -40.7496… LUFS, stored -40.75, shown -40.8 in the table
//     and the detail's header, but "Loudness: -40.7 LUFS." in the features line beside it (double rounding).
//  2. `--bpm-range` narrower than an octave says once that some tempos are "marked as outside it", but the tempo line
//     of such a tempo carried no mark, and a folded tempo did not say what was analysed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OUTPUT, ROOT, media } from '../helpers/media';

const bin = join(ROOT, 'bin', 'studio.js');

test('studio analyze --json: the features line states the loudness as the library shows it (one rounding, not two)', () => {
  // a steady tone whose integrated loudness lies within 0.005 LU of a 0.05 boundary: -40.7496… LUFS
  const tone = media('tester26-lufs-997hz-19.675db.wav', ['-f', 'lavfi', '-i', 'sine=frequency=997:sample_rate=44100:duration=4', '-af', 'volume=-19.675dB', '-c:a', 'pcm_s16le']);
  const r = spawnSync(process.execPath, [bin, 'analyze', tone, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim()) as { lufs: number; features: string };
  const stated = /Loudness: (-?\d+\.\d) LUFS\./.exec(line.features)?.[1];
  assert.ok(stated, line.features);
  // the table and the detail panel show lufs.toFixed(1) (renderer fmtDb); the features line must say the same
  assert.equal(stated, line.lufs.toFixed(1), `features "${line.features}" beside lufs ${line.lufs}`);
});

test('studio analyze --bpm-range: a folded tempo names the analysed one, a tempo outside a narrow range is marked', () => {
  // clicks at 174 BPM (a drum-and-bass tempo): in 70-140 it is shown at 87; in 120-130 neither 87 nor 174 fits
  const clicks = media('tester26-clicks-174bpm.wav', ['-f', 'lavfi', '-i', `aevalsrc='if(lt(mod(t,${(60 / 174).toFixed(6)}),0.02),0.8*sin(2*PI*1000*t),0)':s=44100:d=12`, '-c:a', 'pcm_s16le']);
  const plain = spawnSync(process.execPath, [bin, 'analyze', clicks], { encoding: 'utf8' });
  assert.equal(plain.status, 0, plain.stderr);
  const analysed = Number(/tempo {7}(\d+(?:\.\d+)?) BPM/.exec(plain.stdout)?.[1]);
  assert.ok(Math.abs(analysed - 174) < 2, plain.stdout);
  assert.doesNotMatch(plain.stdout, /analysed|outside/, 'without a range nothing is folded');

  const folded = spawnSync(process.execPath, [bin, 'analyze', clicks, '--bpm-range', '70-140'], { encoding: 'utf8' });
  assert.equal(folded.status, 0, folded.stderr);
  const tempo = /tempo {7}(.*)/.exec(folded.stdout)?.[1] ?? '';
  assert.match(tempo, new RegExp(`^${analysed / 2} BPM \\(confidence \\d+%\\) — in 70–140, analysed ${analysed} BPM$`), folded.stdout);

  const narrow = spawnSync(process.execPath, [bin, 'analyze', clicks, '--bpm-range', '120-130'], { encoding: 'utf8' });
  assert.equal(narrow.status, 0, narrow.stderr);
  assert.match(narrow.stderr, /marked as outside it/);
  const tempoN = /tempo {7}(.*)/.exec(narrow.stdout)?.[1] ?? '';
  // 174 is nearer 120–130 than 87 on a log scale: shown as analysed, and marked
  assert.match(tempoN, new RegExp(`^${analysed} BPM \\(confidence \\d+%\\) ↕ outside 120–130: neither doubled nor halved falls in it$`), narrow.stdout);
});

/** ffmpeg arguments of 12 s of clicks at `bpm` over an i–iv–V–i cadence in A minor (1.5 s a chord), tagged as a DJ tagger would */
function taggedCadence(bpm: number, tags: Record<string, string>): string[] {
  const hz = (m: number) => (440 * 2 ** ((m - 69) / 12)).toFixed(3);
  const pad = (notes: number[]) => notes.map((m) => `sin(2*PI*${hz(m)}*t)+0.5*sin(4*PI*${hz(m)}*t)`).join('+');
  // A minor: Am, Dm, E (harmonic minor's major V, whose G# tells A minor from C major), Am
  const [c1, c2, c3, c4] = [[57, 60, 64], [62, 65, 69], [64, 68, 71], [57, 60, 64]].map(pad);
  const harmony = `if(lt(mod(t,6),1.5),${c1},if(lt(mod(t,6),3),${c2},if(lt(mod(t,6),4.5),${c3},${c4})))`;
  const p = (60 / bpm).toFixed(6);
  const expr = `if(lt(mod(t,${p}),0.03),0.7*sin(2*PI*1000*t)*(1-mod(t,${p})/0.03),0)+0.05*(${harmony})`;
  return ['-f', 'lavfi', '-i', `aevalsrc='${expr}':s=44100:d=12`, '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '160k', '-id3v2_version', '3',
    ...Object.entries(tags).flatMap(([k, v]) => ['-metadata', `${k}=${v}`])];
}

test('studio analyze: the tags a DJ tagger wrote are printed beside the analysis, a relative key named as such', () => {
  // TKEY 8B (C major) on an A minor track: the relative major, the key analysis' most common confusion; TBPM 240 on
  // a 120 BPM track: double. Before, the text said nothing of the tags (only --json had them) and the detail panel
  // called the relative major "a different key".
  const file = media('tester26-am-120bpm-tagged-8B-240.mp3', taggedCadence(120, { TBPM: '240', TKEY: '8B', title: 'Tagged Relative' }));
  const r = spawnSync(process.execPath, [bin, 'analyze', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /key {9}A minor \(8A, /, r.stdout);
  assert.match(r.stdout, /tempo {7}120 BPM/, r.stdout);
  const tagged = /\n {2}tagged {6}(.*)\n/.exec(r.stdout)?.[1];
  assert.equal(tagged, '240 BPM · 8B — tag says 240 (analysed 120.0: half); tag says 8B = C major (analysed A minor: the relative minor)', r.stdout);
  // in a BPM range that shows the track at 240 the tag agrees with what is shown: only the key is said
  const ranged = spawnSync(process.execPath, [bin, 'analyze', file, '--bpm-range', '140-280'], { encoding: 'utf8' });
  assert.equal(/\n {2}tagged {6}(.*)\n/.exec(ranged.stdout)?.[1], '240 BPM · 8B — tag says 8B = C major (analysed A minor: the relative minor)', ranged.stdout);
});

/** the ID3v2 tag at the start of `file` (header + frames, by its syncsafe size), as a tagger writes it */
function id3TagOf(file: string): Buffer {
  const b = readFileSync(file);
  assert.equal(b.toString('latin1', 0, 3), 'ID3');
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return b.subarray(0, 10 + size);
}

test('a FLAC with a stale ID3 tag in front: the Vorbis comment\'s BPM and key are shown, the conflict is said', () => {
  // Traktor/Mixed In Key wrote BPM=128 and INITIALKEY=8A into the Vorbis comment; an older tagger had put an ID3v2.3
  // tag (TBPM 120, TKEY 5A) in front of the FLAC, which players and DJ software ignore. Before: 120 and 5A were
  // shown, with no warning (the same file's conflicting titles were warned about).
  const tone = ['-f', 'lavfi', '-i', 'sine=f=440:d=4', '-ar', '44100'];
  const flac = media('tester26-vorbis-bpm128-8A.flac', [...tone, '-c:a', 'flac', '-metadata', 'BPM=128', '-metadata', 'INITIALKEY=8A', '-metadata', 'title=Stale ID3']);
  const mp3 = media('tester26-id3v23-tbpm120-5A.mp3', [...tone, '-c:a', 'libmp3lame', '-id3v2_version', '3', '-metadata', 'TBPM=120', '-metadata', 'TKEY=5A', '-metadata', 'title=Stale ID3']);
  const dir = join(OUTPUT, 'tester26-cli');
  mkdirSync(dir, { recursive: true });
  const both = join(dir, 'id3-before-flac.flac');
  writeFileSync(both, Buffer.concat([id3TagOf(mp3), readFileSync(flac)]));
  const r = spawnSync(process.execPath, [bin, 'probe', both, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const p = JSON.parse(r.stdout) as { tags: { bpm?: number; key?: string; keyText?: string }; warnings: string[] };
  assert.deepEqual([p.tags.bpm, p.tags.key, p.tags.keyText], [128, 'A minor', '8A']);
  const bpmWarn = p.warnings.find((w) => w.startsWith('Conflicting BPM tags'));
  assert.equal(bpmWarn?.split(';')[0], 'Conflicting BPM tags in one file: "120" (ID3v2.3), "128" (Vorbis comment)', p.warnings.join('\n'));
  assert.match(bpmWarn!, /shown: "128", from Vorbis comment, because the Vorbis comment is FLAC's own tag/);
  assert.ok(p.warnings.some((w) => w.startsWith('Conflicting key tags in one file: "5A" (ID3v2.3), "8A" (Vorbis comment); shown: "8A"')), p.warnings.join('\n'));
  // the analysis' tagged line says what the Vorbis comment says
  const a = spawnSync(process.execPath, [bin, 'analyze', both, '--json'], { encoding: 'utf8' });
  assert.deepEqual((JSON.parse(a.stdout.trim()) as { tags: unknown }).tags, { bpm: 128, key: 'A minor', keyText: '8A' });
});

test('a key tagged in two notations at once ("8A/Am", "Am - 8A") is read where both name the same key', () => {
  const tone = ['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-ar', '44100', '-c:a', 'libmp3lame', '-id3v2_version', '3'];
  const cases: Array<[string, string | undefined]> = [['8A/Am', 'A minor'], ['Am - 8A', 'A minor'], ['1m | Am', 'A minor'], ['Db, 3B', 'Db major'], ['8A/Em', undefined], ['8A - Energy 6', undefined]];
  for (const [text, key] of cases) {
    const f = media(`tester26-tkey-${text.replace(/[^\w]+/g, '_')}.mp3`, [...tone, '-metadata', `TKEY=${text}`]);
    const r = spawnSync(process.execPath, [bin, 'probe', f, '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const t = (JSON.parse(r.stdout) as { tags: { key?: string; keyText?: string } }).tags;
    assert.deepEqual([t.key, t.keyText], [key, text], text);
  }
});
