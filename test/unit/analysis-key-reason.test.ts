// session 14 tester: the tempo said why it had none (NO_TEMPO), the key did not. The tonal analyser now says
// which cause applied, from what it already measured (frame count, in-band energy, share of peaks in partials);
// the key and its confidence are unchanged (test/unit/analysis-key*.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFile } from '../../main/engine/analysis/run';
import { NO_KEY, TonalAnalyser, type TonalResult } from '../../main/engine/analysis/tonal';
import { media } from '../helpers/media';

const wav = (name: string, src: string) => media(name, ['-f', 'lavfi', '-i', src, '-ar', '44100', '-c:a', 'pcm_s16le']);
const key = async (path: string) => ((await analyzeFile(path, [new TonalAnalyser()])).results.tonal as TonalResult).key;

describe('why there is no key', () => {
  it('too short: under one analysis frame', async () => {
    const k = await key(wav('key-reason-short-0.2s.wav', 'sine=f=440:d=0.2'));
    assert.equal(k.key, null);
    assert.equal(k.reason, NO_KEY.short);
  });
  it('silence', async () => {
    const k = await key(wav('key-reason-silence-5s.wav', 'anullsrc=r=44100:cl=mono:d=5'));
    assert.equal(k.key, null);
    assert.equal(k.reason, NO_KEY.silence);
  });
  it('no pitched content: white noise', async () => {
    const k = await key(wav('key-reason-noise-5s.wav', 'anoisesrc=d=5:c=white:a=0.5:s=3'));
    assert.equal(k.key, null);
    assert.equal(k.reason, NO_KEY.unpitched);
  });
  it('a key found has no reason', async () => {
    const k = await key(wav('key-reason-triad-5s.wav', 'aevalsrc=0.2*sin(2*PI*261.63*t)+0.2*sin(2*PI*329.63*t)+0.2*sin(2*PI*392*t):s=44100:d=5'));
    assert.notEqual(k.key, null);
    assert.equal(k.reason, undefined);
  });
});
