// Tempo on click tracks, key and chords on generated chord sequences, key notations, features text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTrack, EssentiaKeyAnalyser } from '../../main/engine/analysis/index';
import { analyzeFile } from '../../main/engine/analysis/run';
import type { KeyResult } from '../../main/engine/analysis/tonal';
import { ALL_KEYS, camelot, keyName, mirexKeyScore, openKey, parseKey } from '../../main/engine/analysis/keys';
import { summarise } from '../../main/engine/analysis/tonal';
import { featuresText } from '../../main/engine/analysis/text';
import { media } from '../helpers/media';

/** A click track: 20 ms decaying 1 kHz blips on every beat, plus a quiet pad so it is not silence between clicks. */
function clickTrack(bpm: number, sec = 20): string {
  const p = (60 / bpm).toFixed(6);
  return media(`click-${bpm}.wav`, [
    '-f', 'lavfi', '-i', `aevalsrc='if(lt(mod(t,${p}),0.02),0.8*sin(2*PI*1000*t)*(1-mod(t,${p})/0.02),0)+0.01*sin(2*PI*220*t)':s=44100:d=${sec}`,
    '-c:a', 'pcm_s16le',
  ]);
}

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

/** A sequence of chords (MIDI note numbers), each `sec` long, as harmonic tones with a plucked envelope. */
function chordFile(name: string, chords: number[][], sec = 2, repeat = 3): string {
  const seq = Array.from({ length: repeat }, () => chords).flat();
  const inputs: string[] = [];
  for (const notes of seq) {
    const tone = notes
      .map((m) => `(sin(2*PI*${hz(m).toFixed(3)}*t)+0.5*sin(4*PI*${hz(m).toFixed(3)}*t)+0.25*sin(6*PI*${hz(m).toFixed(3)}*t))`)
      .join('+');
    inputs.push('-f', 'lavfi', '-i', `aevalsrc='0.08*(${tone})*(0.4+0.6*exp(-3*t))':s=44100:d=${sec}`);
  }
  const labels = seq.map((_, i) => `[${i}]`).join('');
  return media(name, [...inputs, '-filter_complex', `${labels}concat=n=${seq.length}:v=0:a=1`, '-c:a', 'pcm_s16le']);
}

describe('tempo', () => {
  for (const bpm of [90, 120, 128, 174]) {
    it(`finds ${bpm} BPM and the clicks on a click track`, async () => {
      const r = await analyzeTrack(clickTrack(bpm));
      assert.ok(r.tempo.bpm !== null && Math.abs(r.tempo.bpm - bpm) <= bpm * 0.01, `bpm ${r.tempo.bpm}`);
      assert.ok(r.tempo.confidence > 0.5, `confidence ${r.tempo.confidence}`);
      const period = 60 / bpm;
      assert.ok(r.tempo.beats.length >= Math.floor((20 / period) * 0.8), `${r.tempo.beats.length} beats`);
      // Every beat within 30 ms of a click.
      for (const b of r.tempo.beats) {
        const off = Math.abs(b - Math.round(b / period) * period);
        assert.ok(off < 0.03, `beat at ${b} is ${(off * 1000).toFixed(0)} ms from a click`);
      }
    });
  }

  // Issue 11: the meter decision. Clicks as a metronome makes them: the first beat of each
  // bar a lower, louder click (800 Hz), the others 1.6 kHz, so only the bar tells 3 from 4.
  const meterClick = (bpm: number, perBar: number) => {
    const p = (60 / bpm).toFixed(6);
    const bar = ((60 / bpm) * perBar).toFixed(6);
    return media(`meter-${perBar}-${bpm}.wav`, [
      '-f', 'lavfi', '-i',
      `aevalsrc='if(lt(mod(t,${bar}),0.03),0.9*sin(2*PI*800*t)*(1-mod(t,${bar})/0.03),if(lt(mod(t,${p}),0.02),0.5*sin(2*PI*1600*t)*(1-mod(t,${p})/0.02),0))+0.01*sin(2*PI*220*t)':s=44100:d=24`,
      '-c:a', 'pcm_s16le',
    ]);
  };
  for (const [bpm, perBar] of [[96, 3], [150, 3], [120, 3], [96, 4], [128, 4], [70, 4]] as const) {
    it(`reads ${perBar} beats per bar from a ${bpm} BPM metronome in ${perBar}/4, at the bar's tempo, beats on the clicks`, async () => {
      const r = await analyzeTrack(meterClick(bpm, perBar));
      assert.ok(r.tempo.bpm !== null && Math.abs(r.tempo.bpm - bpm) <= bpm * 0.02, `bpm ${r.tempo.bpm}`);
      assert.equal(r.tempo.beatsPerBar, perBar);
      const period = 60 / bpm;
      for (const b of r.tempo.beats) assert.ok(Math.abs(b - Math.round(b / period) * period) < 0.03, `beat at ${b}`);
    });
  }

  it('finds no tempo in silence', async () => {
    const r = await analyzeTrack(media('silence-5.wav', ['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo:d=5']));
    assert.equal(r.tempo.bpm, null);
    assert.deepEqual(r.tempo.beats, []);
    assert.equal(r.tonal.key.key, null);
    assert.equal(r.features, '');
  });
});

describe('key and chords', () => {
  it('A minor: Am – Dm – E – Am', async () => {
    const r = await analyzeTrack(chordFile('chords-a-minor.wav', [[45, 57, 60, 64], [50, 62, 65, 69], [40, 52, 56, 59], [45, 57, 60, 64]]));
    assert.equal(r.tonal.key.key, 'A minor');
    assert.equal(r.tonal.key.camelot, '8A');
    assert.equal(r.tonal.key.openKey, '1m');
    assert.ok(r.tonal.key.confidence > 0.5);
    assert.equal(r.tonal.key.strengths.length, 24);
    for (const c of ['Am', 'Dm', 'E']) assert.ok(r.tonal.chords.progression.includes(c), `progression ${r.tonal.chords.progression}`);
    assert.match(r.features, /^Tempo: \d+ BPM\. Key: A minor\. Chords: .*Am.*\. Loudness: -\d+\.\d LUFS\.$|^Key: A minor\. Chords: .*\. Loudness: -\d+\.\d LUFS\.$/);
  });

  it('Eb major: Eb – Ab – Bb – Eb', async () => {
    const r = await analyzeTrack(chordFile('chords-eb-major.wav', [[39, 51, 55, 58], [44, 56, 60, 63], [46, 58, 62, 65], [39, 51, 55, 58]]));
    assert.equal(r.tonal.key.key, 'Eb major');
    assert.equal(r.tonal.key.camelot, '5B');
    assert.equal(r.tonal.key.openKey, '10d');
    for (const c of ['Eb', 'Ab', 'Bb']) assert.ok(r.tonal.chords.progression.includes(c), `progression ${r.tonal.chords.progression}`);
    // Chord segments follow the 2 s grid.
    const firstAb = r.tonal.chords.segments.find((s) => s.chord === 'Ab');
    assert.ok(firstAb && Math.abs(firstAb.start - 2) < 0.5, `Ab starts at ${firstAb?.start}`);
  });
});

describe('optional essentia.js key analyser', () => {
  it('agrees on the A minor sequence', async () => {
    const p = chordFile('chords-a-minor.wav', [[45, 57, 60, 64], [50, 62, 65, 69], [40, 52, 56, 59], [45, 57, 60, 64]]);
    const run = await analyzeFile(p, [new EssentiaKeyAnalyser()]);
    const k = run.results.key as KeyResult;
    assert.equal(k.key, 'A minor');
    assert.equal(k.camelot, '8A');
  });
});

describe('key notations', () => {
  // Camelot / Open Key for all 24 keys (Mixed In Key's wheel; Open Key as in Traktor).
  const TABLE: [string, string, string][] = [
    ['C major', '8B', '1d'], ['Db major', '3B', '8d'], ['D major', '10B', '3d'], ['Eb major', '5B', '10d'],
    ['E major', '12B', '5d'], ['F major', '7B', '12d'], ['F# major', '2B', '7d'], ['G major', '9B', '2d'],
    ['Ab major', '4B', '9d'], ['A major', '11B', '4d'], ['Bb major', '6B', '11d'], ['B major', '1B', '6d'],
    ['C minor', '5A', '10m'], ['C# minor', '12A', '5m'], ['D minor', '7A', '12m'], ['Eb minor', '2A', '7m'],
    ['E minor', '9A', '2m'], ['F minor', '4A', '9m'], ['F# minor', '11A', '4m'], ['G minor', '6A', '11m'],
    ['G# minor', '1A', '6m'], ['A minor', '8A', '1m'], ['Bb minor', '3A', '8m'], ['B minor', '10A', '3m'],
  ];

  it('maps every key to Camelot and Open Key, and back', () => {
    assert.equal(TABLE.length, 24);
    const seen = new Set<string>();
    for (const k of ALL_KEYS) {
      const row = TABLE.find((r) => r[0] === keyName(k));
      assert.ok(row, `no table row for ${keyName(k)}`);
      assert.equal(camelot(k), row[1], keyName(k));
      assert.equal(openKey(k), row[2], keyName(k));
      seen.add(camelot(k));
      assert.deepEqual(parseKey(row[1]), k);
      assert.deepEqual(parseKey(row[2]), k);
      assert.deepEqual(parseKey(row[0]), k);
    }
    assert.equal(seen.size, 24);
  });

  it('parses common spellings', () => {
    assert.deepEqual(parseKey('Am'), { tonic: 9, mode: 'minor' });
    assert.deepEqual(parseKey('D#m'), { tonic: 3, mode: 'minor' });
    assert.deepEqual(parseKey('E♭ major'), { tonic: 3, mode: 'major' });
    assert.deepEqual(parseKey('Gb'), { tonic: 6, mode: 'major' });
    assert.equal(parseKey('H minor'), null);
    assert.equal(parseKey('13A'), null);
  });

  it('scores keys as MIREX does', () => {
    const C = { tonic: 0, mode: 'major' } as const;
    assert.equal(mirexKeyScore(C, C), 1);
    assert.equal(mirexKeyScore(C, { tonic: 7, mode: 'major' }), 0.5);
    assert.equal(mirexKeyScore(C, { tonic: 9, mode: 'minor' }), 0.3);
    assert.equal(mirexKeyScore({ tonic: 9, mode: 'minor' }, C), 0.3);
    assert.equal(mirexKeyScore(C, { tonic: 0, mode: 'minor' }), 0.2);
    assert.equal(mirexKeyScore(C, { tonic: 2, mode: 'major' }), 0);
  });
});

describe('features text and chord summary', () => {
  it('writes the DeepResonance input line', () => {
    const s = featuresText({
      tempo: { bpm: 119.6, confidence: 0.9 },
      tonal: { key: { key: 'A minor', confidence: 0.9 }, chords: { progression: ['Am', 'F', 'C', 'G'] } },
      loudness: { integratedLufs: -9.84 },
    });
    assert.equal(s, 'Tempo: 120 BPM. Key: A minor. Chords: Am, F, C, G. Loudness: -9.8 LUFS.');
    assert.equal(featuresText({ tempo: { bpm: null, confidence: 0 }, loudness: { integratedLufs: null } }), '');
  });

  it('summarises the most repeated cycle', () => {
    assert.deepEqual(summarise(['C', 'Am', 'F', 'G', 'C', 'Am', 'F', 'G', 'C']), ['C', 'Am', 'F', 'G']);
    assert.deepEqual(summarise(['Dm', 'G', 'Dm', 'G', 'C']), ['Dm', 'G']);
    assert.deepEqual(summarise(['C', 'F']), ['C', 'F']);
    assert.deepEqual(summarise([]), []);
  });
});
