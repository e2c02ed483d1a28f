// Session 19 review: "Remove the file's own BPM/key tag where it disagrees" judged a BPM tag by Math.round(tag) !==
// Math.round(our folded guess), while the track detail (contract/tagged.ts detailTagged) uses tempoAgreement: within
// 4 % the same tempo, ×2 / ÷2 its octave. So a tag of 127.40 beside our 127.6, 128 beside 126.4, and 174 beside a
// guess shown as 87 (the detail: "half") were "disagreeing" and removed on request. Now one rule: ownTagDisagrees.
// Run: node --import tsx --test test/unit/tag-write-conflict.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detailTagged, foldBpm, type ProbeResult } from '@contract';
import { ownTagDisagrees, scanFoundNoTempoKeyTag } from '../../main/engine/library/service';
import { libraryVersions, scanKey } from '../../main/engine/library/analyse';
import { probeTempoKey } from '../../main/engine/library/store';

const range = { min: 70, max: 140 };

test('a BPM tag disagrees only where the detail calls it a different tempo, against both the stored and the shown tempo', () => {
  const cases: Array<{ tag: string; stored: number; fold?: boolean; disagrees: boolean }> = [
    { tag: '127.40', stored: 127.6, disagrees: false }, // rounds to 127 vs 128, same tempo within 4 %
    { tag: '128', stored: 126.4, disagrees: false }, // 1.3 % apart
    { tag: '174', stored: 87, disagrees: false }, // our 87 is half the tag's tempo: its octave, the detail says "half"
    { tag: '174', stored: 174, fold: true, disagrees: false }, // analysed 174, shown 87 in 70–140
    { tag: '87', stored: 174, fold: true, disagrees: false }, // the tag agrees with the tempo shown
    { tag: '120', stored: 174, fold: true, disagrees: true }, // neither
    { tag: '128', stored: 97, disagrees: true },
    { tag: '126,5', stored: 97, disagrees: true }, // a decimal comma, as some taggers write it
    { tag: 'Allegro', stored: 97, disagrees: false }, // not a tempo: nothing to judge
  ];
  for (const c of cases) {
    const shown = c.fold ? foldBpm(c.stored, range) : c.stored;
    const got = ownTagDisagrees({ bpm: c.tag, key: null }, { bpm: c.stored, shownBpm: shown, key: null }).bpm;
    assert.equal(got, c.disagrees, JSON.stringify(c));
    // the same verdict as the detail panel's note ("a different tempo"), where the tag reads as a number
    const n = parseFloat(c.tag.replace(',', '.'));
    if (Number.isFinite(n)) {
      const notes = detailTagged({ tagged: { bpm: n }, track: { bpm: shown, key: null }, storedBpm: c.stored }).notes;
      assert.equal(notes.some((x) => x.includes('a different tempo')), c.disagrees, `${JSON.stringify(c)}: ${notes.join(' | ')}`);
    }
  }
});

test('a key tag disagrees where it reads as another key (tonic or mode), in any notation the library reads, "8A/Am" included', () => {
  const ours = { bpm: null, shownBpm: null, key: 'A minor' };
  assert.equal(ownTagDisagrees({ bpm: null, key: '8A' }, ours).key, false);
  assert.equal(ownTagDisagrees({ bpm: null, key: '8A/Am' }, ours).key, false);
  assert.equal(ownTagDisagrees({ bpm: null, key: '8B/C' }, ours).key, true); // the relative major: the detail notes it too
  assert.equal(ownTagDisagrees({ bpm: null, key: 'Em' }, ours).key, true);
  assert.equal(ownTagDisagrees({ bpm: null, key: 'Energy 6' }, ours).key, false); // not a key
  assert.equal(ownTagDisagrees({ bpm: null, key: '8A/Em' }, ours).key, false); // two keys that disagree: not read as a key
});

test('a probe stored before a lower-case tonic meant minor ({key: "A major", keyText: "a"}): the detail and Write tags agree', () => {
  const tagged = probeTempoKey(JSON.stringify({ tags: { key: 'A major', keyText: 'a' } }));
  assert.deepEqual(tagged, { key: 'A minor', keyText: 'a' }, 'the key read again from the text as written');
  for (const ours of ['A major', 'A minor']) {
    const detail = detailTagged({ tagged, track: { bpm: null, key: ours } });
    const writeTags = ownTagDisagrees({ bpm: null, key: 'a' }, { bpm: null, shownBpm: null, key: ours });
    assert.equal(detail.notes.length > 0, writeTags.key, `against ${ours}: ${JSON.stringify(detail)}`);
  }
  assert.equal(ownTagDisagrees({ bpm: null, key: 'a' }, { bpm: null, shownBpm: null, key: 'A major' }).key, true);
  // a probe with no keyText (none stored it so, but a key alone is kept) and a text no notation reads
  assert.deepEqual(probeTempoKey(JSON.stringify({ tags: { key: 'C major' } })), null);
  assert.deepEqual(probeTempoKey(JSON.stringify({ tags: { keyText: 'Energy 6' } })), { keyText: 'Energy 6' });
});

test('the plan takes "no BPM/key tag" from the scan only where the current tag reading found none in readable tags (tags34)', () => {
  const probe = (tags: Record<string, unknown>, warnings: string[] = []) => ({ tags, warnings }) as unknown as ProbeResult;
  const current = scanKey(libraryVersions());
  assert.equal(scanFoundNoTempoKeyTag(probe({ title: 'x' }), current), true);
  // a tag found: the file is read (kept, named, removed as the write would)
  assert.equal(scanFoundNoTempoKeyTag(probe({ bpm: 128 }), current), false);
  assert.equal(scanFoundNoTempoKeyTag(probe({ keyText: 'Energy 6' }), current), false);
  // stored by an older tag reading (another rule for what a tempo/key tag is), or its tags unreadable then: read
  assert.equal(scanFoundNoTempoKeyTag(probe({}), current.replace(/tags:\d+/, 'tags:3')), false);
  assert.equal(scanFoundNoTempoKeyTag(probe({}), null), false);
  assert.equal(scanFoundNoTempoKeyTag(probe({}, ['Tags could not be read: Illegal remaining size']), current), false);
});
