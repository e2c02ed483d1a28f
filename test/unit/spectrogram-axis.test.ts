// The spectrogram's frequency axes and the coloured waveform's colours (issue 12 gaps): pure
// helpers of the renderer, checked against the engine's mel filterbank they must agree with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { melFilterbank } from '../../main/engine/dsp/mel';
import { freqToY, LOG_MIN_HZ, melRowOf, yToFreq } from '../../renderer/src/lib/freq-axis';
import { bandColour } from '../../renderer/src/views/track/wave-colour';

describe('spectrogram axes', () => {
  it('yToFreq inverts freqToY on the mel, linear and log axes', () => {
    for (const scale of ['mel', 'linear', 'log'] as const) {
      for (const f of [50, 100, 440, 1000, 3520, 7900]) {
        const y = freqToY(f, 8000, scale);
        assert.ok(y >= 0 && y <= 1, `${scale} ${f}: ${y}`);
        assert.ok(Math.abs(yToFreq(y, 8000, scale) - f) < 1e-6 * f, `${scale} ${f}`);
      }
    }
    assert.equal(freqToY(LOG_MIN_HZ / 2, 8000, 'log'), 0);
    assert.equal(yToFreq(1, 8000, 'log'), 8000);
    assert.equal(freqToY(4000, 8000, 'linear'), 0.5);
  });

  it('melRowOf names the engine filterbank row whose peak is nearest the frequency', () => {
    const rows = 128;
    const bands = melFilterbank(rows, 1024, 16000, 0, 8000);
    const binHz = 16000 / 1024;
    for (const f of [100, 250, 440, 1000, 1200, 3000, 6000]) {
      // the row whose weights are largest at f's bin
      const bin = Math.round(f / binHz);
      let best = -1;
      let bestW = -1;
      bands.forEach((b, r) => {
        const w = b.weights[bin - b.start] ?? 0;
        if (w > bestW) [bestW, best] = [w, r];
      });
      assert.ok(Math.abs(melRowOf(f, rows, 8000) - best) <= 1, `${f} Hz: row ${melRowOf(f, rows, 8000)}, filterbank ${best}`);
    }
  });
});

describe('coloured waveform', () => {
  const rgb = (s: string) => s.match(/\d+/g)!.map(Number);
  it('low is red, mid green, high blue; the strongest component at full brightness, played dimmer', () => {
    const [lr, lg, lb] = rgb(bandColour(200, 10, 5, false));
    assert.ok(lr === 255 && lg < 100 && lb < 100, `low ${lr},${lg},${lb}`);
    const [mr, mg, mb] = rgb(bandColour(10, 200, 10, false));
    assert.ok(mg === 255 && mr < 120 && mb < 120, `mid ${mr},${mg},${mb}`);
    const [hr, hg, hb] = rgb(bandColour(5, 10, 200, false));
    assert.ok(hb === 255 && hr < 100 && hg < 180, `high ${hr},${hg},${hb}`);
    const [pr] = rgb(bandColour(200, 10, 5, true));
    assert.ok(pr < 160 && pr > 100, `played ${pr}`);
  });
});
