// Times shown in the track view (transport, loop, cues, regions, spectrogram readout) and the library's Time column.
// Found by tester19: a time just under a minute was shown as "0:60.0" (59.96 s: the seconds were rounded to tenths
// after the minutes were taken), a track of 0.3 s read "0:00" in the library (a drum one-shot sample pack is a column
// of 0:00).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fmtLength, fmtTime } from '../../renderer/src/lib/format';
import { fmtDur } from '../../renderer/src/lib/library-format';

test('fmtTime: no seconds field of 60 (tester19: 59.96 s read "0:60.0"); cut to the tenth, as whole seconds are', () => {
  assert.equal(fmtTime(59.96, true), '0:59.9');
  assert.equal(fmtTime(119.97, true), '1:59.9');
  assert.equal(fmtTime(3599.99, true), '59:59.9');
  assert.equal(fmtTime(3600, true), '1:00:00.0');
  assert.equal(fmtTime(59.94, true), '0:59.9');
  assert.equal(fmtTime(0.04, true), '0:00.0');
  assert.equal(fmtTime(61.25, true), '1:01.2');
  assert.equal(fmtTime(59.96), '0:59', 'whole seconds are cut, as players do');
  assert.equal(fmtTime(3725), '1:02:05');
});

test('fmtDur (library) and fmtLength (the track header\'s Duration): a file under one second shows its tenths, not 0:00', () => {
  assert.equal(fmtLength(0.3), '0:00.3');
  assert.equal(fmtLength(8), '0:08');
  assert.equal(fmtDur(0.3), '0:00.3');
  assert.equal(fmtDur(0.96), '0:00.9');
  assert.equal(fmtDur(0.01), '0:00.0');
  assert.equal(fmtDur(5), '0:05');
  assert.equal(fmtDur(1200), '20:00');
  assert.equal(fmtDur(null), '—');
});

// session 17 tester: a 62-minute file's length read 1:01:40 in the track header (whole seconds cut) and 1:01:41.0 in
// the transport (tenths rounded). One rule everywhere (contract clockTime): cut to the precision shown, never rounded up
test('one length, one rule: the header, the transport, the library and `studio analyze` cut a 62-minute file\'s length alike', async () => {
  const { fmtDuration } = await import('../../main/cli/analyze-text');
  const { mmss } = await import('../../main/engine/media/analysis');
  const { clockTime } = await import('@contract');
  const sec = 3700.96;
  assert.equal(fmtLength(sec), '1:01:40');
  assert.equal(fmtDur(sec), '1:01:40');
  assert.equal(fmtTime(sec, true), '1:01:40.9');
  assert.equal(fmtDuration(sec), '1:01:40.96');
  assert.equal(mmss(sec), '1:01:40');
  assert.equal(clockTime(sec, 1), '1:01:40.9');
  // and no seconds field of 60, at any precision
  assert.equal(fmtDuration(59.999), '0:59.99');
  assert.equal(fmtTime(59.96, true), '0:59.9');
  assert.equal(fmtTime(0.3, true), '0:00.3', 'a float a hair under 0.3 s × 10 is still 3 tenths');
  assert.equal(fmtDuration(1.15), '0:01.15');
});
