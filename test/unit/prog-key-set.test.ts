// keydata18 (session 18, issue 11): tools/eval/prog-key-set.ts, the generated-progression key set. Its plan must be
// reproducible from the seed, its kind flags must describe the chords as played (cadence across the loop's wrap, a
// cadential six-four is not a cadence), the family must not depend on where the loop starts, and the notes must stay in
// the key they claim (every pitch class of the melody over a diatonic chord in the key's scale, the minor's dominant
// with the raised leading tone).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chordTones, familyKey, isCadential, planSet, planTreatments, soxEffects, treatPlan, type Chord } from '../../tools/eval/prog-key-set';

const c = (root: number, q: 'M' | 'm' | 'd', fn: Chord['fn'], inv: 0 | 1 | 2 = 0, sev: Chord['sev'] = ''): Chord => ({ root, q, sev, inv, label: '', fn });

describe('prog-key-set', () => {
  it('plans the same set from the same seed, another from another', () => {
    const a = planSet(24, 18), b = planSet(24, 18), d = planSet(24, 19);
    assert.deepEqual(a.map((s) => [s.file, s.key, s.notes.length]), b.map((s) => [s.file, s.key, s.notes.length]));
    assert.notDeepEqual(a.map((s) => s.progId), d.map((s) => s.progId));
  });

  it('calls a loop cadential when a dominant goes straight to the tonic, across the wrap too, not into a six-four', () => {
    const I = c(0, 'M', 'T'), IV = c(5, 'M', 'PD'), V = c(7, 'M', 'D'), vi = c(9, 'm', 'T2');
    assert.equal(isCadential([I, IV, V, I]), true);
    assert.equal(isCadential([I, IV, V]), true); // V → I over the wrap
    assert.equal(isCadential([IV, V, vi]), false); // deceptive, and vi → IV over the wrap
    assert.equal(isCadential([IV, V, c(0, 'M', 'T', 2), IV]), false); // cadential six-four
    assert.equal(isCadential([IV, c(11, 'd', 'D'), I, vi]), true); // vii° → I
  });

  it('gives a loop and its rotation one family, and the minor dominant its raised leading tone', () => {
    const seq = [c(0, 'm', 'T'), c(5, 'm', 'PD'), c(8, 'M', 'T2'), c(7, 'M', 'D', 0, '7')];
    assert.equal(familyKey('minor', seq), familyKey('minor', [...seq.slice(2), ...seq.slice(0, 2)]));
    assert.notEqual(familyKey('minor', seq), familyKey('major', seq));
    assert.deepEqual(chordTones(seq[3]).sort((x, y) => x - y), [2, 5, 7, 11]); // G B D F over C minor: B natural
  });

  it('plans both kinds of every flag, two songs per progression, keys and lengths in range', () => {
    const p = planSet(80, 18);
    assert.equal(p.length, 80);
    assert.equal(new Set(p.map((s) => s.progId)).size, 40);
    for (const flag of [true, false]) {
      assert.ok(p.filter((s) => s.cadential === flag).length >= 30, `cadential ${flag}`);
      assert.ok(p.filter((s) => s.startsTonic === flag).length >= 30, `startsTonic ${flag}`);
    }
    assert.ok(p.filter((s) => s.key.mode === 'minor').length >= 30);
    for (const s of p) {
      assert.ok(s.sec >= 15 && s.sec <= 30, s.file);
      assert.ok(s.key.tonic >= 0 && s.key.tonic < 12);
      // the melody over the loop's diatonic chords (no secondary dominant or borrowed chord) stays in the key's scale
      // (harmonic minor: the natural minor plus the raised seventh)
      const scale = s.key.mode === 'major' ? [0, 2, 4, 5, 7, 9, 11] : [0, 2, 3, 5, 7, 8, 10, 11];
      const diatonic = s.roman.every((r) => !r.includes('/') && !r.includes('♭') && !/^(iv|IV|v|VII|ii°|I \(Picardy\))/.test(r) || (s.key.mode === 'minor' && /^(iv|ii°)/.test(r)));
      if (diatonic) for (const n of s.notes) if (n.ch === 0) assert.ok(scale.includes((n.note - s.key.tonic + 120) % 12), `${s.file}: ${n.note} (${s.roman.join(' ')})`);
    }
  });

  // key23 (decision23 K2): --treat, one seeded audio treatment per song, drawn evenly, in the stated ranges
  it('treatments: evenly drawn (n/4 of each), seeded, in range; the song plan and families as without them', () => {
    const t = planTreatments(300, 23);
    assert.deepEqual(t, planTreatments(300, 23));
    assert.notDeepEqual(t.map((x) => x.kind), planTreatments(300, 24).map((x) => x.kind));
    for (const k of ['none', 'overdrive', 'treble', 'overdrive+treble']) assert.equal(t.filter((x) => x.kind === k).length, 75, k);
    for (const x of t) {
      const od = x.kind === 'overdrive' || x.kind === 'overdrive+treble', tr = x.kind === 'treble' || x.kind === 'overdrive+treble';
      assert.equal(x.overdriveGain !== undefined, od);
      assert.equal(x.trebleGain !== undefined, tr);
      if (od) assert.ok(x.overdriveGain! >= 6 && x.overdriveGain! <= 20 && x.overdriveColour! >= 10 && x.overdriveColour! <= 30, JSON.stringify(x));
      if (tr) assert.ok(x.trebleGain! >= 6 && x.trebleGain! <= 12 && x.trebleHz! >= 2000 && x.trebleHz! <= 4000, JSON.stringify(x));
    }
    assert.deepEqual(soxEffects({ kind: 'none' }), []);
    assert.deepEqual(soxEffects({ kind: 'overdrive+treble', overdriveGain: 12.5, overdriveColour: 20, trebleGain: 8, trebleHz: 3000 }), ['overdrive', '12.5', '20', 'treble', '+8', '3000']);
    const plain = planSet(40, 23), treated = treatPlan(planSet(40, 23), 23);
    assert.deepEqual(treated.map((s) => [s.file, s.key, s.family, s.notes.length]), plain.map((s) => [s.file, s.key, s.family, s.notes.length]));
    assert.ok(treated.every((s) => s.treatment) && plain.every((s) => !s.treatment));
  });
});
