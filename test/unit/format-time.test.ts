// Times shown in the track view (transport, loop, cues, regions, spectrogram readout) and the library's Time column.
// Found by tester19: a time just under a minute was shown as "0:60.0" (59.96 s: the seconds were rounded to tenths
// after the minutes were taken), a track of 0.3 s read "0:00" in the library (a drum one-shot sample pack is a column
// of 0:00).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fmtLength, fmtTime } from '../../renderer/src/lib/format';
import { fmtDur } from '../../renderer/src/lib/library-format';

test('fmtTime with tenths carries a rounded 60.0 s into the minute (and the hour)', () => {
  assert.equal(fmtTime(59.96, true), '1:00.0');
  assert.equal(fmtTime(119.97, true), '2:00.0');
  assert.equal(fmtTime(3599.99, true), '1:00:00.0');
  assert.equal(fmtTime(59.94, true), '0:59.9');
  assert.equal(fmtTime(0.04, true), '0:00.0');
  assert.equal(fmtTime(61.25, true), '1:01.3');
  assert.equal(fmtTime(59.96), '0:59', 'whole seconds are cut, as players do');
  assert.equal(fmtTime(3725), '1:02:05');
});

test('fmtDur (library) and fmtLength (the track header\'s Duration): a file under one second shows its tenths, not 0:00', () => {
  assert.equal(fmtLength(0.3), '0:00.3');
  assert.equal(fmtLength(8), '0:08');
  assert.equal(fmtDur(0.3), '0:00.3');
  assert.equal(fmtDur(0.96), '0:01.0');
  assert.equal(fmtDur(0.01), '0:00.0');
  assert.equal(fmtDur(5), '0:05');
  assert.equal(fmtDur(1200), '20:00');
  assert.equal(fmtDur(null), '—');
});
