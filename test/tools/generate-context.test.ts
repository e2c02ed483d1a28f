// Why an answer ended, when it ends at the model's context window (tester17): the tiny α pack's decoder has
// 2048 positions (llm.max_position_embeddings); a chat asked with Max new tokens 2048 stopped after 2019 tokens
// (the prompt held 29) and the pane said "Stopped at the token limit: raise Max new tokens" — which cannot help.
// The runtime now says 'context' for that end, 'max_new_tokens' only where Max new tokens was reached.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AnswerStats, AskResult } from '@contract';
import { loadPack } from '../../main/engine/model/pack';
import { ModelRuntime, testTokenDelayMs, type PromptEmbeds } from '../../main/engine/model/runtime';
import { ensureTinyPacks, refsIndex, TINY_DIR } from './helpers';

ensureTinyPacks();
const refs = refsIndex();

describe('an answer that fills the context window ends with stoppedBy "context"', () => {
  let rt: ModelRuntime;
  before(async () => {
    rt = await ModelRuntime.open(await loadPack(join(TINY_DIR, refs.packs['alpha-fp32'].dir)), 'cpu', { threads: 1, prefixCacheBytes: 0 });
  });
  after(async () => {
    await rt?.close();
  });

  /** the prompt of a plain question, its rows repeated to `length` positions (the model reads them as a long prompt) */
  async function promptOf(length: number): Promise<PromptEmbeds> {
    const p = await rt.buildPrompt('', 'Describe every instrument in detail.', []);
    const H = rt.pack.manifest.llm.hidden_size;
    const embeds = new Float32Array(length * H);
    for (let i = 0; i < length; i++) embeds.set(p.embeds.subarray((i % p.length) * H, (i % p.length + 1) * H), i * H);
    return { ...p, embeds, length };
  }
  // EOS and stop ids are banned (min new tokens) so that only the limits can end the answer
  const opts = (maxNewTokens: number) => ({ greedy: true, temperature: 0, topP: 1, maxNewTokens, minNewTokens: maxNewTokens, seed: 0 });

  test('4 positions left, 64 new tokens asked: 4 tokens, stopped by the context, not by Max new tokens', async () => {
    const maxPos = rt.pack.manifest.llm.max_position_embeddings;
    assert.equal(maxPos, 2048);
    const res = await rt.generate(await promptOf(maxPos - 4), opts(64));
    assert.equal(res.tokenIds.length, 4);
    assert.equal(res.stoppedBy, 'context');
    // the contract carries it (chat stats, studio ask --json)
    assert.equal(AnswerStats.shape.stoppedBy.parse(res.stoppedBy), 'context');
    assert.equal(AskResult.shape.stoppedBy.parse(res.stoppedBy), 'context');
  });

  test('Max new tokens reached first: stopped by max_new_tokens, as before', async () => {
    const res = await rt.generate(await promptOf(100), opts(3));
    assert.equal(res.tokenIds.length, 3);
    assert.equal(res.stoppedBy, 'max_new_tokens');
  });
});

test('the per-token pause is test-only: none unless STUDIO_TEST_TOKEN_DELAY_MS is a whole number of 1–1000 ms', () => {
  assert.equal(testTokenDelayMs({}), 0, 'the app never pauses');
  assert.equal(testTokenDelayMs({ STUDIO_TEST_TOKEN_DELAY_MS: '20' }), 20);
  for (const v of ['0', '-5', '2.5', '5000', 'x', '']) assert.equal(testTokenDelayMs({ STUDIO_TEST_TOKEN_DELAY_MS: v }), 0, v);
});
