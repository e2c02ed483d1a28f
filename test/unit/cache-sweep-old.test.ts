// Session 17 tester: play proxies and beat grids cached before the stream rule (names without ".s1", 5812d6a) — and
// beat grids of an older tempo analyser — are never read again, yet stayed on disk for good. The first time a
// process writes to either cache folder, the files of those old names in it are removed (bounded per sweep);
// current entries, temporaries being written and anything else are left. Session 32: the track view's cached
// waveforms (cache/analysis) too — entries of an older ANALYSIS_VERSION or WAVE_VERSION stayed for good.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WAVE_VERSION } from '../../main/engine/analysis/waveform';
import { analysisCachePath, ANALYSIS_VERSION, isOldAnalysisName, sweepOldAnalyses } from '../../main/engine/media/analysis';
import { beatsCachePath, isOldBeatsName, sweepOldBeats } from '../../main/engine/media/marks';
import { isOldProxyName, proxyPath, sweepOldProxies } from '../../main/engine/media/playable';

const dir = mkdtempSync(join(tmpdir(), 'rs-sweep-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fp = (i: number) => i.toString(16).padStart(32, '0');

test('old names: a proxy without .s1, a beat grid without .s1 or of another tempo version', () => {
  assert.equal(isOldProxyName(`${fp(1)}.webm`), true);
  assert.equal(isOldProxyName(`${fp(1)}.flac`), true);
  assert.equal(isOldProxyName(proxyPath('/c', fp(1), 'webm').split('/').pop()!), false);
  assert.equal(isOldProxyName(`${fp(1)}.0a1b2c3d.tmp.webm`), false, 'a proxy being made');
  assert.equal(isOldProxyName('notes.txt'), false, 'not the cache\'s');
  assert.equal(isOldBeatsName(`${fp(2)}.v7.json`, 7), true);
  assert.equal(isOldBeatsName(`${fp(2)}.v6.s1.json`, 7), true);
  assert.equal(isOldBeatsName(beatsCachePath('/c', fp(2), 7).split('/').pop()!, 7), false);
  assert.equal(isOldBeatsName(`${fp(2)}.v7.s1.json.a1b2c3d4e5f6.tmp`, 7), false, 'being written');
  // session 18 review: a NEWER version's grid is another build's (two builds sharing a cache folder): kept
  assert.equal(isOldBeatsName(`${fp(2)}.v8.s1.json`, 7), false, 'a newer tempo version is kept');
  assert.equal(isOldBeatsName(`${fp(2)}.v6.s1.json`, 8), true, 'and the newer build still sweeps the older one');
});

test('the sweep removes the old names, keeps the rest, at most `max` a sweep, once per folder per process', async () => {
  const cache = join(dir, 'cache');
  mkdirSync(join(cache, 'playable'), { recursive: true });
  mkdirSync(join(cache, 'beats'), { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(join(cache, 'playable', `${fp(i)}.webm`), 'old');
  writeFileSync(proxyPath(cache, fp(9), 'webm'), 'new');
  writeFileSync(join(cache, 'playable', 'keep.txt'), 'x');
  writeFileSync(join(cache, 'beats', `${fp(3)}.v7.json`), '{}');
  writeFileSync(join(cache, 'beats', `${fp(4)}.v6.s1.json`), '{}');
  writeFileSync(beatsCachePath(cache, fp(5), 7), '{}');
  writeFileSync(beatsCachePath(cache, fp(6), 8), '{}'); // a newer build's grid
  assert.equal(await sweepOldProxies(cache, 3), 3, 'bounded');
  assert.equal(await sweepOldProxies(cache, 3), 3, 'once per process: the same sweep');
  assert.deepEqual(readdirSync(join(cache, 'playable')).filter((n) => isOldProxyName(n)).length, 2);
  assert.ok(readdirSync(join(cache, 'playable')).includes(`${fp(9)}.s1.webm`));
  assert.ok(readdirSync(join(cache, 'playable')).includes('keep.txt'));
  assert.equal(await sweepOldBeats(cache, 7), 2);
  assert.deepEqual(readdirSync(join(cache, 'beats')).sort(), [`${fp(5)}.v7.s1.json`, `${fp(6)}.v8.s1.json`]);
  assert.equal(await sweepOldProxies(join(dir, 'none')), 0, 'no folder: nothing, no throw');
});

test('cached waveforms: entries of an older analysis or waveform version are swept, the current and newer ones kept (session 32)', async () => {
  const A = ANALYSIS_VERSION;
  const W = WAVE_VERSION;
  const name = (i: number, v: number, w?: number) => `${fp(i)}.v${v}${w === undefined ? '' : `.w${w}`}.json`;
  assert.equal(isOldAnalysisName(name(1, A)), true, 'named before WAVE_VERSION was in the name');
  assert.equal(isOldAnalysisName(name(1, A - 1, W)), true, 'an older analysis');
  assert.equal(isOldAnalysisName(name(1, A, W - 1)), true, 'an older waveform at this analysis');
  assert.equal(isOldAnalysisName(analysisCachePath('/c', fp(1)).split('/').pop()!), false, 'the current name');
  assert.equal(isOldAnalysisName(name(1, A + 1, 1)), false, 'a newer build\'s entry is kept');
  assert.equal(isOldAnalysisName(name(1, A, W + 1)), false, 'a newer waveform is kept');
  assert.equal(isOldAnalysisName(`${name(1, A - 1, W)}.a1b2c3d4e5f6.tmp`), false, 'being written');
  assert.equal(isOldAnalysisName('README.json'), false, 'not the cache\'s');
  const cache = join(dir, 'cache-analysis');
  mkdirSync(join(cache, 'analysis'), { recursive: true });
  const old = [name(2, 5), name(3, A - 1, W), name(4, A, W - 1)];
  const kept = [analysisCachePath(cache, fp(5)).split('/').pop()!, name(6, A + 1, 1), 'notes.txt'];
  for (const n of [...old, ...kept]) writeFileSync(join(cache, 'analysis', n), '{}');
  assert.equal(await sweepOldAnalyses(cache), 3);
  assert.deepEqual(readdirSync(join(cache, 'analysis')).sort(), [...kept].sort());
});
