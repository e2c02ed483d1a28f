import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openFolderOptions } from '../../main/electron/shell-methods';
import { emptyForm, parseFilter, shortKey } from '../../renderer/src/lib/library-filter';

describe('library UI logic', () => {
  it('turns the filter form into a LibraryFilter: ranges open on one side, keys passed on as typed', () => {
    assert.deepEqual(parseFilter(emptyForm()), { filter: {}, problem: null });
    const { filter, problem } = parseFilter({ ...emptyForm(), text: '  night drive ', bpmMin: '95', bpmMax: '', lufsMax: '-8,5', key: '8A', status: 'failed' });
    assert.equal(problem, null);
    assert.deepEqual(filter, { text: 'night drive', bpm: [95, 1000], lufs: [-200, -8.5], key: '8A', status: 'failed' });
  });

  it('says what is wrong with a range instead of sending it', () => {
    assert.match(parseFilter({ ...emptyForm(), bpmMin: 'fast' }).problem ?? '', /BPM: type a number/);
    assert.match(parseFilter({ ...emptyForm(), lufsMin: '-5', lufsMax: '-10' }).problem ?? '', /LUFS: the lower bound is above/);
  });

  it('shortens key names for the key-strength plot', () => {
    assert.equal(shortKey('A minor'), 'Am');
    assert.equal(shortKey('C# major'), 'C#');
    assert.equal(shortKey('Bb minor'), 'Bbm');
  });

  it('the native folder dialog for the library allows several folders', () => {
    assert.deepEqual(openFolderOptions('library').properties, ['openDirectory', 'multiSelections']);
    assert.deepEqual(openFolderOptions('model-pack').properties, ['openDirectory']);
  });
});
