// Step one's onset envelope (tempo.ts Novelty, helper tempo15): 'superflux' (lag 2, a maximum over neighbouring bands)
// against the shipped 'flux'. Off by default; these pin what it is for: vibrato adds flux, not superflux; struck onsets
// keep both.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LEVEL_TUNING, TempoAnalyser, type Novelty } from '../../main/engine/analysis/tempo';

const SR = 11025;

/** the analyser's onset envelope (and tempo) of a mono signal fed in blocks of 4096 */
function envOf(x: Float32Array, novelty?: Novelty): { env: Float32Array; bpm: number | null } {
  const t = novelty ? new TempoAnalyser({}, LEVEL_TUNING, novelty) : new TempoAnalyser();
  t.init(SR, 1);
  for (let i = 0; i < x.length; i += 4096) t.process([x.subarray(i, Math.min(x.length, i + 4096))]);
  const bpm = t.finish().bpm;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const a = t as any;
  return { env: a.env.slice(0, a.envLen), bpm };
}
const mean = (e: Float32Array) => e.reduce((s, v) => s + v, 0) / e.length;

/** a held tone at 440 Hz with a 6 Hz vibrato of ± depth (relative), and, when `beat` is given, a struck note (a decaying 660 Hz burst) every `beat` s */
function signal(sec: number, depth: number, beat?: number): Float32Array {
  const x = new Float32Array(sec * SR);
  let ph = 0;
  for (let i = 0; i < x.length; i++) {
    const t = i / SR;
    ph += (2 * Math.PI * 440 * (1 + depth * Math.sin(2 * Math.PI * 6 * t))) / SR;
    x[i] = 0.3 * Math.sin(ph) * (1 + 0.5 * Math.sin(2 * Math.PI * 4.3 * t));
    if (beat) {
      const tb = t % beat;
      x[i] += 0.5 * Math.exp(-tb * 12) * Math.sin(2 * Math.PI * 660 * tb) + 0.2 * Math.exp(-tb * 40) * Math.sin(2 * Math.PI * 2500 * tb);
    }
  }
  return x;
}

describe('tempo: the superflux onset envelope (off by default)', () => {
  it('the default analyser is flux: the same envelope as Novelty "flux"', () => {
    const x = signal(6, 0.03, 0.5);
    assert.deepEqual(envOf(x).env, envOf(x, 'flux').env);
  });

  it('a held tone with vibrato and tremolo: superflux well under flux (the wobble between notes is not an onset)', () => {
    const x = signal(10, 0.03);
    const f = mean(envOf(x, 'flux').env);
    const s = mean(envOf(x, 'superflux').env);
    assert.ok(f > 0, `flux ${f}`);
    assert.ok(s < 0.5 * f, `superflux ${s} against flux ${f}`);
  });

  it('struck notes over that tone: superflux keeps them, with more contrast than flux (beats against between), and the tempo is the notes\' 120 BPM', () => {
    const x = signal(12, 0.03, 0.5);
    const fps = SR / 256;
    /** the envelope's mean at the frames of the strikes (the first 2.5 frames of each beat) over its mean elsewhere */
    const contrast = (env: Float32Array) => {
      let on = 0;
      let non = 0;
      let off = 0;
      let noff = 0;
      for (let i = 4; i < env.length; i++) {
        const ph = ((i / fps) % 0.5) * fps;
        if (ph < 2.5 || ph > 0.5 * fps - 1) (on += env[i]), non++;
        else (off += env[i]), noff++;
      }
      return on / non / (off / noff);
    };
    const s = envOf(x, 'superflux');
    const f = envOf(x, 'flux');
    assert.ok(contrast(s.env) > 3, `superflux contrast ${contrast(s.env)}`);
    assert.ok(contrast(s.env) > contrast(f.env), `superflux contrast ${contrast(s.env)}, flux ${contrast(f.env)}`);
    assert.ok(s.bpm !== null && Math.abs(s.bpm - 120) <= 0.04 * 120, `tempo ${s.bpm}`);
  });
});
