/**
 * Where the DeepResonance weights come from (DESIGN.md "Getting the model";
 * sony/DeepResonance README and ckpt/pretrained_ckpt/prepare_vicuna.md).
 */
import { hubEndpoint, hubHeaders, listRepoFiles, type HubFile } from './hub';

/** Hugging Face dataset repo holding the official `ckpt/` tree */
export const DELTA_REPO = 'Sony/DeepResonance_data_models';

/** folder of each variant's delta inside DELTA_REPO, laid out as the official code expects */
export const DELTA_FOLDERS = {
  alpha: 'ckpt/deepresonance_alpha_delta_ckpt/deepresonance/7b_tiva_v0',
  beta: 'ckpt/deepresonance_beta_delta_ckpt/deepresonance/7b_tiva_v0',
} as const;

/** the Vicuna v0 delta over LLaMA-7B (a model repo), applied as FastChat 0.1.10 does */
export const VICUNA_DELTA_REPO = 'lmsys/vicuna-7b-delta-v0';

/** ImageBind-huge, from the URL in the official imagebind_model.py (Meta's file server; no checksum published) */
export const IMAGEBIND_URL = 'https://dl.fbaipublicfiles.com/imagebind/imagebind_huge.pth';

/** STUDIO_IMAGEBIND_URL (tests, mirrors) or the official URL */
export function imagebindUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.STUDIO_IMAGEBIND_URL?.trim() || IMAGEBIND_URL;
}

export interface SourceOptions {
  env?: NodeJS.ProcessEnv;
  revision?: string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** The files of one variant's delta (pytorch_model.pt …) with sizes and SHA-256, from the Hub tree API. */
export function deltaFiles(variant: keyof typeof DELTA_FOLDERS, o: SourceOptions = {}): Promise<HubFile[]> {
  return listRepoFiles({
    repo: DELTA_REPO, repoType: 'dataset', path: DELTA_FOLDERS[variant], revision: o.revision,
    endpoint: hubEndpoint(o.env), headers: hubHeaders(o.env), signal: o.signal, fetch: o.fetch,
  });
}

/** The files of lmsys/vicuna-7b-delta-v0 (config, tokenizer, .bin shards + index). */
export function vicunaDeltaFiles(o: SourceOptions = {}): Promise<HubFile[]> {
  return listRepoFiles({
    repo: VICUNA_DELTA_REPO, repoType: 'model', revision: o.revision,
    endpoint: hubEndpoint(o.env), headers: hubHeaders(o.env), signal: o.signal, fetch: o.fetch,
  });
}
