/**
 * The library as a rekordbox XML collection ("DJ_PLAYLISTS" version 1.0.0): what rekordbox reads through its
 * "rekordbox xml" library view (Preferences › Advanced › Database › rekordbox xml; then "Import to collection"), and
 * what DJ tools that read rekordbox's collection export take. Layout and attribute meanings follow Pioneer DJ's
 * published "rekordbox XML format" list (cdn.rekordbox.com xml_format_list.pdf, 2020): COLLECTION/TRACK with the
 * file's `Location` as a `file://localhost/` URL, `AverageBpm`, `Tonality`; a TEMPO child for the beat grid
 * (`Inizio`: a beat's time in seconds, `Bpm`, `Metro`: the meter "4/4" / "3/4", `Battito`: that beat's number in its
 * bar, 1 = the downbeat); POSITION_MARK children for cues (`Type` 0 cue, 4 loop; `Num` −1 a memory cue, 0–7 hot cue
 * A–H; `Start`/`End` in seconds); PLAYLISTS/NODE for playlists (`Type` 0 folder, 1 playlist; `KeyType` 0: entries
 * name a TrackID).
 *
 * Pure: `rekordboxXml` takes what the library service gathered (rows, beats, marks, crates) and returns the text;
 * `rekordboxGrid` is the beat grid's arithmetic.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { extname } from 'node:path';
import { parseKeyName } from '@contract';

/** One track of the collection, as the export gathered it. Times in seconds, tempo in BPM. */
export interface RekordboxTrack {
  /** absolute path of the file */
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  year: number | null;
  /** seconds (rekordbox keeps whole seconds; it needs the length to place cues) */
  durationSec: number | null;
  sizeBytes: number | null;
  bitrateKbps: number | null;
  sampleRate: number | null;
  /** the tempo as the library shows it (folded into the BPM range); null where none or uncertain: rekordbox analyses it then */
  bpm: number | null;
  /** the beat grid (rekordboxGrid's); empty where the tempo is null or uncertain */
  grid: RekordboxTempo[];
  /** the key as the studio names it ("A minor", "Eb major"); null where none or uncertain */
  key: string | null;
  /** hot cues 1–8 (rekordbox A–H), seconds */
  cues: { slot: number; timeSec: number }[];
  /** named regions: memory cues at their start, named */
  regions: { name: string; startSec: number; endSec: number }[];
  /** the track's loop: a memory loop */
  loop: { startSec: number; endSec: number } | null;
  /**
   * seconds added to every time written (grid, cues, regions, loop): where rekordbox's timeline of the file runs later
   * than the studio's (ffmpeg's, gapless) — rekordboxShiftSec; 0 or absent elsewhere
   */
  shiftSec?: number;
}

/**
 * How much later rekordbox places a moment of a file than the studio does, in seconds: 0.026 for an MP3 of
 * mp3guessenc's timing-shift case D (structure.ts mp3TimingCase: a LAME tag whose CRC checks — the common
 * LAME-encoded MP3 — or a Fraunhofer VBRI header), else 0. The studio decodes as ffmpeg does (gapless: a LAME file's
 * encoder delay and the decoder's 529 samples cut from the start); rekordbox has not played LAME-encoded MP3s gapless
 * since 1.5.4 (its release notes), so the same beat sits later on its timeline. The figure and the cases follow Mixxx,
 * which moves rekordbox's cues and grids by them when its FFmpeg decoder reads them (src/library/rekordbox/
 * rekordboxfeature.cpp, RekordboxPlaylistModel::getTrack: case D 26 ms, cases A–C 0), from the research behind it
 * ("the 26 ms problem", digital-dj-tools/dj-data-converter#3). Not measured against rekordbox itself (it does not run
 * here). AAC/MP4: Mixxx shifts them (48 ms) only for macOS's CoreAudio decoder, not for FFmpeg's: 0.
 * @param file `path` (its extension) and `timingCase`, mp3TimingCaseOf's; null where it has none
 */
export function rekordboxShiftSec(file: { path: string; timingCase: 'A' | 'B' | 'C' | 'D' | null }): number {
  return extname(file.path).toLowerCase() === '.mp3' && file.timingCase === 'D' ? 0.026 : 0;
}

/** A TEMPO element: from `inizio` (s) the grid runs at `bpm`; `battito` (1 … beats in `metro`) is the beat at `inizio`. */
export interface RekordboxTempo {
  inizio: number;
  bpm: number;
  metro: '4/4' | '3/4';
  battito: number;
}

/** rekordbox's own key names (its Tonality column): sharps only for F#/F#m, flats otherwise (Dbm, Abm, Ebm, Bbm). */
const RB_MAJOR = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
const RB_MINOR = ['Cm', 'Dbm', 'Dm', 'Ebm', 'Em', 'Fm', 'F#m', 'Gm', 'Abm', 'Am', 'Bbm', 'Bm'];

/** "A minor" / "C# minor" / "Eb major" (any form parseKeyName reads) → rekordbox's Tonality ("Am", "Dbm", "Eb"); null when not a key. */
export function rekordboxTonality(key: string): string | null {
  const k = parseKeyName(key);
  return k ? (k.minor ? RB_MINOR : RB_MAJOR)[k.pc] : null;
}

/**
 * The beat grid of a track for rekordbox: one TEMPO (a fixed grid, as DJ software keeps one for a steady track) at
 * the tempo the library shows, its period and phase fitted to the tempo analyser's beats.
 * - `beats`: beat times (s, ascending) from the beat tracker at the analysed tempo `analysedBpm`; `beatsPerBar` 3 or 4
 *   (null: 4/4 assumed); `downbeat`: index in `beats` of the first downbeat (beat-grid.ts downbeatPhase; null: the
 *   first beat).
 * - `bpm`: the tempo shown — the analysed one, or it doubled / halved into the user's BPM range: the grid runs at that
 *   rate's factor of the beats' own tempo (so AverageBpm, written as the grid's Bpm, and the grid agree, as in
 *   rekordbox's own analysis), through the same downbeats.
 * The period is a least-squares line through the beats (beatLine), not `analysedBpm`: the analysis states its tempo to
 * 0.1 BPM, and a grid at 123.4 for a 123.37 BPM track is 40 ms off the beats at either end of 5 minutes. A beat the
 * tracker skipped or added moves no other; where the analysed tempo is within GRID_SNAP_SEC of that line by either end,
 * it is kept (the grid's Bpm then reads as the table's). Bpm is written to 0.01 (rekordbox's precision) and the grid
 * anchored on the downbeat nearest the middle of the beats, so that rounding's drift is split between the ends; Inizio
 * is the first grid beat at or after 0 s, Battito its number in the bar. Returns [] with no beat. A track whose tempo changes gets no
 * grid from the export (its beats keep the whole-track tempo: a fixed grid would drift off its sections); that choice is
 * the caller's.
 */
export function rekordboxGrid(beats: readonly number[], analysedBpm: number, bpm: number, beatsPerBar: 3 | 4 | null, downbeat: number | null): RekordboxTempo[] {
  if (!beats.length || !(analysedBpm > 0) || !(bpm > 0)) return [];
  const bpb = beatsPerBar ?? 4;
  const { period: p, index } = beatLine(beats, 60 / analysedBpm);
  // the downbeat's beat number on the line, then the bar line nearest the middle of the beats
  const d0 = Math.min(Math.max(0, downbeat ?? 0), beats.length - 1);
  const dn = Math.round((beats[d0] - index.at0) / p);
  const mid = Math.round((beats[Math.floor(beats.length / 2)] - index.at0) / p);
  const down = index.at0 + (dn + Math.round((mid - dn) / bpb) * bpb) * p;
  // the shown tempo is the analysed one × 2ⁿ: the grid at the beats' own tempo × that factor — or at the tempo shown
  // where that keeps the grid within GRID_SNAP_SEC of the fitted line by either end of the beats (the fit of a short
  // track's jittered beats reads 123.99 for a 124 the table shows)
  const ends = Math.max(Math.abs(beats[0] - down), Math.abs(beats[beats.length - 1] - down)) / p;
  const gridBpm = Math.abs(60 / analysedBpm - p) * ends <= GRID_SNAP_SEC ? round2(bpm) : round2((60 / p) * (bpm / analysedBpm));
  const q = 60 / gridBpm;
  // back from the downbeat by whole grid beats to the first at or after 0 s
  const k = Math.floor(down / q + 1e-9);
  return [{ inizio: round3(down - k * q), bpm: gridBpm, metro: bpb === 3 ? '3/4' : '4/4', battito: mod(-k, bpb) + 1 }];
}

/**
 * The straight line through beat times: `period` (s) and `index.at0` (the time of a beat of the line, s) by least
 * squares over the beats numbered on it. It starts at `p0` (s), in the phase of the circular mean of the beats within
 * 200 periods of the middle one (a stray beat moves it little), numbers each beat there by the nearest whole count of
 * periods, leaves out a beat more than a quarter period off the line (an added off-beat, an intro's noise) or on a
 * number already taken, and fits; then the same over twice the span, with the line fitted, until all the beats are in
 * and no more are taken (`p0` stated to 0.1 BPM drifts past a quarter period within minutes; a line fitted over a span
 * reaches well past it). The fitted period is kept within 2 % of `p0`. Fewer than 2 beats: `p0`.
 */
export function beatLine(beats: readonly number[], p0: number): { period: number; index: { at0: number } } {
  if (beats.length < 2) return { period: p0, index: { at0: beats[0] ?? 0 } };
  const mid = beats[Math.floor(beats.length / 2)];
  const span = Math.max(mid - beats[0], beats[beats.length - 1] - mid);
  let p = p0;
  let cs = 0;
  let sn = 0;
  for (const t of beats) {
    if (Math.abs(t - mid) > 200 * p0) continue;
    cs += Math.cos((2 * Math.PI * t) / p0);
    sn += Math.sin((2 * Math.PI * t) / p0);
  }
  let c = mod((Math.atan2(sn, cs) / (2 * Math.PI)) * p0, p0);
  // numbered from the middle beat's line (small numbers)
  c += Math.round((mid - c) / p) * p;
  let kept = 0;
  for (let w = 200 * p0, round = 0; round < 24; round++) {
    let Sn = 0, Sb = 0, Snn = 0, Snb = 0, count = 0;
    let last = -Infinity;
    for (const b of beats) {
      if (Math.abs(b - mid) > w) continue;
      const n = Math.round((b - c) / p);
      if (n <= last || Math.abs(b - c - n * p) > p / 4) continue;
      last = n;
      Sn += n; Sb += b; Snn += n * n; Snb += n * b; count++;
    }
    const den = count * Snn - Sn * Sn;
    if (count < 2 || !(den > 0)) break;
    const fit = (count * Snb - Sn * Sb) / den;
    if (Math.abs(fit / p0 - 1) > 0.02) break;
    p = fit;
    c = (Sb - p * Sn) / count;
    if (w >= span && count <= kept) break;
    kept = count;
    w *= 2;
  }
  return { period: p, index: { at0: c } };
}

/** the grid at the analysed tempo where that is at most this far (s) off the beats' fitted line at either end */
const GRID_SNAP_SEC = 0.005;

/** A playlist: a crate, its tracks (indices into the collection) in crate order. */
export interface RekordboxPlaylist {
  name: string;
  tracks: number[];
}

/** rekordbox's file kinds by extension; others as "<EXT> File" */
const KIND: Record<string, string> = { '.mp3': 'MP3 File', '.m4a': 'M4A File', '.mp4': 'M4A File', '.aac': 'AAC File', '.wav': 'WAV File', '.aif': 'AIFF File', '.aiff': 'AIFF File', '.flac': 'FLAC File', '.ogg': 'OGG File' };

/**
 * The rekordbox XML document (UTF-8 text with its declaration) of `tracks` and `playlists` (each a crate; under one
 * ROOT folder). TrackIDs are 1 … n in `tracks`' order. Text from tags is written as it is, less the characters XML 1.0
 * cannot hold (control characters). `product`: the PRODUCT element (name, version).
 */
export function rekordboxXml(tracks: readonly RekordboxTrack[], playlists: readonly RekordboxPlaylist[], product: { name: string; version: string; company: string }): string {
  const { DOMImplementation, XMLSerializer } = createRequire(import.meta.url)('@xmldom/xmldom') as XmlDom;
  const doc = new DOMImplementation().createDocument(null, 'DJ_PLAYLISTS', null);
  const root = doc.documentElement;
  const el = (parent: XmlElement, name: string, attrs: Record<string, string | number | null | undefined>): XmlElement => {
    const e = doc.createElement(name);
    for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) e.setAttribute(k, xmlText(String(v)));
    parent.appendChild(e);
    return e;
  };
  root.setAttribute('Version', '1.0.0');
  el(root, 'PRODUCT', { Name: product.name, Version: product.version, Company: product.company });
  const collection = el(root, 'COLLECTION', { Entries: tracks.length });
  tracks.forEach((t, i) => {
    const e = el(collection, 'TRACK', {
      TrackID: i + 1,
      Name: t.title ?? fileStem(t.path),
      Artist: t.artist,
      Album: t.album,
      Genre: t.genre,
      Kind: KIND[extname(t.path).toLowerCase()] ?? `${extname(t.path).slice(1).toUpperCase() || 'Audio'} File`,
      Size: t.sizeBytes,
      TotalTime: t.durationSec === null ? null : Math.round(t.durationSec),
      Year: t.year,
      // the grid's own tempo where there is one (fitted to the beats, rekordboxGrid): rekordbox's analysis has them agree
      AverageBpm: t.grid.length ? t.grid[0].bpm.toFixed(2) : t.bpm === null ? null : t.bpm.toFixed(2),
      BitRate: t.bitrateKbps === null ? null : Math.round(t.bitrateKbps),
      SampleRate: t.sampleRate,
      Tonality: t.key === null ? null : rekordboxTonality(t.key),
      Location: rekordboxLocation(t.path),
    });
    // every time on rekordbox's timeline of the file (rekordboxShiftSec)
    const at = (sec: number) => (sec + (t.shiftSec ?? 0)).toFixed(3);
    for (const g of t.grid) el(e, 'TEMPO', { Inizio: at(g.inizio), Bpm: g.bpm.toFixed(2), Metro: g.metro, Battito: g.battito });
    for (const c of [...t.cues].sort((a, b) => a.slot - b.slot)) el(e, 'POSITION_MARK', { Name: '', Type: 0, Start: at(c.timeSec), Num: c.slot - 1 });
    for (const r of t.regions) el(e, 'POSITION_MARK', { Name: r.name, Type: 0, Start: at(r.startSec), Num: -1 });
    if (t.loop) el(e, 'POSITION_MARK', { Name: '', Type: 4, Start: at(t.loop.startSec), End: at(t.loop.endSec), Num: -1 });
  });
  const lists = el(root, 'PLAYLISTS', {});
  const top = el(lists, 'NODE', { Type: 0, Name: 'ROOT', Count: playlists.length });
  for (const p of playlists) {
    const node = el(top, 'NODE', { Name: p.name, Type: 1, KeyType: 0, Entries: p.tracks.length });
    for (const i of p.tracks) el(node, 'TRACK', { Key: i + 1 });
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}\n`;
}

/**
 * A file's Location as rekordbox writes it: "file://localhost" and the path as a file URL's (UTF-8, percent-encoded:
 * "/Music/Café del Mar.mp3" → "file://localhost/Music/Caf%C3%A9%20del%20Mar.mp3"; Windows "C:\\Music\\a.mp3" →
 * "file://localhost/C:/Music/a.mp3", on Windows).
 */
export function rekordboxLocation(path: string): string {
  return pathToFileURL(path).href.replace(/^file:\/\/\//, 'file://localhost/');
}

/** text with the characters XML 1.0 cannot hold (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates) removed */
export function xmlText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

const fileStem = (path: string) => path.split(/[\\/]/).pop()!.replace(/\.[^.]+$/, '');
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const mod = (a: number, n: number) => ((a % n) + n) % n;

/** the parts of @xmldom/xmldom used here (its own type declarations pull in TypeScript's "dom" library; see playlists.ts) */
interface XmlElement {
  setAttribute(name: string, value: string): void;
  appendChild(child: XmlElement): XmlElement;
}
interface XmlDom {
  DOMImplementation: new () => { createDocument(ns: null, name: string, doctype: null): { documentElement: XmlElement; createElement(name: string): XmlElement } };
  XMLSerializer: new () => { serializeToString(doc: unknown): string };
}
