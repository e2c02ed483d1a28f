/**
 * The Get job: download what is missing (one file at a time, resumable), verify
 * it, then convert into a pack — with progress, speed and ETA, pause / resume /
 * cancel. A kill at any moment loses nothing: downloads resume from their `.part`
 * files (HTTP Range), verified files carry a `.verified.json` marker, and the
 * converter writes the pack into a temporary sibling it renames at the end, so no
 * partial pack is ever listed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fmtBytes, GET_AGAIN, GET_FROM_CKPT, StudioError, toErrorData, type GetRequest, type GetState, type Precision, type StateOrder } from '@contract';
import { download, DownloadError, freeBytes, hubEndpoint, hubHeaders, removePartial, type DownloadProgress } from '../download/index';
import { fileSize, type Variant } from './catalog';
import { isInside } from '../../fs/paths';
import { convertEstimate, recordConvertRate } from './convert-rate';
import { lockModels } from './lock';
import { markerPath, readMarker, type Plan, type PlannedDownload, type VerifiedMarker } from './plan';

export { lockModels };

/** The converter's entry point (main/engine/model/convert): see ConvertOptions there. */
export type ConvertFn = (o: {
  imagebind: string; imagebindConfig?: string; llm: string; vicunaDelta?: string; delta: string; out: string;
  precision: Precision; variant?: Variant;
  /** the pack's name in its manifest (the Get passes its folder's name) */
  name?: string;
  onProgress?: (p: { step: string; done: number; total: number; bytes?: number }) => void; signal?: AbortSignal;
}) => Promise<{ dir: string; manifest: string; bytes: number }>;

export interface JobDeps {
  /** make the plan (discovering the sources); may throw StudioError with what to do */
  plan: (signal: AbortSignal) => Promise<Plan>;
  convert: ConvertFn;
  /** the pack folder for this request */
  out: string;
  modelsDir: string;
  env: NodeJS.ProcessEnv;
  emit: (s: GetJobState) => void;
  /** the pack is in place */
  onPack: (dir: string) => void;
  /** free space to keep beyond what is needed (bytes) */
  /** free space kept beyond the downloads and the pack (default DISK_RESERVE_BYTES) */
  reserveBytes?: number;
  /** download backoff (tests) */
  backoffMs?: number;
  /** why the pack in `out` was removed to be built again (it no longer verified); said when it is ready */
  rebuiltBecause?: string;
}

/**
 * A download's file in place with no checksum published (ImageBind) and no valid marker: its SHA-256, and why it is
 * damaged where what is known says so — shorter or longer than the size the server states (HEAD) or than the marker
 * written when it was downloaded, or of another SHA-256 than that marker's (a byte changed since). A file the marker
 * does not vouch for only because it was copied or moved (new inode and times, same bytes) is not damaged (tester29b).
 */
async function checkInPlace(d: PlannedDownload, signal: AbortSignal): Promise<{ sha256: string; damaged?: string }> {
  const size = fileSize(d.dest);
  let old: Partial<VerifiedMarker> | null = null;
  try {
    old = JSON.parse(await readFile(markerPath(d.dest), 'utf8')) as Partial<VerifiedMarker>;
  } catch {
    // (no marker: put there by hand, or a kill between the rename and the marker)
  }
  const known = !d.estimated && d.bytes > 0 ? d.bytes : typeof old?.bytes === 'number' ? old.bytes : undefined;
  if (known !== undefined && size !== known) return { sha256: '', damaged: `${size < known ? 'truncated' : 'too long'}: ${size} of ${known} bytes` };
  const sha256 = await sha256File(d.dest, signal);
  if (typeof old?.sha256 === 'string' && old.sha256 !== sha256) return { sha256, damaged: 'its SHA-256 is not the one recorded when it was downloaded' };
  return { sha256 };
}

async function sha256File(path: string, signal: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22, signal })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** bytes a Get keeps free on the models folder's disk beyond the downloads and the pack, unless told otherwise */
export const DISK_RESERVE_BYTES = 1e9;

const fileLabel = (d: PlannedDownload) => d.dest.split(/[\\/]/).slice(-1)[0];

/** A Get's state as the job keeps it; the catalogue stamps its order (StateOrder) on each copy it sends. */
export type GetJobState = Omit<GetState, keyof StateOrder>;

/** One Get: request + state; `run()` again after a pause resumes it. */
export class GetJob {
  state: GetJobState;
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;
  private lastEmit = 0;

  constructor(readonly req: GetRequest & { precision: Precision }, private readonly deps: JobDeps) {
    this.state = {
      jobId: `get-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      variant: req.variant, precision: req.precision, state: 'running', steps: [], bytes: 0, total: 0,
      bytesPerSecond: null, etaSeconds: null, convertSeconds: null, convertFrom: null, message: 'Looking up the sources…', error: null, packPath: null, startedAt: Date.now(),
    };
  }

  get active(): boolean {
    return this.running !== null;
  }

  private emit(force = false) {
    const now = Date.now();
    if (!force && now - this.lastEmit < 250) return;
    this.lastEmit = now;
    this.deps.emit(structuredClone(this.state));
  }

  /** Start or resume. Resolves when the job stops (finished, paused, cancelled or failed). */
  start(): Promise<void> {
    if (this.running) return this.running;
    const controller = new AbortController();
    this.controller = controller;
    Object.assign(this.state, { state: 'running', error: null, message: 'Looking up the sources…', bytesPerSecond: null, etaSeconds: null, convertSeconds: null });
    this.emit(true);
    this.running = this.run(controller.signal).finally(() => {
      this.running = null;
      this.controller = null;
      this.emit(true);
    });
    return this.running;
  }

  /** Stop downloading and keep every partial file (Resume continues from them; a conversion starts again). */
  async pause(): Promise<void> {
    const running = this.running;
    this.controller?.abort(new StudioError('CANCELLED', 'paused'));
    await running?.catch(() => undefined);
  }

  /** Stop, and remove this job's partial downloads (verified files and installed packs stay). */
  async cancel(plan?: Plan): Promise<void> {
    const wasRunning = this.running;
    this.controller?.abort(new StudioError('CANCELLED', 'cancelled'));
    await wasRunning?.catch(() => undefined);
    for (const d of plan?.downloads ?? []) if (!d.present) await removePartial(d.dest);
    Object.assign(this.state, { state: 'cancelled', message: 'Cancelled. Partial downloads were removed; verified files are kept.', bytesPerSecond: null, etaSeconds: null, convertSeconds: null });
    for (const s of this.state.steps) if (s.state === 'running' || s.state === 'pending') s.state = 'skipped';
    this.emit(true);
  }

  lastPlan: Plan | null = null;

  private async run(signal: AbortSignal): Promise<void> {
    const s = this.state;
    let unlock: (() => void) | null = null;
    try {
      unlock = lockModels(this.deps.modelsDir, this.deps.env.STUDIO_HOST_COMMAND);
      const p = await this.deps.plan(signal);
      this.lastPlan = p;
      if (!p.inputs.llm) throw new StudioError('MODEL_MISSING', p.llmProblem ?? 'The LLM folder is missing.');
      const todo = p.downloads.filter((d) => !d.present);
      s.steps = [
        ...p.downloads.map((d) => ({
          id: d.dest, label: `${d.part === 'delta' ? 'DeepResonance delta' : d.part === 'imagebind' ? 'ImageBind-huge' : 'Vicuna v0 delta'}: ${fileLabel(d)}`,
          kind: 'download' as const, state: d.present ? ('done' as const) : ('pending' as const),
          bytes: d.present ? d.bytes : d.partialBytes, total: d.estimated ? null : d.bytes, bytesPerSecond: null, etaSeconds: null,
        })),
        { id: 'convert', label: `Convert to ${packName(s.precision)}`, kind: 'convert', state: 'pending', bytes: 0, total: null, bytesPerSecond: null, etaSeconds: null },
      ];
      // the Get's progress counts every file it downloads, those already verified too: a Resume (whose plan finds the
      // files verified before the pause present) goes on from where the pause left it, not from a smaller total
      s.total = p.downloads.reduce((a, d) => a + d.bytes, 0);
      s.bytes = p.downloads.reduce((a, d) => a + (d.present ? d.bytes : d.partialBytes), 0);
      // disk: what is left to download + the pack + a reserve, on the models folder's disk
      const left = todo.reduce((a, d) => a + Math.max(0, d.bytes - d.partialBytes), 0);
      const packBytes = p.packBytes[s.precision];
      const need = left + packBytes + (this.deps.reserveBytes ?? DISK_RESERVE_BYTES);
      const free = await freeBytes(this.deps.modelsDir);
      if (free < need) {
        throw new StudioError('UNREADABLE', `Not enough free disk space in ${this.deps.modelsDir}: getting ${s.variant === 'alpha' ? 'α' : 'β'} at ${s.precision} needs about ${fmtBytes(need)} (${fmtBytes(left)} still to download, the pack ≈ ${fmtBytes(packBytes)}, ${fmtBytes(this.deps.reserveBytes ?? DISK_RESERVE_BYTES)} to spare) but ${fmtBytes(free)} is free. Free some space, choose a smaller precision, or set STUDIO_MODELS_DIR to a folder on a bigger disk, then ${GET_AGAIN}; nothing downloaded so far is lost.`);
      }
      // the conversion after the downloads, in the ETA from the start (ui35): this computer's measured rate, else the
      // benchmark's (convert-rate.ts)
      const conversion = convertEstimate(this.deps.modelsDir, s.precision, packBytes);
      s.convertSeconds = conversion?.seconds ?? null;
      s.convertFrom = conversion?.from ?? null;
      this.emit(true);
      const estimate = new Map(p.downloads.map((d) => [d.dest, d.bytes]));
      const downloadSteps = s.steps.filter((x) => estimate.has(x.id));
      const recount = () => {
        s.bytes = downloadSteps.reduce((a, x) => a + x.bytes, 0);
        s.total = downloadSteps.reduce((a, x) => a + (x.total ?? estimate.get(x.id)!), 0);
      };
      for (const d of todo) {
        const step = s.steps.find((x) => x.id === d.dest)!;
        step.state = 'running';
        s.message = `Downloading ${step.label}`;
        this.emit(true);
        // a file in place without the studio's marker and with no checksum to compare (ImageBind put there
        // by hand, or a kill between the rename and the marker): keep it; its SHA-256 is recorded and the
        // converter's key/shape check verifies it
        const inPlace = !d.expected && fileSize(d.dest) >= 0 && fileSize(`${d.dest}.part`) < 0 ? await checkInPlace(d, signal) : null;
        if (inPlace?.damaged) {
          // a checkpoint damaged since (truncated, bytes changed): set aside, not deleted (it may be the user's own
          // copy), and downloaded anew; said in the step, which the panel and the command line show
          const aside = `${d.dest}.damaged`;
          await rename(d.dest, aside);
          await rm(markerPath(d.dest), { force: true });
          step.detail = `the file in place is damaged (${inPlace.damaged}): set aside as ${basename(aside)}; downloading it again`;
          this.emit(true);
        }
        const r = inPlace && !inPlace.damaged
          ? { size: fileSize(d.dest), sha256: inPlace.sha256, alreadyPresent: true }
          : await download({
          url: d.url, dest: d.dest, expected: d.expected, signal,
          headers: d.part === 'imagebind' ? {} : hubHeaders(this.deps.env), hubEndpoint: hubEndpoint(this.deps.env),
          reserveBytes: 0, backoffMs: this.deps.backoffMs,
          onProgress: (pr: DownloadProgress) => {
            step.bytes = pr.bytes;
            if (pr.total !== undefined) step.total = pr.total;
            step.bytesPerSecond = pr.bytesPerSecond;
            step.etaSeconds = pr.etaSeconds ?? null;
            step.detail = pr.phase === 'downloading' ? undefined : pr.message ?? pr.phase; // a wait says how long and why
            recount();
            s.bytesPerSecond = pr.bytesPerSecond;
            // the whole job: what is left to download, then the conversion
            s.etaSeconds = pr.bytesPerSecond > 0 ? (s.total - s.bytes) / pr.bytesPerSecond + (s.convertSeconds ?? 0) : null;
            this.emit(pr.phase === 'waiting'); // a wait's message is never lost to the 250 ms throttle
          },
        }).catch((e) => {
          throw e instanceof DownloadError ? downloadFailure(e, d) : e;
        });
        const st = statSync(d.dest);
        const marker: VerifiedMarker = { url: d.url, bytes: r.size, sha256: r.sha256, mtimeMs: st.mtimeMs, ino: st.ino, verifiedBy: d.expected?.sha256 ? 'sha256' : d.expected?.gitBlobSha1 ? 'git-oid' : 'size+keys' };
        await writeFile(markerPath(d.dest), JSON.stringify(marker));
        Object.assign(step, { state: 'done', bytes: r.size, total: r.size, bytesPerSecond: null, etaSeconds: null, detail: r.alreadyPresent ? 'already there' : 'verified' });
        recount();
        this.emit(true);
      }
      s.bytesPerSecond = null;
      s.etaSeconds = s.convertSeconds;

      // convert
      const conv = s.steps.find((x) => x.id === 'convert')!;
      conv.state = 'running';
      s.message = `Converting to ${packName(s.precision)}`;
      this.emit(true);
      const t0 = Date.now();
      const res = await this.deps.convert({
        imagebind: p.inputs.imagebind, imagebindConfig: p.inputs.imagebindConfig, llm: p.inputs.llm, vicunaDelta: p.inputs.vicunaDelta,
        delta: p.inputs.delta, out: this.deps.out, precision: s.precision, variant: s.variant, signal,
        // the manifest names the pack as its folder is named ("deepresonance-beta-int4"), not by its dtype and quant
        // ("deepresonance-beta-fp32-int4": the panel showed that name beside the folder's; ui35)
        name: basename(this.deps.out),
        onProgress: (c) => {
          conv.bytes = c.done;
          conv.total = c.total;
          const el = (Date.now() - t0) / 1000;
          // the whole conversion's time left (done/total count one converter step only: their ETA started again at
          // each step); none once the estimate is past — then the step says so, rather than the time left vanishing
          const rest = conversion && conversion.seconds > el ? conversion.seconds - el : null;
          conv.detail = conversion && rest === null ? `${c.step} — taking longer than estimated (${conversion.seconds < 60 ? 'under a minute' : `about ${Math.round(conversion.seconds / 60)} min`})` : c.step;
          conv.etaSeconds = rest;
          s.etaSeconds = rest;
          s.convertSeconds = rest;
          s.message = `Converting: ${c.step}`;
          this.emit();
        },
      });
      await recordSources(res.manifest, p);
      recordConvertRate(this.deps.modelsDir, s.precision, res.bytes, (Date.now() - t0) / 1000);
      Object.assign(conv, { state: 'done', detail: undefined, etaSeconds: null });
      Object.assign(s, { etaSeconds: null, convertSeconds: null });
      Object.assign(s, { state: 'finished', packPath: res.dir, message: `${s.variant === 'alpha' ? 'DeepResonance-α' : 'DeepResonance-β'} (${s.precision}) is ready: ${res.dir}${this.deps.rebuiltBecause ? ` (built again: the installed pack did not verify — ${this.deps.rebuiltBecause})` : ''}` });
      this.deps.onPack(res.dir);
    } catch (err) {
      const reason = signal.reason as StudioError | undefined;
      if (signal.aborted && reason?.message === 'paused') {
        Object.assign(s, { state: 'paused', message: 'Paused. Partial downloads are kept; Resume continues from them (a conversion starts again).', bytesPerSecond: null, etaSeconds: null, convertSeconds: null });
        for (const st of s.steps) if (st.state === 'running') { st.state = 'pending'; st.bytesPerSecond = null; st.etaSeconds = null; }
      } else if (signal.aborted) {
        s.state = 'cancelled';
      } else {
        const e = toErrorData(modelsFolderFailure(err, this.deps.modelsDir) ?? diskFullFailure(err, this.deps.modelsDir, s.precision, this.lastPlan) ?? err);
        Object.assign(s, { state: 'failed', error: { code: e.code, message: e.message }, message: e.message, bytesPerSecond: null, etaSeconds: null, convertSeconds: null });
        for (const st of s.steps) if (st.state === 'running') Object.assign(st, { state: 'failed', detail: undefined, bytesPerSecond: null, etaSeconds: null });
      }
    } finally {
      unlock?.();
    }
  }
}

/**
 * The disk full while the Get writes into the models folder — the converter's `<out>.partial` (a download's own
 * ENOSPC is the download's 'disk-space') — as a StudioError saying so and what to do, instead of "Unexpected error:
 * ENOSPC: no space left on device, write" (tester29b: a disk filled by something else meanwhile, or a pack larger
 * than its estimate). ENOSPC or EDQUOT naming no path (a write) or a path in `modelsDir`; null for any other error.
 */
export function diskFullFailure(err: unknown, modelsDir: string, precision: Precision, plan: Plan | null): StudioError | null {
  const e = err as NodeJS.ErrnoException | null;
  if (e?.code !== 'ENOSPC' && e?.code !== 'EDQUOT') return null;
  if (typeof e.path === 'string' && e.path && !isInside(resolve(e.path), resolve(modelsDir))) return null;
  const est = plan ? ` (the pack ≈ ${fmtBytes(plan.packBytes[precision])})` : '';
  const head = e.code === 'EDQUOT' ? `Your disk quota on the models folder ${modelsDir} is used up` : `The disk of the models folder ${modelsDir} is full`;
  return new StudioError('UNREADABLE', `${head}: converting to ${packName(precision)} ran out of space${est}. Free some space, choose a smaller precision, or set STUDIO_MODELS_DIR to a folder on a bigger disk, then ${GET_AGAIN}; nothing downloaded so far is lost.`);
}

/**
 * A write into the models folder that the file system refused, as a StudioError (READ_ONLY) saying which folder,
 * why and what to do — instead of "Unexpected error: EROFS …". `err`: what a mkdir, open or write threw (a
 * NodeJS.ErrnoException; its `path` is the file or folder that failed); `modelsDir`: the models folder
 * (STUDIO_MODELS_DIR or `<data folder>/models`). Read-only disk (EROFS), no permission (EACCES, EPERM) or a file
 * where a folder is needed (ENOTDIR, EEXIST); null for any other error (the disk full is the download's own
 * 'disk-space'), and null where the error names a path neither inside `modelsDir` nor one of its parents (the user's own source files). The one wording of this for the Get job, `studio model get` and the Models panel.
 */
export function modelsFolderFailure(err: unknown, modelsDir: string): StudioError | null {
  const e = err as NodeJS.ErrnoException | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const why = code === 'EROFS' ? 'the file system is read-only'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way where a folder is needed'
    : null;
  if (!why) return null;
  // only a refusal inside the models folder, or on a folder above it that making it needs (a file in the way of a
  // parent: ENOTDIR on mkdir of that parent), is the models folder's: an EACCES on the user's own source (a --llama
  // shard, a --from folder) is that file's error, passed on as it is
  if (typeof e?.path === 'string' && e.path && !isInside(resolve(e.path), resolve(modelsDir)) && !isInside(resolve(modelsDir), resolve(e.path))) return null;
  const at = e?.path && e.path !== modelsDir ? ` (${e.path})` : '';
  return new StudioError('READ_ONLY', `The models folder ${modelsDir} cannot be written: ${why}${at}. Make it writable, or set STUDIO_MODELS_DIR to a folder you can write (on a disk with room for the pack), then ${GET_AGAIN}; nothing downloaded so far is lost.`);
}

/**
 * "an int4 pack": a pack of `precision` with its article as said aloud — every precision's name starts with a vowel
 * sound ("an int4", "an int8", "an fp16" as "eff-pee", "an fp32"); tester28 read "Convert to a int4 pack".
 */
export function packName(precision: Precision): string {
  const vowelSound = /^(int|fp)/.test(precision);
  return `${vowelSound ? 'an' : 'a'} ${precision} pack`;
}

/**
 * A download that failed, as a StudioError saying what to do: its message ends with GET_AGAIN, and for ImageBind the
 * other sources (a mirror, GET_FROM_CKPT), which each host words its own way (getAgainFor).
 */
export function downloadFailure(e: DownloadError, d: PlannedDownload): StudioError {
  const what = d.part === 'imagebind' ? 'ImageBind-huge (STUDIO_IMAGEBIND_URL or Meta’s server)' : 'the Hugging Face Hub (HF_ENDPOINT)';
  // the download's message says what is wrong and what to change (its own words end with a full stop); the one
  // instruction to start again is the host's, added here (session 30: "…; nothing was kept, try again", no full stop)
  if (e.code === 'disk-space') return new StudioError('UNREADABLE', `${e.message} Then ${GET_AGAIN}.`);
  if (e.code === 'checksum' || e.code === 'size') return new StudioError('DECODE_FAILED', `${e.message} Then ${GET_AGAIN}.`);
  // the download's message says what the refusal means (refusalHint: the repository page and the token, or another server)
  const elsewhere = d.part === 'imagebind' ? ` (or set STUDIO_IMAGEBIND_URL to a mirror, or ${GET_FROM_CKPT})` : '';
  if (e.code === 'http' && (e.status === 401 || e.status === 403)) return new StudioError('FORBIDDEN', `${e.message}. Then ${GET_AGAIN}${elsewhere}.`);
  // the server answered that it cannot serve now (rate limit, overload): its message says so; not the connection's fault
  if (e.code === 'http' && e.status !== undefined && (e.status === 429 || e.status >= 500)) return new StudioError('UNREADABLE', `${e.message} Then ${GET_AGAIN}${elsewhere}.`);
  if (e.code === 'http' && e.status === 404) return new StudioError('NOT_FOUND', `${e.message}. Then ${GET_AGAIN}${elsewhere}.`);
  return new StudioError('UNREADABLE', `${e.message}. Check the connection to ${what}, then ${GET_AGAIN}: the download resumes where it stopped.`);
}

/**
 * Write into the pack's manifest (`source.downloads`) what was downloaded and how it was
 * verified — for ImageBind, whose server publishes no checksum, the SHA-256 of the file
 * that passed the size check and the converter's key/shape check. manifest.json is not
 * among the hashed files, so the pack stays valid; it is replaced atomically.
 */
async function recordSources(manifestPath: string, p: Plan): Promise<void> {
  const m = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown> & { source?: Record<string, unknown> };
  const downloads = p.downloads.map((d) => {
    const mk = readMarker(d.dest);
    return { part: d.part, file: d.dest.split(/[\\/]/).slice(-1)[0], url: d.url, bytes: mk?.bytes ?? null, sha256: mk?.sha256 ?? null, verified: mk?.verifiedBy === 'size+keys' ? 'size + converter key/shape check (no checksum published)' : mk?.verifiedBy === 'git-oid' ? 'git blob id (Hub)' : 'SHA-256 (Hub LFS)' };
  });
  m.source = { ...(m.source ?? {}), downloads };
  const tmp = join(manifestPath, '..', '.manifest.json.tmp');
  await writeFile(tmp, JSON.stringify(m, null, 2) + '\n');
  await rename(tmp, manifestPath);
}
