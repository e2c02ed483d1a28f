// heldout5's synthesis (issue 11, session 27): a MIDI file played by a synthesizer written here in TypeScript — no
// SoundFont, patch set or synthesis program renders its pitched parts — with the acoustic drum samples of Debian
// `avldrums.lv2-soundfont` (the AVL Drumkits "Black Pearl" and "Red Zeppelin": multi-sampled kicks, snares, toms,
// hi-hats, cymbals, tambourine, cowbell, maraca), which no other set plays, and Latin hand percussion synthesised here
// (modal and noise models: congas, bongos, timbales, agogo, claves, wood blocks, guiro, cuica, surdo, shakers,
// triangles). Two kits:
//   ts5a: phase-modulation (FM) keys, bass and bells, Karplus–Strong guitars and plucks, drawbar organ, polyBLEP saw
//         strings, brass and pads, square reeds; Black Pearl drums; a small room.
//   ts5b: additive keys (partials decaying at their own rates) and modal bars, pulse-wave plucks and strings through a
//         swept low-pass, FM brass and organ, a formant-weighted additive choir, saw + sine bass; Red Zeppelin
//         drums; other hand-percussion tunings; a larger room.
// build-set.ts render() calls renderTs5(): 16-bit stereo PCM at 44.1 kHz, peak at −1 dBFS, the same bytes every run
// (every random number from a PRNG seeded by the note). The AVL samples are played by fluidsynth once per kit, each
// drum note at four velocities, into a one-shot table beside the MIDI file (OUT/work/heldout5/oneshots-<kit>.f32);
// the mix places them at the notes' times.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseMidi, tickToSeconds, walkSmf } from '../../test/helpers/midi';
import { smfBytes, type SmfNote } from '../../test/helpers/smf';
import { mulberry32 } from '../../test/helpers/prng';

export const SR = 44100;
export type Ts5Kit = 'ts5a' | 'ts5b';
/** the AVL drum kits (Debian avldrums.lv2-soundfont), one per kit */
export const AVL_KITS: Record<Ts5Kit, string> = {
  ts5a: '/usr/share/sounds/sf2/Black_Pearl_4_LV2.sf2',
  ts5b: '/usr/share/sounds/sf2/Red_Zeppelin_4_LV2.sf2',
};

/** one note of the MIDI file, in seconds */
export interface Ts5Note {
  t: number;
  dur: number;
  ch: number;
  note: number;
  vel: number;
  program: number;
  /** channel volume (CC 7) and pan (CC 10) at the note, 0..127 */
  volume: number;
  pan: number;
}

/** Every note of a Standard MIDI File (format 0 or 1) with its channel's program, volume and pan; seconds by the tempo map. */
export function midiNotes(bytes: Uint8Array): Ts5Note[] {
  const info = parseMidi(bytes);
  type Ev = { tick: number; kind: 'on' | 'off' | 'prog' | 'cc'; ch: number; a: number; v: number; seq: number };
  const evs: Ev[] = [];
  let seq = 0;
  walkSmf(bytes, (e) => {
    if (e.kind === 'on') evs.push({ tick: e.tick, kind: 'on', ch: e.ch, a: e.note, v: e.vel, seq: seq++ });
    else if (e.kind === 'off') evs.push({ tick: e.tick, kind: 'off', ch: e.ch, a: e.note, v: 0, seq: seq++ });
    else if (e.kind === 'program') evs.push({ tick: e.tick, kind: 'prog', ch: e.ch, a: e.program, v: 0, seq: seq++ });
    else if (e.kind === 'control' && (e.controller === 7 || e.controller === 10)) evs.push({ tick: e.tick, kind: 'cc', ch: e.ch, a: e.controller, v: e.value, seq: seq++ });
  });
  // controllers and programs before notes at the same tick; note-offs before note-ons
  const rank = { prog: 0, cc: 1, off: 2, on: 3 };
  evs.sort((x, y) => x.tick - y.tick || rank[x.kind] - rank[y.kind] || x.seq - y.seq);
  const prog = new Array(16).fill(0);
  const vol = new Array(16).fill(100);
  const pan = new Array(16).fill(64);
  const open = new Map<number, { tick: number; vel: number; program: number; volume: number; pan: number }[]>();
  const notes: Ts5Note[] = [];
  const sec = (t: number) => tickToSeconds(info, t);
  for (const e of evs) {
    if (e.kind === 'prog') prog[e.ch] = e.a;
    else if (e.kind === 'cc') (e.a === 7 ? vol : pan)[e.ch] = e.v;
    else if (e.kind === 'on') {
      const k = e.ch * 128 + e.a;
      if (!open.has(k)) open.set(k, []);
      open.get(k)!.push({ tick: e.tick, vel: e.v, program: prog[e.ch], volume: vol[e.ch], pan: pan[e.ch] });
    } else {
      const st = open.get(e.ch * 128 + e.a)?.shift();
      if (st) notes.push({ t: sec(st.tick), dur: Math.max(0.01, sec(e.tick) - sec(st.tick)), ch: e.ch, note: e.a, vel: st.vel, program: st.program, volume: st.volume, pan: st.pan });
    }
  }
  for (const [k, list] of open) for (const st of list) notes.push({ t: sec(st.tick), dur: 0.5, ch: Math.floor(k / 128), note: k % 128, vel: st.vel, program: st.program, volume: st.volume, pan: st.pan });
  return notes.sort((x, y) => x.t - y.t || x.ch - y.ch || x.note - y.note);
}

/** the seeded PRNG of every noise burst and excitation (−1..1): test/helpers/prng.ts' mulberry32 scaled (2u − 1: the same floats bit for bit as u ÷ 2³¹ − 1) */
export function prng(seed: number): () => number {
  const u = mulberry32(seed);
  return () => 2 * u() - 1;
}

const TAU = 2 * Math.PI;
export const hzOf = (note: number): number => 440 * 2 ** ((note - 69) / 12);

/** polyBLEP correction at phase t (0..1) for increment dt */
function blep(t: number, dt: number): number {
  if (t < dt) {
    const x = t / dt;
    return x + x - x * x - 1;
  }
  if (t > 1 - dt) {
    const x = (t - 1) / dt;
    return x * x + x + x + 1;
  }
  return 0;
}

/** A mono voice: writes `n` samples of the note into `out` (gain applied by the caller). */
type Voice = (out: Float32Array, f: number, held: number, vel: number, rnd: () => number) => void;

/** envelope: linear attack, exponential decay towards `sus` (time constant `dec`), exponential release after `held` */
function env(i: number, held: number, att: number, dec: number, sus: number, rel: number): number {
  const t = i / SR;
  let a = t < att ? t / att : sus + (1 - sus) * Math.exp(-(t - att) / dec);
  if (t > held) a *= Math.exp(-(t - held) / rel);
  return a;
}
const tail = (held: number, rel: number, cap = 6) => Math.min(held + rel * 7, held + cap);

/** 2-operator phase modulation: ratio, peak index, index decay (s), amplitude decay (s), sustain, attack, release */
const fm = (ratio: number, index: number, idxDec: number, dec: number, sus: number, att = 0.003, rel = 0.12, idxFloor = 0.15): Voice => (out, f, held, vel) => {
  const vi = 0.5 + vel;
  for (let i = 0; i < out.length; i++) {
    const t = i / SR;
    const I = index * vi * (idxFloor + (1 - idxFloor) * Math.exp(-t / idxDec));
    out[i] = env(i, held, att, dec, sus, rel) * Math.sin(TAU * f * t + I * Math.sin(TAU * f * ratio * t));
  }
};

/** brass FM: the index rises with the attack */
const fmBrass = (ratio: number, index: number, att: number): Voice => (out, f, held, vel) => {
  for (let i = 0; i < out.length; i++) {
    const t = i / SR;
    const e = env(i, held, att, 0.6, 0.75, 0.1);
    const I = index * (0.4 + 0.6 * vel) * e;
    const vib = 1 + 0.003 * Math.sin(TAU * 5.2 * t) * Math.min(1, t / 0.4);
    out[i] = e * Math.sin(TAU * f * vib * t + I * Math.sin(TAU * f * ratio * vib * t));
  }
};

/** Karplus–Strong with a fractional delay: brightness of the excitation 0..1, loop gain, damping when released */
const pluck = (bright: number, loop: number, rel = 0.05): Voice => (out, f, held, vel, rnd) => {
  const d = SR / f - 0.5; // the two-tap average delays half a sample
  const N = Math.floor(d);
  const frac = d - N;
  const size = N + 2;
  const buf = new Float32Array(size);
  let lp = 0;
  const c = 0.2 + 0.75 * bright * (0.6 + 0.4 * vel);
  for (let k = 0; k < size; k++) {
    lp += c * (rnd() - lp);
    buf[k] = lp;
  }
  let mean = 0;
  for (let k = 0; k < size; k++) mean += buf[k];
  for (let k = 0; k < size; k++) buf[k] -= mean / size;
  let w = 0;
  let prev = 0;
  const heldN = held * SR;
  const damp = Math.exp(-1 / (rel * f));
  for (let i = 0; i < out.length; i++) {
    // read d samples back (linear interpolation), average with the previous read
    const r1 = buf[(w - N + size * 4) % size];
    const r2 = buf[(w - N - 1 + size * 4) % size];
    const y = (1 - frac) * r1 + frac * r2;
    const g = i > heldN ? loop * damp : loop;
    const nv = g * 0.5 * (y + prev);
    prev = y;
    buf[w] = nv;
    w = (w + 1) % size;
    out[i] = y;
  }
};

/** polyBLEP saw (or pulse of width `pw`, with optional PWM) through a 2-pole low-pass whose cutoff follows an envelope */
const subtractive = (o: { kind: 'saw' | 'pulse'; pw?: number; pwm?: number; detune?: number; voices?: number; cut: number; cutEnv?: number; cutDec?: number; att: number; dec: number; sus: number; rel: number; vib?: number; sine?: number }): Voice => (out, f, held, vel, rnd) => {
  const voices = o.voices ?? 1;
  const phases = Array.from({ length: voices }, () => (rnd() + 1) / 2);
  const det = Array.from({ length: voices }, (_, v) => (voices === 1 ? 1 : 2 ** (((o.detune ?? 6) * (v / (voices - 1) - 0.5) * 2) / 1200)));
  let s1 = 0;
  let s2 = 0;
  let subPh = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / SR;
    const vib = 1 + (o.vib ?? 0) * Math.sin(TAU * 5 * t) * Math.min(1, t / 0.3);
    let x = 0;
    for (let v = 0; v < voices; v++) {
      const dt = (f * det[v] * vib) / SR;
      let ph = phases[v] + dt;
      if (ph >= 1) ph -= 1;
      phases[v] = ph;
      if (o.kind === 'saw') x += 2 * ph - 1 - blep(ph, dt);
      else {
        const pw = (o.pw ?? 0.5) + (o.pwm ?? 0) * Math.sin(TAU * 0.7 * t + v);
        let ph2 = ph + (1 - pw);
        if (ph2 >= 1) ph2 -= 1;
        x += (ph < pw ? 1 : -1) + blep(ph, dt) - blep(ph2, dt);
      }
    }
    x /= voices;
    if (o.sine) {
      // a sine at the fundamental under the saw (a synth bass's body)
      subPh += f / SR;
      if (subPh >= 1) subPh -= 1;
      x += o.sine * Math.sin(TAU * subPh);
    }
    const cut = Math.min(0.45 * SR, f * (o.cut + (o.cutEnv ?? 0) * (0.5 + vel) * Math.exp(-t / (o.cutDec ?? 0.2))));
    const g = 1 - Math.exp((-TAU * cut) / SR);
    s1 += g * (x - s1);
    s2 += g * (s1 - s2);
    out[i] = env(i, held, o.att, o.dec, o.sus, o.rel) * s2;
  }
};

/** additive partials: [ratio, amplitude, decay time constant (s; Infinity: sustained)] */
const additive = (partials: [number, number, number][], att: number, rel: number, sus = 1, dec = 1, noise = 0): Voice => (out, f, held, vel, rnd) => {
  const ps = partials.filter(([r]) => r * f < 0.42 * SR);
  let lp = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / SR;
    let x = 0;
    for (const [r, a, d] of ps) x += a * (d === Infinity ? 1 : Math.exp(-t / d)) * Math.sin(TAU * f * r * t);
    if (noise) {
      lp += 0.3 * (rnd() - lp);
      x += noise * lp * Math.exp(-t / 0.02) * (0.5 + vel);
    }
    out[i] = env(i, held, att, dec, sus, rel) * x;
  }
};

/** drawbar-like organ (harmonics 1, 2, 3, 4, 6, 8) */
const organ = additive([[1, 1, Infinity], [2, 0.7, Infinity], [3, 0.45, Infinity], [4, 0.35, Infinity], [6, 0.2, Infinity], [8, 0.15, Infinity]], 0.006, 0.05);
/** vowel "ah" partial weights for the additive choir: formants near 700 and 1150 Hz */
const choir: Voice = (out, f, held, vel, rnd) => {
  const parts: [number, number, number][] = [];
  for (let k = 1; k * f < 5000; k++) {
    const hz = k * f;
    const w = Math.exp(-(((hz - 700) / 180) ** 2)) + 0.6 * Math.exp(-(((hz - 1150) / 200) ** 2)) + 0.15 * Math.exp(-(((hz - 2600) / 300) ** 2)) + 0.3 / k;
    parts.push([k, w, Infinity]);
  }
  additive(parts, 0.18, 0.3, 1, 1)(out, f, held, vel, rnd);
};

/** the pitched patches: GM family (program ÷ 8) → voice and level, per kit; some programs have their own */
const PATCH_A: Voice[] = [
  fm(1, 1.8, 0.4, 1.2, 0, 0.002, 0.15), // piano: FM electric-piano-like
  fm(3.5, 1.2, 0.15, 0.8, 0, 0.001, 0.3), // chromatic percussion: FM bells
  organ, // organ: drawbars
  pluck(0.7, 0.996), // guitar: Karplus–Strong
  fm(1, 2.5, 0.12, 0.9, 0.2, 0.002, 0.08), // bass: FM bass
  subtractive({ kind: 'saw', voices: 2, detune: 5, cut: 5, att: 0.08, dec: 1, sus: 1, rel: 0.2, vib: 0.003 }), // strings
  subtractive({ kind: 'saw', voices: 3, detune: 8, cut: 3.5, att: 0.15, dec: 1, sus: 1, rel: 0.3 }), // ensemble
  subtractive({ kind: 'saw', cut: 2, cutEnv: 6, cutDec: 0.15, att: 0.03, dec: 0.5, sus: 0.8, rel: 0.1, vib: 0.002 }), // brass
  subtractive({ kind: 'pulse', pw: 0.5, cut: 5, att: 0.025, dec: 1, sus: 0.9, rel: 0.08, vib: 0.002 }), // reed
  additive([[1, 1, Infinity], [2, 0.2, Infinity], [3, 0.1, Infinity]], 0.04, 0.1, 1, 1, 0.3), // pipe
  subtractive({ kind: 'saw', cut: 8, att: 0.005, dec: 0.6, sus: 0.8, rel: 0.08 }), // synth lead
  subtractive({ kind: 'saw', voices: 3, detune: 10, cut: 3, att: 0.3, dec: 1, sus: 1, rel: 0.4 }), // synth pad
  fm(2, 1, 1, 2, 0.5, 0.05, 0.3), // synth effects
  pluck(0.9, 0.995), // ethnic: bright plucks
  fm(2, 1, 0.1, 0.5, 0, 0.001, 0.2), // percussive: steel drums, melodic toms
  fm(1, 0.3, 1, 1, 1, 0.01, 0.1), // sound effects
];
const PATCH_B: Voice[] = [
  additive([[1, 1, 1.6], [2, 0.55, 1.0], [3, 0.3, 0.7], [4, 0.2, 0.5], [5, 0.12, 0.4], [6, 0.08, 0.3], [7, 0.05, 0.25], [8, 0.03, 0.2]], 0.002, 0.12, 0, 3, 0.4), // piano: additive
  additive([[1, 1, 0.9], [4, 0.25, 0.2], [10, 0.08, 0.06]], 0.001, 0.25, 0, 3, 0.2), // chromatic percussion: modal bars 1:4:10
  fm(2, 0.8, 10, 1, 1, 0.008, 0.06, 1), // organ: FM, constant index
  subtractive({ kind: 'pulse', pw: 0.35, cut: 2, cutEnv: 10, cutDec: 0.12, att: 0.002, dec: 0.7, sus: 0, rel: 0.06 }), // guitar: pulse pluck
  subtractive({ kind: 'saw', sine: 0.6, cut: 1.5, cutEnv: 5, cutDec: 0.1, att: 0.003, dec: 1.2, sus: 0.3, rel: 0.06 }), // bass: saw + sine through a swept low-pass
  subtractive({ kind: 'pulse', pw: 0.4, pwm: 0.1, voices: 2, detune: 4, cut: 5, att: 0.1, dec: 1, sus: 1, rel: 0.2 }), // strings: PWM
  choir, // ensemble: formant-weighted additive choir
  fmBrass(1, 2.2, 0.05), // brass: FM
  fm(3, 0.9, 5, 1, 0.9, 0.03, 0.08, 1), // reed: FM with odd partials
  additive([[1, 1, Infinity], [3, 0.08, Infinity]], 0.06, 0.12, 1, 1, 0.5), // pipe
  subtractive({ kind: 'pulse', pw: 0.25, cut: 10, att: 0.004, dec: 0.6, sus: 0.8, rel: 0.08 }), // synth lead
  subtractive({ kind: 'pulse', pw: 0.5, pwm: 0.15, voices: 2, detune: 7, cut: 2.5, att: 0.35, dec: 1, sus: 1, rel: 0.45 }), // synth pad
  additive([[1, 1, Infinity], [2.01, 0.3, 2]], 0.08, 0.3), // synth effects
  fm(1, 3, 0.05, 0.6, 0, 0.001, 0.1), // ethnic: FM plucks
  additive([[1, 1, 0.4], [2, 0.5, 0.2], [3.01, 0.2, 0.1]], 0.001, 0.2, 0, 1), // percussive
  fm(1, 0.3, 1, 1, 1, 0.01, 0.1), // sound effects
];
/** programs that sound unlike their family: pizzicato, harp and timpani are plucked or struck, not bowed */
const SPECIAL_A: Record<number, Voice> = { 45: pluck(0.5, 0.99), 46: pluck(0.6, 0.997), 47: fm(1.5, 1.5, 0.1, 0.6, 0) };
const SPECIAL_B: Record<number, Voice> = { 45: fm(1, 1.5, 0.05, 0.25, 0), 46: additive([[1, 1, 1.5], [2, 0.35, 0.8], [3, 0.15, 0.4], [4, 0.06, 0.3]], 0.002, 0.4, 0, 2), 47: additive([[1, 1, 0.6], [1.5, 0.5, 0.4], [1.98, 0.3, 0.3]], 0.002, 0.2, 0, 1) };
/** loudness per family (the voices differ in RMS): piano, chrom, organ, guitar, bass, strings, ensemble, brass, reed, pipe, lead, pad, fx, ethnic, perc, sfx */
const LEVEL = [0.55, 0.45, 0.25, 0.9, 0.75, 0.35, 0.35, 0.4, 0.3, 0.45, 0.3, 0.3, 0.3, 0.8, 0.5, 0.3];

function pitchedVoice(kit: Ts5Kit, program: number): { voice: Voice; level: number; rel: number } {
  const fam = Math.floor(program / 8);
  const voice = (kit === 'ts5a' ? SPECIAL_A : SPECIAL_B)[program] ?? (kit === 'ts5a' ? PATCH_A : PATCH_B)[fam];
  const rel = [0.15, 0.3, 0.06, 0.06, 0.08, 0.2, 0.3, 0.1, 0.08, 0.12, 0.08, 0.45, 0.3, 0.1, 0.2, 0.1][fam];
  return { voice, level: LEVEL[fam], rel: Math.max(rel, 0.12) };
}

// ---- drums ------------------------------------------------------------------------------------
/** GM drum note → the AVL kit's note (its own map: 40 snare edge, 46 half-open hat, 60 china, 64 maraca) and a rate */
const AVL_MAP: Record<number, [number, number]> = {
  35: [36, 0.94], 36: [36, 1], 37: [37, 1], 38: [38, 1], 39: [39, 1], 40: [40, 1], 41: [41, 1], 42: [42, 1], 43: [43, 1], 44: [44, 1], 45: [45, 1], 46: [46, 1], 47: [47, 1], 48: [45, 1.15], 49: [49, 1], 50: [45, 1.3], 51: [51, 1], 52: [60, 1], 53: [53, 1], 54: [54, 1], 55: [55, 1], 56: [56, 1], 57: [57, 1], 59: [59, 1], 70: [64, 1],
};
const AVL_NOTES = [...new Set(Object.values(AVL_MAP).map(([n]) => n))].sort((a, b) => a - b);
const LAYERS = [40, 72, 100, 127];
const SHOT_SEC = 3;

/** The AVL kit's one-shots: note → velocity layer → mono samples; rendered by fluidsynth once and kept beside the MIDI file. */
function oneShots(kit: Ts5Kit, dir: string): Map<number, Float32Array[]> {
  const file = join(dir, `oneshots-${kit}.f32`);
  const per = SHOT_SEC * SR;
  if (!existsSync(file)) {
    const notes: SmfNote[] = [];
    let k = 0;
    for (const n of AVL_NOTES) for (const v of LAYERS) notes.push({ beat: 2 * SHOT_SEC * k++, len: 2 * SHOT_SEC - 0.5, ch: 0, note: n, vel: v });
    const mid = join(dir, `oneshots-${kit}.mid`);
    writeFileSync(mid, smfBytes({ bpm: 120, notes, programs: { 0: 0 } })); // the kit is preset 0 of bank 0: a melodic channel
    // to a file: a socket as stdout (Node's pipes) cannot be opened as /dev/stdout
    const rawFile = join(dir, `oneshots-${kit}.raw`);
    execFileSync('fluidsynth', ['-ni', '-q', '-R', '0', '-C', '0', '-g', '1', '-r', String(SR), '-F', rawFile, '-T', 'raw', '-O', 'float', AVL_KITS[kit], mid], { stdio: 'ignore' });
    const raw = readFileSync(rawFile);
    rmSync(rawFile, { force: true });
    const f = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
    if (!f.some((v) => v !== 0)) throw new Error(`fluidsynth rendered ${AVL_KITS[kit]} as silence`);
    const out = new Float32Array(k * per);
    for (let j = 0; j < k; j++) for (let i = 0; i < per; i++) {
      const at = 2 * (j * per + i);
      out[j * per + i] = at + 1 < f.length ? 0.5 * (f[at] + f[at + 1]) : 0;
    }
    writeFileSync(`${file}.part`, Buffer.from(out.buffer));
    renameSync(`${file}.part`, file);
  }
  const buf = readFileSync(file);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const map = new Map<number, Float32Array[]>();
  AVL_NOTES.forEach((n, a) => map.set(n, LAYERS.map((_, l) => all.subarray((a * LAYERS.length + l) * per, (a * LAYERS.length + l + 1) * per))));
  return map;
}

/** a damped sine bank with a pitch drop, plus a noise click */
function modal(out: Float32Array, modes: [number, number, number][], drop: number, click: number, rnd: () => number): void {
  let lp = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / SR;
    let x = 0;
    for (const [hz, a, d] of modes) x += a * Math.exp(-t / d) * Math.sin(TAU * hz * (t + (drop * (1 - Math.exp(-t / 0.03))) * 0.03));
    lp += 0.5 * (rnd() - lp);
    out[i] = x + click * (rnd() - lp) * Math.exp(-t / 0.004);
  }
}
/** band-limited noise burst: centre (Hz via a 2-pole band-pass), attack, decay */
function noiseBurst(out: Float32Array, centre: number, q: number, att: number, dec: number, rnd: () => number, am = 0): void {
  const w = (TAU * centre) / SR;
  const r = Math.exp(-w / (2 * q));
  const c1 = 2 * r * Math.cos(w);
  const c2 = -r * r;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / SR;
    const e = (t < att ? t / att : Math.exp(-(t - att) / dec)) * (am ? 0.5 + 0.5 * Math.sin(TAU * am * t) : 1);
    const y = (1 - r) * rnd() + c1 * y1 + c2 * y2;
    y2 = y1;
    y1 = y;
    out[i] = e * y * 4;
  }
}

/** hand percussion synthesised here (what the AVL kits have no sample of): GM note → length (s) and model; `tune` scales pitches */
function synthDrum(note: number, tune: number, rnd: () => number): Float32Array | null {
  const mk = (sec: number) => new Float32Array(Math.round(sec * SR));
  const T = tune;
  let o: Float32Array;
  switch (note) {
    case 60: case 61: o = mk(0.4); modal(o, [[T * (note === 60 ? 420 : 310), 1, 0.09], [T * (note === 60 ? 690 : 520), 0.3, 0.05]], 0.2, 0.5, rnd); return o; // bongos
    case 62: o = mk(0.2); modal(o, [[T * 340, 1, 0.035], [T * 560, 0.3, 0.02]], 0.1, 0.9, rnd); return o; // mute conga (slap)
    case 63: case 64: o = mk(0.7); modal(o, [[T * (note === 63 ? 300 : 205), 1, 0.22], [T * (note === 63 ? 470 : 330), 0.25, 0.1]], 0.25, 0.4, rnd); return o; // open / low conga
    case 65: case 66: o = mk(0.8); modal(o, [[T * (note === 65 ? 560 : 410), 1, 0.25], [T * (note === 65 ? 560 : 410) * 1.62, 0.45, 0.15], [T * (note === 65 ? 560 : 410) * 2.31, 0.3, 0.1]], 0, 0.8, rnd); return o; // timbales
    case 67: case 68: o = mk(0.8); modal(o, [[T * (note === 67 ? 920 : 680), 1, 0.3], [T * (note === 67 ? 920 : 680) * 2.42, 0.4, 0.15], [T * (note === 67 ? 920 : 680) * 4.1, 0.2, 0.08]], 0, 0.2, rnd); return o; // agogo
    case 69: o = mk(0.15); noiseBurst(o, 7000 * T, 2, 0.004, 0.03, rnd); return o; // cabasa
    case 82: o = mk(0.15); noiseBurst(o, 5500 * T, 1.5, 0.01, 0.035, rnd); return o; // shaker
    case 71: case 72: o = mk(note === 71 ? 0.12 : 0.5); modal(o, [[T * (note === 71 ? 2600 : 2000), 1, note === 71 ? 0.06 : 0.4]], 0, 0, rnd); return o; // whistles
    case 73: case 74: o = mk(note === 73 ? 0.12 : 0.35); noiseBurst(o, 3500 * T, 3, 0.005, note === 73 ? 0.05 : 0.15, rnd, 70); return o; // guiro
    case 75: o = mk(0.15); modal(o, [[T * 2500, 1, 0.025], [T * 6250, 0.2, 0.01]], 0, 0.1, rnd); return o; // claves
    case 76: case 77: o = mk(0.15); modal(o, [[T * (note === 76 ? 1050 : 780), 1, 0.03], [T * (note === 76 ? 1050 : 780) * 2.7, 0.4, 0.015]], 0, 0.3, rnd); return o; // wood blocks
    case 78: case 79: { o = mk(0.3); let ph = 0; for (let i = 0; i < o.length; i++) { const t = i / SR; ph += (TAU * T * (note === 78 ? 520 : 420) * (1 - 0.35 * t / 0.3)) / SR; o[i] = Math.sin(ph) * Math.exp(-t / 0.08); } return o; } // cuica
    case 80: case 81: o = mk(note === 80 ? 0.15 : 1.5); modal(o, [[T * 4700, 1, note === 80 ? 0.04 : 0.9], [T * 6600, 0.6, note === 80 ? 0.03 : 0.6], [T * 8400, 0.4, note === 80 ? 0.02 : 0.4]], 0, 0.1, rnd); return o; // triangles
    case 83: o = mk(0.4); noiseBurst(o, 8000 * T, 4, 0.003, 0.1, rnd); return o; // jingle bell
    case 84: o = mk(0.1); modal(o, [[T * 1900, 1, 0.012], [T * 3300, 0.5, 0.008]], 0, 0.6, rnd); return o; // castanets
    case 85: case 86: o = mk(note === 85 ? 0.3 : 1); modal(o, [[T * 68, 1, note === 85 ? 0.08 : 0.4], [T * 110, 0.3, 0.1]], 0.4, 0.3, rnd); return o; // surdos
    case 58: o = mk(0.9); noiseBurst(o, 2500 * T, 6, 0.002, 0.35, rnd, 28); return o; // vibraslap
    case 27: case 28: case 29: case 30: case 31: case 32: case 33: case 34:
      o = mk(0.08); modal(o, [[T * (1500 + 120 * (note - 27)), 1, 0.012]], 0, 0.7, rnd); return o; // sticks, clicks
    default: return null;
  }
}

/** a Schroeder room: 4 combs + 2 all-passes on a send (wet mix `mix`, comb lengths × `size`) */
function room(L: Float32Array, R: Float32Array, mix: number, size: number): void {
  const combs = [1116, 1188, 1277, 1356].map((n) => Math.round(n * size));
  const aps = [556, 441].map((n) => Math.round(n * size));
  for (const [ch, spread] of [[L, 0], [R, 23]] as [Float32Array, number][]) {
    const wet = new Float32Array(ch.length);
    for (const n0 of combs) {
      const n = n0 + spread;
      const buf = new Float32Array(n);
      let lp = 0;
      for (let i = 0, w = 0; i < ch.length; i++, w = (w + 1) % n) {
        const y = buf[w];
        lp = 0.75 * y + 0.25 * lp;
        buf[w] = ch[i] * 0.15 + lp * 0.78;
        wet[i] += y;
      }
    }
    for (const n0 of aps) {
      const n = n0 + spread;
      const buf = new Float32Array(n);
      for (let i = 0, w = 0; i < ch.length; i++, w = (w + 1) % n) {
        const b = buf[w];
        const y = -wet[i] + b;
        buf[w] = wet[i] + b * 0.5;
        wet[i] = y;
      }
    }
    for (let i = 0; i < ch.length; i++) ch[i] = ch[i] * (1 - mix) + wet[i] * mix;
  }
}

/**
 * Renders a MIDI file with a kit: `sec` seconds of 16-bit stereo PCM (s16le, 44.1 kHz), the peak at −1 dBFS.
 * Pitched channels through the kit's voices (GM family of the channel's program), channel 10 through the AVL kit's
 * one-shots (rendered once by fluidsynth beside `mid`) or the hand-percussion models. Throws when the AVL kit is not
 * installed (apt-get install avldrums.lv2-soundfont) or fluidsynth fails.
 */
export function renderTs5(mid: string, kit: Ts5Kit, sec: number): Buffer {
  const [L, R] = mixTs5(mid, kit, sec);
  const n = L.length;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(L[i]), Math.abs(R[i]));
  const g = peak > 0 ? 0.891 / peak : 0;
  const out = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(L[i] * g * 32767))), 4 * i);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(R[i] * g * 32767))), 4 * i + 2);
  }
  return out;
}

/**
 * The mix before its peak is set: left and right, `sec` seconds at 44.1 kHz (float, full scale 1). `only` keeps the
 * drum channel or the pitched channels alone (the balance of the two, checked on five grooves before the build: README.md).
 */
export function mixTs5(mid: string, kit: Ts5Kit, sec: number, only?: 'drums' | 'pitched'): [Float32Array, Float32Array] {
  const notes = midiNotes(readFileSync(mid)).filter((x) => !only || (x.ch === 9) === (only === 'drums'));
  const n = Math.ceil(sec * SR);
  const L = new Float32Array(n);
  const R = new Float32Array(n);
  const hasDrums = notes.some((x) => x.ch === 9);
  const shots = hasDrums ? oneShots(kit, dirname(mid)) : new Map<number, Float32Array[]>();
  const tune = kit === 'ts5a' ? 1 : 0.89;
  for (const [k, x] of notes.entries()) {
    const start = Math.round(x.t * SR);
    if (start >= n) break;
    const rnd = prng(x.note * 7919 + k * 104729 + (kit === 'ts5a' ? 1 : 2));
    const vel = x.vel / 127;
    const chGain = (x.volume / 127) ** 2;
    // equal-power pan: MMA leaves pan centred, so channels spread by number unless CC 10 says otherwise
    const panPos = x.pan !== 64 ? x.pan / 127 : 0.5 + 0.35 * Math.sin(x.ch * 2.1);
    const gl = Math.cos((panPos * Math.PI) / 2);
    const gr = Math.sin((panPos * Math.PI) / 2);
    let sig: Float32Array;
    let level: number;
    if (x.ch === 9) {
      const avl = AVL_MAP[x.note];
      if (avl && shots.has(avl[0])) {
        const layers = shots.get(avl[0])!;
        let l = LAYERS.findIndex((v) => v >= x.vel);
        if (l < 0) l = LAYERS.length - 1;
        const src = layers[l];
        const rate = avl[1];
        const len = Math.min(src.length, Math.floor(src.length / rate));
        sig = new Float32Array(len);
        for (let i = 0; i < len; i++) {
          const p = i * rate;
          const i0 = Math.floor(p);
          sig[i] = i0 + 1 < src.length ? src[i0] + (p - i0) * (src[i0 + 1] - src[i0]) : 0;
        }
        level = 1.4 * (x.vel / LAYERS[l]);
      } else {
        const s = synthDrum(x.note, tune, rnd);
        if (!s) continue;
        sig = s;
        level = 0.5 * vel ** 1.3;
      }
    } else {
      const { voice, level: lv, rel } = pitchedVoice(kit, x.program);
      const f = hzOf(x.note);
      sig = new Float32Array(Math.min(n - start, Math.round(tail(x.dur, rel) * SR)));
      voice(sig, f, x.dur, vel, rnd);
      level = lv * vel ** 1.5 * (kit === 'ts5a' ? 0.5 : 0.35); // kit a's voices are leaner: +3 dB beside its drums
    }
    const g = level * chGain;
    const m = Math.min(sig.length, n - start);
    for (let i = 0; i < m; i++) {
      L[start + i] += g * gl * sig[i];
      R[start + i] += g * gr * sig[i];
    }
  }
  room(L, R, kit === 'ts5a' ? 0.12 : 0.2, kit === 'ts5a' ? 0.7 : 1.1);
  return [L, R];
}
