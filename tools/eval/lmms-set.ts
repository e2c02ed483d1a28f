// tempo-lmms: a DEVELOPMENT-SIDE tempo set rendered from LMMS demo projects (issue 11, session 15, helper tempo20).
// The dev-side tempo sets are mostly MMA renders on General MIDI SoundFonts, so a learned octave chooser fits their
// sound (session 14's percussive-share input won dev-side CV, lost on heldout2). LMMS projects are a different kind of
// music production: synthesisers (TripleOscillator, ZynAddSubFX, SID, BitInvader, PAPU), drum samples and DrumSynth
// kits, effects. Only the 13 projects of the "dev" list of /work/notes/lmms-split.json (written by the lead before any
// analysis: sorted project paths, even index) are read here; the "heldout3" list is another set's and never read.
//
// Truth: the project's `<head bpm=…>` (LMMS counts quarter notes). Refused: a project whose tempo can be automated
// (`<bpm …>` element with an id, or an automation pattern naming the head's bpm), i.e. the tempo is not one number.
// Variety: each project at its own tempo and at TEMPI_PER_PROJECT more, written into the XML's bpm attribute (LMMS
// renders the notes at that tempo: no time-stretch artifacts), spread 70–200 BPM (a slow one 70–95, a middle one
// 100–150, two fast ones 165–200, seeded by the project's name). A project that plays tempo-bound audio (a loop sample
// from LMMS' `beats/` folder, or a sample track clip) keeps only its own tempo: the loop would not follow.
// Two 30 s excerpts per tempo, MP3 192 kb/s: from the start (`excerpt: 'intro'`, beatless intros included) and
// from the middle of the song (`excerpt: 'middle'`; left out where the song is shorter than 45 s at that tempo). Each excerpt is
// rendered alone (cutProject: the song cut to its window plus a pre-roll of up to 4 bars, oversampling 1), since a
// full render of the ZynAddSubFX projects runs slower than real time on the shared machine. Short songs give shorter files
// (the shortest 10.4 s: the shorties at fast tempi).
//
//   QT_QPA_PLATFORM=offscreen is set for lmms (headless); `lmms --allowroot -r P -o out.wav -f wav`
//   nice -n 10 node --import tsx tools/eval/lmms-set.ts [--out test/output/tempo-lmms] [--plan-only]
//
// Writes OUT/lmms/*.mp3 and OUT/manifest.json (EvalItem rows, set "lmms", group "lmms:<project>" = the CV family,
// category 'fast' above 160 BPM, else 'intro' for start excerpts, else 'pop4'; `kind` fast | slow | mid by tempo,
// `excerpt` intro | middle). OUT/work holds the edited projects and WAV renders (deleted after encoding).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { inflateSync } from 'node:zlib';
import type { EvalItem } from './build-set';
import { acc1, acc2 } from './tempo-metrics';

export const SPLIT_FILE = '/work/notes/lmms-split.json';

/** One manifest row of tempo-lmms: an EvalItem plus where it came from. */
export interface LmmsItem extends EvalItem {
  /** CV family: "lmms:<project stem>" (octave-net.ts familyOf reads `group`) */
  group: string;
  /** the project file rendered */
  project: string;
  /** the written tempo, quarter notes per minute (the truth) */
  bpm: number;
  /** the project's own tempo (the written tempo is `bpm`) */
  ownBpm: number;
  kind: 'fast' | 'slow' | 'mid';
  excerpt: 'intro' | 'middle';
  /** seconds into the render where the excerpt starts */
  start: number;
}

/**
 * The project's XML: .mmp is plain XML; .mmpz is a 4-byte big-endian length of the XML followed by its zlib stream
 * (Qt's qCompress). Throws where the length prefix does not match the inflated size.
 */
export function readProject(path: string): string {
  const b = readFileSync(path);
  if (!path.endsWith('.mmpz')) return b.toString('utf8');
  const n = b.readUInt32BE(0);
  const x = inflateSync(b.subarray(4));
  if (x.length !== n) throw new Error(`${path}: length prefix ${n} ≠ inflated ${x.length}`);
  return x.toString('utf8');
}

/** The head's tempo, time signature, and why the project is refused (tempo automated) or keeps its own tempo only (tempo-bound audio). */
export function projectTempo(xml: string): { bpm: number; num: number; den: number; refused?: string; ownOnly?: string } {
  const head = /<head\b[^>]*>/.exec(xml)?.[0];
  if (!head) throw new Error('no <head>');
  const attr = (k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(head)?.[1];
  const headBody = /<head\b[^>]*[^/]>([\s\S]*?)<\/head>/.exec(xml)?.[1] ?? '';
  const bpmEl = /<bpm\b[^>]*>/.exec(headBody)?.[0];
  let bpm = Number(attr('bpm'));
  let refused: string | undefined;
  if (bpmEl) {
    bpm = Number(/\bvalue="([^"]*)"/.exec(bpmEl)?.[1]);
    const id = /\bid="([^"]*)"/.exec(bpmEl)?.[1];
    if (id && new RegExp(`<object\\b[^>]*\\bid="${id}"`).test(xml)) refused = 'tempo automated';
    else refused = 'tempo stored as an automatable element';
  }
  if (!Number.isFinite(bpm) || bpm <= 0) refused = 'no bpm';
  let ownOnly: string | undefined;
  if (/src="beats\//.test(xml)) ownOnly = 'plays a loop sample (beats/)';
  if (/<sampletco\b[^>]*\bsrc="[^"]+"/.test(xml)) ownOnly = 'plays a sample track clip';
  return { bpm, num: Number(attr('timesig_numerator') ?? 4), den: Number(attr('timesig_denominator') ?? 4), refused, ownOnly };
}

/** The XML with the head's bpm attribute set to `bpm` (throws where there is none to set). */
export function withTempo(xml: string, bpm: number): string {
  let done = 0;
  const out = xml.replace(/<head\b[^>]*>/, (h) => h.replace(/\bbpm="[^"]*"/, () => (done++, `bpm="${bpm}"`)));
  if (done !== 1) throw new Error('no bpm attribute in <head>');
  return out;
}

/** LMMS 1.2 ticks per bar: 48 per quarter note (MidiTime::ticksPerTact for the project's time signature) */
export const ticksPerBar = (num: number, den: number) => Math.round((48 * 4 * num) / den);

const attrsOf = (tag: string) => Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
const setAttr = (tag: string, k: string, v: number) => (new RegExp(`\\b${k}="`).test(tag) ? tag.replace(new RegExp(`\\b${k}="[^"]*"`), `${k}="${v}"`) : tag.replace(/^<(\w+)/, `<$1 ${k}="${v}"`));

/** The song's length in ticks: the largest end (pos + len) of a song-level clip (pattern, beat/bassline clip, automation). */
export function songTicks(xml: string): number {
  const song = xml.replace(/<bbtrack>[\s\S]*?<\/bbtrack>/g, '');
  let end = 0;
  for (const m of song.matchAll(/<(?:pattern|bbtco|automationpattern|sampletco)\b[^>]*>/g)) {
    const a = attrsOf(m[0]);
    if (a.pos != null && a.len != null) end = Math.max(end, Number(a.pos) + Number(a.len));
  }
  return end;
}

/** Length in ticks of each beat/bassline column (LMMS lengthOfBB: the longest clip of that column, up to a full bar). */
export function bbLengths(xml: string, tpb: number): number[] {
  const bb = /<bbtrack>([\s\S]*?)<\/bbtrack>/.exec(xml)?.[1] ?? '';
  const out: number[] = [];
  for (const m of bb.matchAll(/<(?:pattern|automationpattern|sampletco)\b[^>]*>/g)) {
    const a = attrsOf(m[0]);
    if (a.pos == null || a.len == null) continue;
    const col = Math.round(Number(a.pos) / tpb);
    out[col] = Math.max(out[col] ?? tpb, Math.ceil(Number(a.len) / tpb) * tpb);
  }
  return out;
}

/**
 * The project cut to the song window [o, e) ticks, moved to start at 0, so LMMS renders only that window (a render is
 * as long as the song, and some synthesisers render slower than real time on a busy machine). Song-level clips outside
 * the window are removed, those crossing its end shortened; a clip crossing its start: a pattern loses the notes that
 * start before o (the rest moved back), an automation clip keeps the value it had at o, and a beat/bassline clip keeps
 * its loop's phase (LMMS plays a B/B column from the clip's start modulo the column's length, so the clip is moved to
 * (pos − o) mod that length ≥ 0: silent at most one column length — render a pre-roll that long before the part kept).
 * The beat/bassline editor's own patterns (inside <bbtrack>) are not touched.
 */
export function cutProject(xml: string, o: number, e: number, tpb: number): string {
  const L = bbLengths(xml, tpb);
  const bbBlock = /<bbtrack>[\s\S]*?<\/bbtrack>/.exec(xml)?.[0];
  const masked = bbBlock ? xml.replace(bbBlock, '<BBTRACK-BLOCK/>') : xml;
  let bbIndex = 0;
  const cutTrack = (track: string, type: string, idx: number) =>
    track.replace(/<(pattern|automationpattern|bbtco|sampletco)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g, (whole, tag: string, at: string, _close: string, body: string | undefined) => {
      const open = `<${tag}${at}>`;
      const a = attrsOf(open);
      if (a.pos == null) return whole;
      const pos = Number(a.pos);
      const len = Number(a.len ?? 0);
      if (pos >= e || pos + len <= o) return '';
      const end = Math.min(pos + len, e);
      let newPos = pos - o;
      let inner = body;
      if (newPos < 0) {
        if (tag === 'bbtco') {
          const l = type === '1' ? (L[idx] ?? tpb) : tpb;
          newPos = (((pos - o) % l) + l) % l;
        } else if (tag === 'pattern') {
          const d = o - pos;
          inner = (body ?? '').replace(/<note\b[^>]*\/>/g, (n) => {
            const p = Number(attrsOf(n).pos);
            return p < d ? '' : setAttr(n, 'pos', p - d);
          });
          newPos = 0;
        } else if (tag === 'automationpattern') {
          const d = o - pos;
          const times = [...(body ?? '').matchAll(/<time\b[^>]*\/>/g)].map((m) => m[0]);
          const before = times.filter((t) => Number(attrsOf(t).pos) <= d).pop();
          inner = (body ?? '').replace(/<time\b[^>]*\/>/g, (t) => {
            const p = Number(attrsOf(t).pos);
            if (t === before) return setAttr(t, 'pos', 0);
            return p < d ? '' : setAttr(t, 'pos', p - d);
          });
          newPos = 0;
        } else return '';
      }
      const newLen = end - o - newPos;
      if (newLen <= 0) return '';
      // LMMS derives a pattern's and an automation clip's length from its notes / points on load, not from `len`:
      // drop what lies past the clip's new end (an automation clip keeps its first point)
      if (inner != null && tag === 'pattern') inner = inner.replace(/<note\b[^>]*\/>/g, (n) => (Number(attrsOf(n).pos) >= newLen ? '' : n));
      if (inner != null && tag === 'automationpattern') {
        let kept = 0;
        inner = inner.replace(/<time\b[^>]*\/>/g, (t) => (Number(attrsOf(t).pos) >= newLen && kept > 0 ? '' : (kept++, t)));
      }
      const tagOut = setAttr(setAttr(open, 'pos', newPos), 'len', newLen);
      return inner == null ? tagOut.replace(/>$/, '/>') : `${tagOut}${inner}</${tag}>`;
    });
  const out = masked.replace(/(<track\b[^>]*>)([\s\S]*?<\/track>)/g, (_w, head: string, rest: string) => {
    const type = attrsOf(head).type ?? '0';
    const idx = type === '1' ? bbIndex++ : -1;
    return head + cutTrack(rest, type, idx);
  });
  return bbBlock ? out.replace('<BBTRACK-BLOCK/>', bbBlock) : out;
}

/** a small seeded generator (mulberry32) from a string */
function rng(seed: string): () => number {
  let a = 0;
  for (const c of seed) a = (Math.imul(a, 31) + c.charCodeAt(0)) | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** bands the new tempi are drawn from: one slow, one middle, two fast */
export const TEMPO_BANDS: [number, number][] = [[70, 95], [100, 150], [165, 200], [165, 200]];

/** The tempi a project is rendered at: its own, then one per band (integers, ≥ 8 BPM from each other), seeded by the name. */
export function tempiOf(name: string, own: number, ownOnly: boolean): number[] {
  const out = [own];
  if (ownOnly) return out;
  const r = rng(name);
  for (const [lo, hi] of TEMPO_BANDS) {
    for (let k = 0; k < 50; k++) {
      const t = Math.round(lo + r() * (hi - lo));
      if (out.every((u) => Math.abs(u - t) >= 8)) {
        out.push(t);
        break;
      }
    }
  }
  return out;
}

export const kindOf = (bpm: number): LmmsItem['kind'] => (bpm > 160 ? 'fast' : bpm < 95 ? 'slow' : 'mid');

const stemOf = (p: string) => basename(p).replace(/\.mmpz?$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function duration(file: string): number {
  return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).toString().trim());
}

/**
 * Acc1 / Acc2 of tempo-lmms per kind (fast, slow, mid by the written tempo; intro, middle by the excerpt) for each pick
 * a row of octave-net.ts (run with --soft) holds: `chooser` (the shipped analyser, tempo analyser 15: estimateTempo with
 * LEVEL_TUNING on the file's envelopes, as TempoAnalyser.finish) and `shipped` (OCTAVE_MODEL's pick), plus every miss.
 */
export function scoreRows(rowsFile: string, manifestFile: string, keys: string[] = ['chooser', 'shipped']): string[] {
  const man = new Map((JSON.parse(readFileSync(manifestFile, 'utf8')).items as LmmsItem[]).map((i) => [i.file, i]));
  const rows = (JSON.parse(readFileSync(rowsFile, 'utf8')) as Record<string, unknown>[]).filter((r) => r.set === 'lmms' && !r.aug);
  const out: string[] = [];
  for (const key of keys) {
    const t: Record<string, [number, number, number]> = {};
    for (const r of rows) {
      const it = man.get(r.file as string)!;
      const e = r[key] as number | null;
      for (const k of ['all', it.kind, it.excerpt, `${it.kind}/${it.excerpt}`, it.bpm === it.ownBpm ? 'own tempo' : 'new tempo']) {
        const a = (t[k] ??= [0, 0, 0]);
        a[0] += +acc1(e, it.bpm);
        a[1] += +acc2(e, it.bpm);
        a[2]++;
      }
    }
    out.push(`${key}: ` + ['all', 'fast', 'mid', 'slow', 'intro', 'middle', 'own tempo', 'new tempo', 'fast/intro', 'fast/middle', 'mid/intro', 'mid/middle', 'slow/intro', 'slow/middle'].filter((k) => t[k]).map((k) => `${k} ${t[k][0]}/${t[k][2]} (Acc2 ${t[k][1]})`).join(' | '));
  }
  for (const r of rows) {
    const it = man.get(r.file as string)!;
    if (!acc1(r[keys[0]] as number, it.bpm)) out.push(`  miss ${it.file.padEnd(52)} truth ${it.bpm} ${keys[0]} ${(r[keys[0]] as number | null)?.toFixed(1)} ×${((r[keys[0]] as number) / it.bpm).toFixed(2)}`);
  }
  return out;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/tempo-lmms' }, 'plan-only': { type: 'boolean', default: false }, score: { type: 'string' }, reverse: { type: 'boolean', default: false }, manifest: { type: 'string', default: 'manifest.json' } } });
  if (args.score) {
    for (const l of scoreRows(args.score, join(args.out!, 'manifest.json'))) console.log(l);
    return;
  }
  const OUT = args.out!;
  const SEC = 30;
  const projects: string[] = JSON.parse(readFileSync(SPLIT_FILE, 'utf8')).split.dev;
  // --reverse --manifest M: a second process rendering from the other end (work files named by pid, MP3s renamed into
  // place when whole); a last plain run, which finds every MP3 made, writes the full manifest.json
  if (args.reverse) projects.reverse();
  const work = join(OUT, 'work');
  mkdirSync(join(OUT, 'lmms'), { recursive: true });
  mkdirSync(work, { recursive: true });
  const items: LmmsItem[] = [];
  const save = () => writeFileSync(join(OUT, args.manifest!), JSON.stringify({ sec: SEC, rule: 'tools/eval/lmms-set.ts', split: SPLIT_FILE, items }, null, 1));
  for (const p of projects) {
    const xml = readProject(p);
    const t = projectTempo(xml);
    const stem = stemOf(p);
    if (t.refused) {
      console.log(`refused ${p}: ${t.refused}`);
      continue;
    }
    const tempi = tempiOf(stem, t.bpm, !!t.ownOnly);
    console.log(`${stem}: own ${t.bpm} BPM ${t.num}/${t.den}, tempi ${tempi.join(' ')}${t.ownOnly ? ` (own only: ${t.ownOnly})` : ''}`);
    if (args['plan-only']) continue;
    const tpb = ticksPerBar(t.num, t.den);
    const T = songTicks(xml);
    const maxBB = Math.max(tpb, ...bbLengths(xml, tpb).filter((x) => x != null));
    for (const bpm of tempi) {
      const spt = 60 / (bpm * 48);
      const W = Math.ceil((SEC + 0.5) / spt / tpb) * tpb;
      for (const ex of ['intro', 'middle'] as const) {
        if (ex === 'middle' && T * spt < 45) continue;
        const S = ex === 'intro' ? 0 : Math.max(tpb, Math.floor((T / 2 - W / 2) / tpb) * tpb);
        const O = ex === 'intro' ? 0 : Math.max(0, S - Math.min(maxBB, 4 * tpb));
        const E = Math.min(S + W, Math.ceil(T / tpb) * tpb);
        const base = `lm-${stem}-${bpm}-${ex}`;
        const file = `${base}.mp3`;
        const start = Math.round(S * spt * 1000) / 1000;
        if (!existsSync(join(OUT, 'lmms', file))) {
          const mmp = join(work, `${base}-${process.pid}.mmp`);
          const wav = join(work, `${base}-${process.pid}.wav`);
          writeFileSync(mmp, cutProject(withTempo(xml, bpm), O, E, tpb));
          const t0 = Date.now();
          // LMMS 1.2 on a fresh machine segfaulted on its first render (session 19: it writes ~/.lmmsrc.xml then); the
          // next run renders, so a render killed by a signal is tried once more
          const render = () => execFileSync('lmms', ['--allowroot', '-r', mmp, '-o', wav, '-f', 'wav', '-x', '1'], { env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' }, stdio: 'ignore' });
          try {
            render();
          } catch (e) {
            if (!(e as { signal?: string }).signal) throw e;
            console.log(`  ${base}: lmms was killed by ${(e as { signal?: string }).signal}; rendering once more`);
            render();
          }
          const pre = (S - O) * spt;
          execFileSync('ffmpeg', ['-v', 'error', '-y', '-threads', '1', '-ss', String(pre), '-t', String(SEC), '-i', wav, '-ac', '2', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', join(OUT, 'lmms', `${file}.part`)]);
          renameSync(join(OUT, 'lmms', `${file}.part`), join(OUT, 'lmms', file));
          console.log(`  ${file}: window ${O}–${E} ticks of ${T}, pre-roll ${pre.toFixed(1)} s, rendered ${duration(wav).toFixed(1)} s in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
          rmSync(wav);
          rmSync(mmp);
        }
        const kind = kindOf(bpm);
        items.push({
          set: 'lmms', file, source: `lmms:${stem}`, group: `lmms:${stem}`, project: p, ownBpm: t.bpm, kind, excerpt: ex, start,
          category: kind === 'fast' ? 'fast' : ex === 'intro' ? 'intro' : 'pop4',
          bpm, meter: t.num, meterClass: t.num % 4 === 0 || t.num === 2 ? '4/4' : t.num === 3 ? '3/4' : 'odd',
          sourceKind: 'lmms', key: null, keyTrusted: false, soundfont: null, stretch: 1, shift: 0, introSec: 0,
        });
        save();
      }
    }
  }
  save();
  console.log(`${items.length} files; ${Object.entries(items.reduce<Record<string, number>>((a, i) => ((a[`${i.kind}/${i.excerpt}`] = (a[`${i.kind}/${i.excerpt}`] ?? 0) + 1), a), {})).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
