// LMMS project files (.mmp: XML; .mmpz: the same XML zlib-compressed after a 4-byte big-endian length) for the
// evaluation sets: the truth an LMMS demo project states (tempo, time signature), where its drums come in, and a
// windowed copy of the song (a stretch of bars moved to the song's start, at any tempo) so that LMMS renders only the
// bars an excerpt needs. Used by heldout3-set.ts. LMMS (Debian `lmms`, 1.2) counts time in ticks: 48 a quarter note,
// 192 × numerator / denominator a bar; its tempo is in quarter notes a minute whatever the time signature.
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/** LMMS ticks per quarter note */
export const LMMS_TICKS_PER_QUARTER = 48;

/**
 * The XML text of an LMMS project file: an .mmpz is a 4-byte big-endian length of the XML followed by its zlib stream
 * (Qt's qCompress); an .mmp is the XML itself. Throws when a compressed file inflates to another length than it
 * states, or when the result is not an LMMS project.
 */
export function lmmsXml(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let xml: string;
  if (b.length > 6 && b[4] === 0x78) {
    // qCompress: length, then a zlib header (0x78 …)
    const out = inflateSync(b.subarray(4));
    const stated = b.readUInt32BE(0);
    if (out.length !== stated) throw new Error(`mmpz states ${stated} bytes of XML, inflates to ${out.length}`);
    xml = out.toString('utf8');
  } else xml = b.toString('utf8');
  if (!/<lmms-project[\s>]/.test(xml)) throw new Error('not an LMMS project (no <lmms-project>)');
  return xml;
}

/** An XML element of the small tree below: its name, attributes and where its text lies in the document. */
export interface XmlEl {
  name: string;
  attrs: Record<string, string>;
  /** index of '<' of its start tag */
  start: number;
  /** index just after its end tag (or of its self-closing start tag) */
  end: number;
  children: XmlEl[];
}

/**
 * A small XML tree of `xml` (elements and attributes only: text, comments, CDATA and processing instructions are
 * skipped). Enough for LMMS's files, whose attribute values escape '<' and '>'. Throws on an unbalanced document.
 */
export function xmlTree(xml: string): XmlEl {
  const root: XmlEl = { name: '#document', attrs: {}, start: 0, end: xml.length, children: [] };
  const stack: XmlEl[] = [root];
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (!m[2]) continue;
    if (m[1]) {
      const el = stack.pop();
      if (!el || el.name !== m[2]) throw new Error(`unbalanced </${m[2]}> at ${m.index}`);
      el.end = m.index + m[0].length;
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]] = a[2] ?? a[3];
    const el: XmlEl = { name: m[2], attrs, start: m.index, end: m.index + m[0].length, children: [] };
    stack[stack.length - 1].children.push(el);
    if (!m[4]) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  return root;
}

/** the start tag at the head of `text` (attribute values may hold '>': LMMS writes "Amplifier>>Volume") */
const openTag = (text: string): string => (text.match(/^<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*\/?>/) ?? [''])[0];

const child = (el: XmlEl | undefined, name: string) => el?.children.find((c) => c.name === name);
/** the song editor's tracks (lmms-project > song > trackcontainer > track), not a Beat/Bassline track's own ones */
export function songTracks(tree: XmlEl): XmlEl[] {
  return child(child(child(tree, 'lmms-project'), 'song'), 'trackcontainer')?.children.filter((c) => c.name === 'track') ?? [];
}

/** the clips a song track places on the timeline (notes, Beat/Bassline, sample and automation clips) */
const CLIPS = new Set(['pattern', 'bbtco', 'sampletco', 'automationpattern']);

/** a clip's start and end in ticks (a note clip's length: its last note's end) */
export function clipSpan(c: XmlEl): [number, number] {
  const pos = Number(c.attrs.pos ?? 0);
  if (c.attrs.len != null) return [pos, pos + Number(c.attrs.len)];
  const ends = c.children.filter((n) => n.name === 'note').map((n) => Number(n.attrs.pos) + Math.max(0, Number(n.attrs.len)));
  return [pos, pos + Math.max(0, ...ends)];
}

/**
 * Whether a song track plays drums: a Beat/Bassline track (type 1: LMMS's drum-machine tracks), or an instrument
 * track (type 0) of AudioFileProcessor playing a file of LMMS's drums/ or drumsynth/ folders (not drumsynth/misc_fx,
 * effects), or a Kicker named as a drum (kick, snare, hat, clap, drum, perc).
 */
export function isDrumTrack(t: XmlEl): boolean {
  if (t.attrs.type === '1') return true;
  if (t.attrs.type !== '0') return false;
  const inst = child(child(t, 'instrumenttrack'), 'instrument');
  if (inst?.attrs.name === 'audiofileprocessor') {
    const src = child(inst, 'audiofileprocessor')?.attrs.src ?? '';
    return /^(drums|drumsynth)\//.test(src) && !/^drumsynth\/misc_fx\//.test(src);
  }
  if (inst?.attrs.name === 'kicker') return /kick|kik|kix|snare|hat|clap|drum|perc/i.test(t.attrs.name ?? '');
  return false;
}

/** An LMMS project's truth and layout. */
export interface LmmsProject {
  path: string;
  /** the project's tempo: quarter notes a minute (<head bpm>) */
  bpm: number;
  num: number;
  den: number;
  /** quarter notes a bar (num × 4 / den; LMMS's 1/1 is a bar of 4 quarters) */
  meter: number;
  /** the song's length in ticks (the last clip's end) */
  songTicks: number;
  /** the first tick a drum clip (isDrumTrack, not muted) starts at; null: no drum track plays */
  firstDrumTick: number | null;
}

/**
 * Reads an LMMS project's truth: <head bpm timesig_numerator timesig_denominator>, its length and where its drums come
 * in. Returns { reason } for a project whose tempo or time signature is automated or controlled (LMMS then saves the
 * model as a child element of <head> with an id that an automation clip or controller names: the tempo changes), or
 * whose bar is not a whole number of quarter notes (x/8).
 */
export function readLmmsProject(path: string, bytes: Uint8Array = readFileSync(path)): LmmsProject | { reason: string } {
  const tree = xmlTree(lmmsXml(bytes));
  const head = child(child(tree, 'lmms-project'), 'head');
  if (!head) return { reason: 'no <head>' };
  for (const m of ['bpm', 'timesig_numerator', 'timesig_denominator'])
    if (child(head, m)) return { reason: `its ${m} is automated or controlled (<head><${m}>): the tempo or meter changes` };
  const bpm = Number(head.attrs.bpm);
  const num = Number(head.attrs.timesig_numerator ?? 4);
  const den = Number(head.attrs.timesig_denominator ?? 4);
  if (!(bpm > 0)) return { reason: `no tempo (bpm="${head.attrs.bpm}")` };
  const meter = (num * 4) / den;
  if (!Number.isInteger(meter)) return { reason: `${num}/${den}: a bar is no whole number of quarter notes` };
  let songTicks = 0;
  let firstDrumTick: number | null = null;
  for (const t of songTracks(tree)) {
    for (const c of t.children.filter((x) => CLIPS.has(x.name))) {
      const [s, e] = clipSpan(c);
      songTicks = Math.max(songTicks, e);
      if (t.attrs.muted !== '1' && c.attrs.muted !== '1' && c.name !== 'automationpattern' && e > s && isDrumTrack(t)) firstDrumTick = Math.min(firstDrumTick ?? Infinity, s);
    }
  }
  return { path, bpm, num, den, meter, songTicks, firstDrumTick };
}

/**
 * The project's XML with tempo `bpm` and only the song's bars [from, to) (ticks), moved to the start: a clip wholly
 * outside is dropped; one that straddles `from` keeps what lies after it (a note clip its notes that start at or after
 * `from`, shifted; an automation clip its points after `from` and its value at `from`; a Beat/Bassline clip its
 * remaining length — its loop keeps its phase when `from` is a whole number of its patterns after the clip's start —
 * a sample clip is dropped); every later clip moves `from` ticks earlier. Clips inside Beat/Bassline tracks are
 * relative to their clip and are not touched; a clip that runs past `to` is cut there (a note clip keeps the notes that
 * start before it). LMMS then renders (to − from) ticks and the tails of the last notes.
 */
export function windowProject(xml: string, bpm: number, from: number, to: number): string {
  const tree = xmlTree(xml);
  const edits: { start: number; end: number; text: string }[] = [];
  const head = child(child(tree, 'lmms-project'), 'head')!;
  const headTag = openTag(xml.slice(head.start, head.end));
  edits.push({ start: head.start, end: head.start + headTag.length, text: headTag.replace(/\bbpm="[^"]*"/, `bpm="${bpm}"`) });
  const setAttr = (tag: string, k: string, v: number) => (new RegExp(`\\b${k}="`).test(tag) ? tag.replace(new RegExp(`\\b${k}="[^"]*"`), `${k}="${v}"`) : tag.replace(/^<(\S+)/, `<$1 ${k}="${v}"`));
  for (const t of songTracks(tree)) {
    for (const c of t.children.filter((x) => CLIPS.has(x.name))) {
      const [s, e] = clipSpan(c);
      const text = xml.slice(c.start, c.end);
      const openEnd = openTag(text).length;
      let open = text.slice(0, openEnd);
      if (e <= from || s >= to || (s < from && c.name === 'sampletco')) {
        edits.push({ start: c.start, end: c.end, text: '' });
        continue;
      }
      if (s >= from && e <= to) {
        edits.push({ start: c.start, end: c.start + openEnd, text: setAttr(open, 'pos', s - from) });
        continue;
      }
      if (s >= from) {
        // runs past `to`: cut at `to` (a note clip keeps its notes that start before it)
        if (c.name !== 'pattern') edits.push({ start: c.start, end: c.start + openEnd, text: setAttr(setAttr(open, 'pos', s - from), 'len', to - s) });
        else {
          edits.push({ start: c.start, end: c.start + openEnd, text: setAttr(open, 'pos', s - from) });
          for (const n of c.children.filter((x) => x.name === 'note' && s + Number(x.attrs.pos) >= to)) edits.push({ start: n.start, end: n.end, text: '' });
        }
        continue;
      }
      // straddles `from`: starts at 0 with what lies after `from`
      const cut = from - s;
      open = setAttr(open, 'pos', 0);
      if (c.attrs.len != null) open = setAttr(open, 'len', Math.min(e, to) - from);
      if (c.name === 'bbtco') {
        edits.push({ start: c.start, end: c.start + openEnd, text: open });
        continue;
      }
      const kept: string[] = [];
      if (c.name === 'pattern') {
        for (const n of c.children.filter((x) => x.name === 'note' && Number(x.attrs.pos) >= cut && s + Number(x.attrs.pos) < to)) kept.push(setAttr(xml.slice(n.start, n.end), 'pos', Number(n.attrs.pos) - cut));
      } else {
        // automation: the value at `cut` (the last point at or before it), then the later points
        const pts = c.children.filter((x) => x.name === 'time').sort((a, b) => Number(a.attrs.pos) - Number(b.attrs.pos));
        const before = pts.filter((p) => Number(p.attrs.pos) <= cut).pop();
        if (before) kept.push(setAttr(xml.slice(before.start, before.end), 'pos', 0));
        for (const p of pts.filter((x) => Number(x.attrs.pos) > cut)) kept.push(setAttr(xml.slice(p.start, p.end), 'pos', Number(p.attrs.pos) - cut));
        for (const o of c.children.filter((x) => x.name === 'object')) kept.push(xml.slice(o.start, o.end));
      }
      const selfClosing = open.endsWith('/>');
      const name = c.name;
      edits.push({ start: c.start, end: c.end, text: `${selfClosing ? open.replace(/\/>$/, '>') : open}${kept.join('')}</${name}>` });
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let out = xml;
  for (const ed of edits) out = out.slice(0, ed.start) + ed.text + out.slice(ed.end);
  return out;
}
