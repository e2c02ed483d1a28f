/**
 * What the chat pane's memory readout and Unload show (issue 12), measured on
 * a real pack through the real engine process: the engine's resident set
 * before the pack loads, after it loads, and after `model:unload`, over a few
 * load/unload cycles (does Unload give the memory back, and does it leak?).
 * The figures are the engine's own (`model:memory`, process.memoryUsage()).
 *
 * Run: npm run build && node --import tsx test/bench/model-memory.ts PACK_DIR [cycles=3]
 * (a pack big enough to see: e.g. `nice python3 test/bench/make_1b_pack.py --out test/output/mem-2layer --layers 2`)
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { startTestEngine } from '../helpers/engine';

const pack = process.argv[2] ? resolve(process.argv[2]) : '';
const cycles = Number(process.argv[3] ?? 3);
if (!pack) throw new Error('usage: model-memory.ts PACK_DIR [cycles]');

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const { engine, dataDir } = await startTestEngine({ env: { STUDIO_DISABLE_WEBGPU: '1' } });
try {
  await engine.call('model:set-provider', { provider: 'cpu' });
  const idle = await engine.call('model:memory', {});
  console.log(`engine idle: ${MiB(idle.engine.rssBytes)} resident · load average ${loadavg()[0].toFixed(1)}`);
  for (let i = 1; i <= cycles; i++) {
    await engine.call('model:choose-pack', { path: pack });
    const on = await engine.call('model:memory', {});
    if (!on.loaded) throw new Error('the pack did not load');
    await engine.call('model:unload', {});
    const off = await engine.call('model:memory', {});
    console.log(
      `cycle ${i}: weights ${MiB(on.loaded.weightBytes)} in ${on.loaded.sessions.length} sessions · resident before load ${MiB(on.loaded.rssBeforeLoadBytes)}, ` +
        `after load ${MiB(on.loaded.rssAfterLoadBytes)} (+${MiB(on.loaded.rssAfterLoadBytes - on.loaded.rssBeforeLoadBytes)}), ` +
        `after Unload ${MiB(off.engine.rssBytes)} (−${MiB(on.engine.rssBytes - off.engine.rssBytes)} of ${MiB(on.engine.rssBytes)})`,
    );
  }
} finally {
  await engine.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
