// Sample-library loops under 4 s (session 19, helper left19a). A loop of one or two bars is usually under 4 s
// (2 bars at 128 BPM: 3.75 s), and the tempo analyser stated "too short to find a tempo: under 4 s" for every such
// file. Now a track under 4 s that plays all through (a seamless loop: tempo.ts seamlessLoop) is analysed as the loop
// played round to at least 8 s, and its tempo is the one that fits a whole number of beats into the loop. One-shots
// (a single hit, a cymbal, a tom, a riser) still get no tempo, with the same reason as before.
//
// Real loops: LMMS' sample library (Debian's lmms-common, /usr/share/lmms/samples), whose files are whole bars: their
// tempo is their sample count as n beats (house_loop01: 74,535 samples at 44.1 kHz = 4 beats at 142.00 BPM;
// techno_synth03: 161,280 = 8 beats at 131.25; latin_guitar01 and latin_brass01 are 2 bars and 1 bar of the same
// 125.86). Real one-shots: Hydrogen's GMRockKit (Debian's hydrogen-data) and LMMS' drums. Skips, saying why, where
// those packages are absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { NO_TEMPO, TempoAnalyser, type TempoResult } from '../../main/engine/analysis/tempo';
import { librarySameAs, libraryVersions, staleAnalysers } from '../../main/engine/library/analyse';

const LMMS = '/usr/share/lmms/samples';
const HYDROGEN = '/usr/share/hydrogen/data/drumkits/GMRockKit';

/** the file decoded by ffmpeg as mono float32 at 44.1 kHz (what the engine's decode feeds the analysers, downmixed) */
function pcm(path: string, args: string[] = []): Float32Array {
  const r = spawnSync('ffmpeg', ['-v', 'error', ...args, '-i', path, '-ac', '1', '-ar', '44100', '-f', 'f32le', '-'], { maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr?.toString());
  const b = r.stdout as Buffer;
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4).slice();
}

/** a lavfi source rendered by ffmpeg (a generated one-shot) */
function lavfi(graph: string): Float32Array {
  return pcm(graph, ['-f', 'lavfi']);
}

/** TempoAnalyser over `x` (44.1 kHz mono), fed in 4096-sample blocks as the engine's decode feeds it */
function tempoOf(x: Float32Array): TempoResult {
  const a = new TempoAnalyser();
  a.init(44100, 1);
  for (let i = 0; i < x.length; i += 4096) a.process([x.subarray(i, Math.min(x.length, i + 4096))]);
  return a.finish();
}

const digest = (r: TempoResult) => createHash('sha256').update(JSON.stringify(r)).digest('hex').slice(0, 16);

describe('tempo of tracks of 4 s and more: unchanged (the loop rule is only for tracks under 4 s)', () => {
  // digests of TempoAnalyser's whole result (bpm, confidence, evidence, beats, meter) before the loop rule (204e7c1):
  // a 4 s envelope and longer ones take the old path bit for bit, so no analysed library row of ≥ 4 s would change
  const skip = existsSync(LMMS) ? false : `${LMMS} absent (Debian's lmms-common)`;
  it('electro_beat01 (4.000 s), house_loop01 played round to 10 s, techno_synth04 (6.86 s): the same results as before', { skip }, () => {
    const got = {
      electro4: digest(tempoOf(pcm(`${LMMS}/beats/electro_beat01.ogg`))),
      house10: digest(tempoOf(pcm(`${LMMS}/beats/house_loop01.ogg`, ['-stream_loop', '5']))),
      synth04: digest(tempoOf(pcm(`${LMMS}/bassloops/techno_synth04.ogg`))),
    };
    console.log(JSON.stringify(got));
    assert.deepEqual(got, BEFORE);
  });
});

// tempo 19 (decision30b: the beat grid's beats tracked with the frames' energy) moved some beats of house10 and synth04
// by a frame or two (house10's first beat 0.418 → 0.441 s); their bpm, confidence and meter are unchanged. Before it:
// house10 '98b30771704b6712', synth04 'f045e182f6074b60'.
// tempo 20 (beats37: the grid's ends trimmed on smoothed strengths, BeatTrim 'smoothed') added beats and nothing else:
// house10 a first beat at 0.023 s (the loop's kick at 0 s), synth04 one at 0.023 s and a last at 6.757 s; their bpm,
// confidence, evidence and meter are unchanged (the result less its beats hashes the same). Before it (tempo 19):
// house10 '55e583d3e9c17f66', synth04 '52906e013e3e54c7'.
// tempo 21 (beats38: the grid's beats at their onsets inside the frame, a note at 0 s a beat at 0 s) moved beats and
// nothing else: house10's first beats 0.023, 0.441, 0.859 s → 0, 0.425, 0.851 (the loop's kicks every 0.4225 s from 0),
// synth04's first 0.023 → 0.006; the result less its beats hashes the same (house10 '64b0807bf8159e7a', synth04
// '77f0c1ee2a8c5fcd'). Before it (tempo 20): house10 '04e7033acaa726b5', synth04 'c6203f0a9b60462b'.
const BEFORE = { electro4: '54769b52ef007ee2', house10: '3933f3ce848cc8b9', synth04: '07fb6763ee0bcc2b' };

describe('a seamless loop under 4 s: the tempo of the loop played round', () => {
  const skip = existsSync(LMMS) ? false : `${LMMS} absent (Debian's lmms-common)`;
  // [file, length in beats, tempo: its sample count as that many beats]
  const loops: Array<[string, number, number]> = [
    ['beats/house_loop01.ogg', 4, 142.0], // 74,535 samples at 44.1 kHz, 1.690 s
    ['beats/electro_beat02.ogg', 4, 120.0], // 44,096 at 22.05 kHz, 2.000 s
    ['beats/rave_kick01.ogg', 8, 180.6], // 58,610 at 22.05 kHz, 2.658 s
    ['bassloops/techno_synth03.ogg', 8, 131.3], // 161,280 at 44.1 kHz, 3.657 s: 8 beats at 131.25 exactly
    ['latin/latin_guitar01.ogg', 8, 125.9], // 168,192 at 44.1 kHz, 3.814 s
    ['beats/909beat01.ogg', 8, 121.5], // 174,279 at 44.1 kHz, 3.952 s
  ];
  for (const [file, beats, bpm] of loops) {
    it(`${file}: ${bpm} BPM, ${beats} beats in the loop`, { skip }, () => {
      const r = tempoOf(pcm(`${LMMS}/${file}`));
      assert.equal(r.bpm, bpm, `${file}: ${JSON.stringify({ ...r, evidence: undefined })}`);
      assert.equal(r.loop?.beats, beats);
      assert.equal(r.reason, undefined);
      // the beats are inside the loop, one per beat
      assert.ok(r.beats.length >= beats - 1 && r.beats.length <= beats + 1 && r.beats.every((t) => t >= 0 && t < r.loop!.sec), JSON.stringify(r.beats));
    });
  }
});

describe('one-shots and other short tracks: still no tempo, with the same reason', () => {
  const hits: string[] = [];
  if (existsSync(HYDROGEN)) hits.push(...['Kick-Hard.wav', 'Snare-Hard.wav', 'Crash-Hard.wav', 'Tom1-Hard.wav', 'Ride-Hard.wav', 'Bell-Hard.wav'].map((f) => `${HYDROGEN}/${f}`));
  if (existsSync(LMMS)) hits.push(...['drums/crash02.ogg', 'drums/kick_soft01.ogg', 'drums/ride01.ogg', 'drums/bassdrum_acoustic02.ogg', 'effects/filter_sweep01.ogg', 'effects/explode01.ogg'].map((f) => `${LMMS}/${f}`));
  it('real one-shots (Hydrogen GMRockKit, LMMS drums and effects)', { skip: hits.length ? false : 'neither hydrogen-data nor lmms-common installed' }, () => {
    for (const f of hits.filter(existsSync)) {
      const r = tempoOf(pcm(f));
      assert.equal(r.bpm, null, `${f}: ${r.bpm}`);
      assert.equal(r.reason, NO_TEMPO.short, f);
    }
  });
  it('generated: a riser (noise swelling for 3 s), a decaying 808-style boom, a 2 s steady tone, 3 s of white noise', () => {
    const made = {
      riser: 'anoisesrc=d=3:c=pink:r=44100,volume=eval=frame:volume=t*t/9',
      boom: 'aevalsrc=sin(2*PI*(50+80*exp(-t*30))*t)*exp(-t*3):d=2.5:s=44100',
      tone: 'sine=f=440:d=2:sample_rate=44100',
      noise: 'anoisesrc=d=3:c=white:r=44100:a=0.3',
    };
    for (const [what, graph] of Object.entries(made)) {
      const r = tempoOf(lavfi(graph));
      assert.equal(r.bpm, null, `${what}: ${r.bpm}`);
      assert.equal(r.reason, NO_TEMPO.short, what);
    }
  });
});

describe('the bump costs a library only its tracks under 4 s', () => {
  it('tempo 21 (the grid\'s beats at their onsets, beats38; 20: the grid starts with the music, beats37) has no sameAs: a stored 20 is run again whatever the length', () => {
    const a = new TempoAnalyser();
    assert.equal(a.version, 21);
    assert.equal(librarySameAs().tempo, undefined);
    const versions = libraryVersions();
    assert.deepEqual(staleAnalysers({ ...versions, tempo: 20 }, versions, librarySameAs(), 245.3), ['tempo']);
  });

  it('tempo 16 (the loop rule) stated sameAs 15 for 4.1 s: a stored tempo 15 stood for a track of 4.1 s or more, not for a shorter or unknown one', () => {
    const versions = libraryVersions();
    // tempo 16's sameAs, as it shipped (the mechanism stays for the next bump that changes only short tracks)
    const same = { ...librarySameAs(), tempo: { version: 15, minSec: 4.1 } };
    versions.tempo = 16;
    const stored = { ...versions, tempo: 15 };
    assert.deepEqual(staleAnalysers(stored, versions, same, 245.3), []);
    assert.deepEqual(staleAnalysers(stored, versions, same, 4.1), []);
    assert.deepEqual(staleAnalysers(stored, versions, same, 3.75), ['tempo']);
    assert.deepEqual(staleAnalysers(stored, versions, same, null), ['tempo']);
    // an older tempo (14) or another analyser's bump is run again whatever the length
    assert.deepEqual(staleAnalysers({ ...versions, tempo: 14 }, versions, same, 245.3), ['tempo']);
    const other = Object.keys(versions).find((n) => n !== 'tempo')!;
    assert.deepEqual(staleAnalysers({ ...versions, [other]: -1 }, versions, same, 245.3), [other]);
  });
});
