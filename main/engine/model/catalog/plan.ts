/**
 * What getting one variant takes on this machine: the parts (present, partial,
 * missing, or to be pointed to by the user), the downloads still to do, and the
 * converter's inputs. Used by the catalogue listing and by the Get job alike, so
 * the panel, `studio model list` and `studio model get` always agree.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogPart, GetRequest, Precision } from '@contract';
import { StudioError } from '@contract';
import type { Expected, HubFile } from '../download/index';
import { imagebindUrl, VICUNA_DELTA_REPO, DELTA_REPO, DELTA_FOLDERS } from '../download/index';
import { CKPT, ESTIMATED_BYTES, fileSize, IMAGEBIND_HUGE_TOWER_PARAMS, layout, llmDims, llmFolderProblem, locateCkpt, packBytesEstimate, PRECISIONS, type Layout, type Variant } from './catalog';

/** The Hub's answer for the files of a variant (null: not asked yet, or unreachable). */
export interface Discovery {
  delta: Partial<Record<Variant, HubFile[]>>;
  vicunaDelta?: HubFile[];
  /** Content-Length of the ImageBind URL (HEAD), where the server gave it */
  imagebindBytes?: number;
}

export interface PlannedDownload {
  part: 'delta' | 'imagebind' | 'vicuna-delta';
  url: string;
  dest: string;
  expected?: Expected;
  /** exact when the source published it, else the estimate */
  bytes: number;
  estimated: boolean;
  /** verified and in place */
  present: boolean;
  /** bytes of an interrupted download */
  partialBytes: number;
}

export interface Plan {
  variant: Variant;
  parts: CatalogPart[];
  downloads: PlannedDownload[];
  /** converter inputs, null where the user must still point to something (the message says what) */
  inputs: { imagebind: string; imagebindConfig?: string; llm: string | null; vicunaDelta?: string; delta: string };
  /** why the LLM cannot be had yet, if so */
  llmProblem: string | null;
  /** the pack's size per precision, estimated from the LLM's config.json (Vicuna-7B until known) and the ImageBind file */
  packBytes: Record<Precision, number>;
}

/** `<dest>.verified.json`: what the studio verified, keyed by the file's size, mtime and inode (no re-hash of GBs on every Get). */
export interface VerifiedMarker { url: string; bytes: number; sha256: string; mtimeMs: number; ino: number; verifiedBy: 'sha256' | 'size+keys' | 'git-oid' }

export const markerPath = (dest: string) => `${dest}.verified.json`;

export function readMarker(dest: string): VerifiedMarker | null {
  try {
    const m = JSON.parse(readFileSync(markerPath(dest), 'utf8')) as VerifiedMarker;
    const st = statSync(dest);
    return m.bytes === st.size && m.mtimeMs === st.mtimeMs && m.ino === st.ino ? m : null;
  } catch {
    return null;
  }
}

/** present = verified by the studio (marker), or of the published size when the caller accepts that (listing only) */
function downloadOf(part: PlannedDownload['part'], url: string, dest: string, expected: Expected | undefined, bytes: number, estimated: boolean): PlannedDownload {
  const marker = readMarker(dest);
  const present = marker !== null && (!expected?.sha256 || marker.sha256 === expected.sha256) && (expected?.size === undefined || marker.bytes === expected.size);
  const d: PlannedDownload = { part, url, dest, expected, bytes, estimated, present, partialBytes: 0 };
  d.partialBytes = onDiskBytes(d);
  return d;
}

/**
 * Bytes of a download that are already on disk but not verified here: an interrupted download's `<dest>.part`, or —
 * with no `.part` — the whole file in place at its published size whose marker does not match it (a models folder
 * copied or moved to another disk: new inode and times; tester29b). Counted as on disk, not to download (the size
 * shown, the Get's disk check); the Get hashes such a file again (download() step 1, or the ImageBind branch) before
 * it is used, and downloads it anew only if that fails.
 */
function onDiskBytes(d: PlannedDownload): number {
  if (d.present) return 0;
  const part = fileSize(`${d.dest}.part`);
  if (part >= 0) return part;
  return !d.estimated && d.bytes > 0 && fileSize(d.dest) === d.bytes ? d.bytes : 0;
}

/** Files of lmsys/vicuna-7b-delta-v0 worth fetching: config, tokenizer, weights (safetensors when both are published). */
export function vicunaDeltaWanted(files: HubFile[]): HubFile[] {
  const useful = files.filter((f) => !/(^|\/)(\.gitattributes|README\.md|LICENSE.*)$/i.test(f.path) && !/\.(md|txt|h5|msgpack|ot)$/.test(f.path));
  const hasSafe = useful.some((f) => f.path.endsWith('.safetensors'));
  return useful.filter((f) => (hasSafe ? !/\.bin(\.index\.json)?$/.test(f.path) : !/\.safetensors(\.index\.json)?$/.test(f.path)));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function partOf(id: CatalogPart['id'], label: string, source: string, ds: PlannedDownload[], verifiedBy: CatalogPart['verifiedBy'], path: string | null): CatalogPart {
  const bytes = sum(ds.map((d) => d.bytes));
  const presentBytes = sum(ds.map((d) => (d.present ? d.bytes : d.partialBytes)));
  const state = ds.every((d) => d.present) ? 'present' : ds.some((d) => d.present || d.partialBytes > 0) ? 'partial' : 'missing';
  return { id, label, source, bytes, estimated: ds.some((d) => d.estimated), state, presentBytes, path, verifiedBy };
}

/**
 * The plan for one variant. `req` holds the folders the user pointed to (LLaMA-7B,
 * Vicuna-7B v0, an official ckpt tree). Raises StudioError NOT_FOUND when a folder (its `detail`: the folder's problem alone, without
 * the command line's option — the Models panel's foldersProblem)
 * given does not hold what it should (the message says what it lacks).
 */
export function plan(modelsDir: string, variant: Variant, req: Pick<GetRequest, 'llama' | 'vicuna' | 'from'>, discovery: Discovery, env: NodeJS.ProcessEnv = process.env): Plan {
  const L: Layout = layout(modelsDir);
  const own = locateCkpt(L.ckpt);
  const from = req.from ? locateCkpt(req.from) : null;
  if (req.from && !existsSync(req.from)) throw new StudioError('NOT_FOUND', `--from "${req.from}" does not exist. Point it to the official ckpt/ folder (the one holding pretrained_ckpt/ and deepresonance_*_delta_ckpt/).`, `The official ckpt/ folder "${req.from}" does not exist.`);
  if (from && !from.imagebind && !from.vicuna && !from.delta.alpha && !from.delta.beta) {
    throw new StudioError('NOT_FOUND', `"${req.from}" holds none of the official ckpt/ files (${CKPT.imagebind}, ${CKPT.vicuna}/, ${CKPT.delta(variant)}). Point to the official ckpt/ folder.`, `"${req.from}" holds none of the official ckpt/ files (${CKPT.imagebind}, ${CKPT.vicuna}/, ${CKPT.delta(variant)}): it is not the official ckpt/ folder.`);
  }
  const parts: CatalogPart[] = [];
  const downloads: PlannedDownload[] = [];

  // 1. the DeepResonance delta
  let delta: string;
  const deltaSource = `hf:datasets/${DELTA_REPO}/${DELTA_FOLDERS[variant]}`;
  if (from?.delta[variant]) {
    delta = from.delta[variant]!;
    parts.push({ id: 'delta', label: `${variant === 'alpha' ? 'α' : 'β'} delta (from your ckpt/ folder)`, source: delta, bytes: fileSize(delta), estimated: false, state: 'present', presentBytes: fileSize(delta), path: delta, verifiedBy: 'user' });
  } else {
    const files = discovery.delta[variant];
    const dir = L.deltaDir(variant);
    const ds = files
      ? files.map((f) => downloadOf('delta', f.url, join(dir, f.path.slice(DELTA_FOLDERS[variant].length + 1)), f.expected, f.size, false))
      : [downloadOf('delta', '', join(dir, 'pytorch_model.pt'), undefined, ESTIMATED_BYTES.delta[variant], true)];
    delta = join(dir, 'pytorch_model.pt');
    downloads.push(...ds);
    parts.push(partOf('delta', `${variant === 'alpha' ? 'α' : 'β'} delta (pytorch_model.pt)`, deltaSource, ds, 'sha256', dir));
  }

  // 2. ImageBind-huge
  let imagebind: string;
  let imagebindConfig: string | undefined;
  if (from?.imagebind) {
    imagebind = from.imagebind;
    const cfg = imagebind.replace(/\.pth$/, '.json');
    if (existsSync(cfg)) imagebindConfig = cfg;
    parts.push({ id: 'imagebind', label: 'ImageBind-huge (from your ckpt/ folder)', source: imagebind, bytes: fileSize(imagebind), estimated: false, state: 'present', presentBytes: fileSize(imagebind), path: imagebind, verifiedBy: 'user' });
  } else {
    const url = imagebindUrl(env);
    const d = downloadOf('imagebind', url, L.imagebind, undefined, ESTIMATED_BYTES.imagebind, true);
    const m = readMarker(L.imagebind);
    if (m) Object.assign(d, { bytes: m.bytes, estimated: false });
    else if (discovery.imagebindBytes) Object.assign(d, { bytes: discovery.imagebindBytes, estimated: false });
    d.partialBytes = onDiskBytes(d); // now that its size is known
    imagebind = L.imagebind;
    downloads.push(d);
    const cfgUrl = env.STUDIO_IMAGEBIND_CONFIG_URL?.trim();
    if (cfgUrl) {
      downloads.push(downloadOf('imagebind', cfgUrl, L.imagebindConfig, undefined, 0, false));
      imagebindConfig = L.imagebindConfig;
    }
    parts.push(partOf('imagebind', 'ImageBind-huge (imagebind_huge.pth)', url, downloads.filter((x) => x.part === 'imagebind'), 'size+keys', L.imagebind));
  }

  // 3. Vicuna-7B v0: assembled (given, or in the ckpt tree), else LLaMA-7B + the Vicuna delta
  let llm: string | null = null;
  let vicunaDelta: string | undefined;
  let llmProblem: string | null = null;
  const vicuna = req.vicuna ?? from?.vicuna ?? own.vicuna ?? undefined;
  if (vicuna) {
    llmProblem = llmFolderProblem(vicuna, 'The Vicuna-7B v0 folder');
    if (llmProblem && (req.vicuna || req.from)) throw new StudioError('NOT_FOUND', `${llmProblem} Choose an assembled Vicuna-7B v0 folder, or your LLaMA-7B folder instead.`, llmProblem);
    llm = llmProblem ? null : vicuna;
    parts.push({ id: 'llm', label: 'Vicuna-7B v0 (assembled, yours)', source: vicuna, bytes: null, estimated: false, state: llm ? 'present' : 'user', presentBytes: 0, path: vicuna, verifiedBy: 'user' });
  } else {
    if (req.llama) {
      llmProblem = llmFolderProblem(req.llama, 'The LLaMA-7B folder');
      if (llmProblem) throw new StudioError('NOT_FOUND', `${llmProblem} Choose your LLaMA-7B folder in Hugging Face format (config.json, tokenizer.model, weight shards).`, llmProblem);
      llm = req.llama;
    } else {
      llmProblem = 'Vicuna-7B v0 cannot be downloaded as such (LLaMA licence): point to your LLaMA-7B folder in Hugging Face format (the studio downloads lmsys/vicuna-7b-delta-v0 and applies it), or to an assembled Vicuna-7B v0 folder, or to the official ckpt/ folder.';
    }
    parts.push({ id: 'llm', label: 'LLaMA-7B (Hugging Face format, yours)', source: 'your folder (LLaMA licence: not downloadable)', bytes: null, estimated: false, state: llm ? 'present' : 'user', presentBytes: 0, path: req.llama ?? null, verifiedBy: 'user' });
    const files = discovery.vicunaDelta ? vicunaDeltaWanted(discovery.vicunaDelta) : null;
    const ds = files
      ? files.map((f) => downloadOf('vicuna-delta', f.url, join(L.vicunaDelta, f.path), f.expected, f.size, false))
      : [downloadOf('vicuna-delta', '', join(L.vicunaDelta, 'pytorch_model-00001-of-00002.bin'), undefined, ESTIMATED_BYTES.vicunaDelta, true)];
    downloads.push(...ds);
    vicunaDelta = L.vicunaDelta;
    parts.push(partOf('vicuna-delta', 'Vicuna v0 delta (lmsys/vicuna-7b-delta-v0)', `hf:${VICUNA_DELTA_REPO}`, ds, 'sha256', L.vicunaDelta));
  }
  // ImageBind-huge's file is ≈ 60 % the two towers a pack keeps (fp32: 4 bytes a parameter)
  const ibBytes = fileSize(imagebind);
  const dims = (llm && llmDims(llm)) || (vicunaDelta && llmDims(vicunaDelta)) || undefined;
  const towers = ibBytes > 0 ? (ibBytes * 0.6) / 4 : IMAGEBIND_HUGE_TOWER_PARAMS;
  const packBytes = Object.fromEntries(PRECISIONS.map((q) => [q, packBytesEstimate(q, dims, towers)])) as Record<Precision, number>;
  return { variant, parts, downloads, inputs: { imagebind, imagebindConfig, llm, vicunaDelta, delta }, llmProblem, packBytes };
}
