// A failed Get's message in each host's words (tester28: `studio model get` ended "Then Get again.", the Models panel's
// button, which a terminal does not have).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getAgainFor, toErrorData } from '@contract';
import { failedLine } from '../../main/cli/model';
import { modelsFolderFailure } from '../../main/engine/model/catalog/job';

describe('a failed Get says how to start it again in the host’s words (main/contract/get-again.ts)', () => {
  const e = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/m' });
  const message = modelsFolderFailure(e, '/m')!.message;

  it('the Models panel keeps its button’s name', () => {
    assert.match(getAgainFor(message, 'panel'), /then Get again; nothing downloaded so far is lost\.$/);
  });

  it('studio model get says to run the same command again, never "Get again"', () => {
    const line = failedLine({ error: toErrorData(modelsFolderFailure(e, '/m')!), message });
    assert.match(line, /^studio: The models folder \/m cannot be written: permission denied\. .*then run the same command again; nothing downloaded so far is lost\.$/);
    assert.doesNotMatch(line, /Get again/);
  });
});

describe('the Get job names the pack it converts to with the right article (tester28: "Convert to a int4 pack")', () => {
  it('an int4, an int8, an fp16, an fp32', async () => {
    const { Precision } = await import('@contract');
    const { packName } = await import('../../main/engine/model/catalog/job');
    for (const p of Precision.options) assert.equal(packName(p), `an ${p} pack`);
  });
});
