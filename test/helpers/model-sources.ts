// The tiny checkpoints (tools/convert/make_tiny.py, written the way the official code writes
// them) published on the local Hub / file server (hub-server.ts) at the places the real ones
// live: the DeepResonance deltas in the dataset Sony/DeepResonance_data_models under ckpt/…,
// lmsys/vicuna-7b-delta-v0 as a model repo, ImageBind at a static URL like Meta's.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StudioPage } from '../e2e/studio-page';
import { HubServer } from './hub-server';

export interface PublishedSources {
  hub: HubServer;
  /** environment for a studio process that gets the model from this server */
  env: Record<string, string>;
  /** the user's own LLaMA-7B folder (HF format, safetensors shards with inv_freq) */
  llamaDir: string;
  /** an assembled Vicuna folder */
  vicunaDir: string;
  files: { deltaAlpha: Buffer; deltaBeta: Buffer; imagebind: Buffer; imagebindConfig: Buffer; vicunaDelta: Record<string, Buffer> };
}

export const DELTA_PATH = (v: 'alpha' | 'beta') => `ckpt/deepresonance_${v}_delta_ckpt/deepresonance/7b_tiva_v0/pytorch_model.pt`;

/** Start a server publishing the tiny sources from `tinyDir` (test/output/tiny-packs). */
export async function publishTinySources(tinyDir: string, pageSize = 2): Promise<PublishedSources> {
  const src = join(tinyDir, 'src');
  const hub = await HubServer.start(pageSize);
  const deltaAlpha = readFileSync(join(src, 'delta_alpha.pt'));
  const deltaBeta = readFileSync(join(src, 'delta_beta.pt'));
  hub.addRepo('dataset', 'Sony/DeepResonance_data_models', {
    [DELTA_PATH('alpha')]: deltaAlpha,
    [DELTA_PATH('beta')]: deltaBeta,
    'README.md': Buffer.from('# DeepResonance data and models\n'),
  }, 'main', 10_000);
  const vd = join(src, 'llama-vicuna-delta');
  const vicunaDelta = Object.fromEntries(readdirSync(vd).map((n) => [n, readFileSync(join(vd, n))]));
  hub.addRepo('model', 'lmsys/vicuna-7b-delta-v0', { ...vicunaDelta, '.gitattributes': Buffer.from('*.bin filter=lfs\n'), 'README.md': Buffer.from('# vicuna delta\n') }, 'main', 10_000);
  const imagebind = readFileSync(join(src, 'imagebind_tiny.pth'));
  const imagebindConfig = readFileSync(join(src, 'imagebind_tiny.json'));
  const ibUrl = hub.addStatic('/imagebind/imagebind_huge.pth', imagebind);
  const cfgUrl = hub.addStatic('/imagebind/imagebind_huge.json', imagebindConfig);
  return {
    hub,
    env: { HF_ENDPOINT: hub.url, STUDIO_IMAGEBIND_URL: ibUrl, STUDIO_IMAGEBIND_CONFIG_URL: cfgUrl, STUDIO_DOWNLOAD_BACKOFF_MS: '20', STUDIO_DISK_RESERVE_BYTES: '0' },
    llamaDir: join(src, 'llama-base'),
    vicunaDir: join(src, 'llama'),
    files: { deltaAlpha, deltaBeta, imagebind, imagebindConfig, vicunaDelta },
  };
}

/**
 * A stand-in for the user's LLaMA-7B folder, as the Get plan checks one (catalog.ts llmFolderProblem: config.json of
 * a llama, tokenizer.model, a weight file), with empty files: a Get without such a folder is refused before it starts
 * (tester26), so a test whose Get must start and then fail at the Hub needs one. Made in `dir` (created).
 * @returns `dir`
 */
export function llamaFolderStandIn(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'llama', architectures: ['LlamaForCausalLM'] }));
  writeFileSync(join(dir, 'tokenizer.model'), '');
  writeFileSync(join(dir, 'pytorch_model.bin'), '');
  return dir;
}

/**
 * Publish stand-in sources on `hub` at the real places (the deltas, the Vicuna delta, ImageBind) with filler bytes of
 * the given sizes: enough for a Get to start, download for as long as the sizes and `hub.throttle` make it, and then
 * fail at conversion (they are no checkpoints). For tests of the Get's own behaviour (busy, failed), not of a
 * conversion; `publishTinySources` publishes real tiny checkpoints.
 * @param sizes bytes of each delta, of the Vicuna delta's weight file and of ImageBind
 * @returns the environment a studio process needs to get from `hub`
 */
export function publishStandInSources(hub: HubServer, sizes: { delta: number; vicuna: number; imagebind: number }): Record<string, string> {
  const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
  hub.addRepo('dataset', 'Sony/DeepResonance_data_models', { [DELTA_PATH('alpha')]: bytes(sizes.delta, 1), [DELTA_PATH('beta')]: bytes(sizes.delta, 2) }, 'main', 10_000);
  hub.addRepo('model', 'lmsys/vicuna-7b-delta-v0', { 'config.json': Buffer.from('{"model_type":"llama"}'), 'tokenizer.model': bytes(100, 3), 'pytorch_model.bin': bytes(sizes.vicuna, 4) }, 'main', 10_000);
  const ib = hub.addStatic('/imagebind/imagebind_huge.pth', bytes(sizes.imagebind, 5));
  return { HF_ENDPOINT: hub.url, STUDIO_IMAGEBIND_URL: ib, STUDIO_DOWNLOAD_BACKOFF_MS: '20', STUDIO_DISK_RESERVE_BYTES: '0' };
}

/**
 * In the page: open the Models panel (Get model…) and choose `llama` as the LLaMA-7B folder with the file browser,
 * as a user does; resolves once the catalogue has been read again with it.
 */
export async function chooseLlamaFolder(sp: StudioPage, llama: string): Promise<void> {
  const { page } = sp;
  await openModelsPanel(sp);
  await page.getByTestId('pick-llama').click();
  await sp.fileBrowser().goTo(dirname(llama));
  await page.locator(`[data-testid=browser-list] [data-name="${basename(llama)}"]`).click();
  const m = await sp.mark();
  await page.getByTestId('browser-use-folder').click();
  await sp.waitForEvent('catalog-loaded', { after: m });
}

/** In the page: open the Models panel (Get model…); resolves once the catalogue is read and the panel is shown. */
export async function openModelsPanel(sp: StudioPage): Promise<void> {
  const m = await sp.mark();
  await sp.page.getByTestId('get-model').click();
  await sp.waitForEvent('catalog-loaded', { after: m });
  await sp.page.getByTestId('models-panel').waitFor();
}
