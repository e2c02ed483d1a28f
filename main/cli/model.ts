/**
 * `studio model …`: list, get, convert, verify — the Models panel's engine code
 * (model:catalog, model:get + model:get-state events, model:convert,
 * model:verify-pack) on the command line.
 */
import { createInterface } from 'node:readline/promises';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fmtBytes as sizeText, fmtEta, getAgainFor, StudioError, toErrorData, type CatalogPart, type GetState, type ModelCatalog, type StateOrder } from '@contract';
import { DATA_FOLDER_IN_USE_EXIT } from '../data-lock';
import type { EngineHost } from '../engine-host';
import { llmFolderProblem } from '../engine/model/catalog/catalog';
import { shownPath, shownText } from './analyze-text';
import { onCtrlC } from './interrupt';

export const MODEL_USAGE = `Usage:
  studio model list [--json] [--offline]
      DeepResonance-α and -β: what each is built from, what is present (and
      partly downloaded), sizes, the disk space needed per precision, and the
      installed packs. --offline skips looking the sources up (sizes are estimates).
  studio model get alpha|beta [--llama DIR] [--vicuna DIR] [--from CKPT_DIR]
                   [--precision int4|int8|fp16|fp32] [--yes]
      Download what is missing (the delta from Sony/DeepResonance_data_models,
      ImageBind-huge from Meta's server, lmsys/vicuna-7b-delta-v0 when --llama is
      given), verify it, and convert it into a pack. Vicuna-7B v0 cannot be
      downloaded (LLaMA licence): give --llama with your LLaMA-7B folder (Hugging
      Face format), or --vicuna with an assembled Vicuna-7B v0 folder, or --from
      with the official ckpt/ folder (what it holds is not downloaded). The folders
      are remembered. Resumable: after Ctrl+C or a kill, run it again. Default
      precision int4. --yes: do not ask before downloading.
  studio model convert --imagebind FILE [--imagebind-config FILE] --llm DIR
                   [--vicuna-delta DIR] --delta FILE --out DIR [--precision …]
      The converter alone, on files already on disk. --llm is an assembled
      Vicuna-7B v0 folder, or a LLaMA-7B folder together with --vicuna-delta.
  studio model verify DIR
      Re-hash every file of a pack against its manifest (exit 1 if one differs).

Environment: HF_ENDPOINT (Hugging Face mirror), HF_TOKEN, STUDIO_IMAGEBIND_URL
(ImageBind mirror), STUDIO_MODELS_DIR (where downloads and packs go; default
<data folder>/models), STUDIO_DATA_DIR (the data folder; --data-dir DIR, with
any model command, instead).`;

type Start = () => Promise<EngineHost>;
const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

class UsageError extends Error {}

export function fmtBytes(n: number | null | undefined, estimated = false): string {
  // the contract's one rule (bytes.ts), as the app shows sizes
  const s = sizeText(n);
  return estimated && s !== '—' ? `≈${s}` : s;
}

const STATE_WORD: Record<CatalogPart['state'], string> = { present: 'present', partial: 'partial', missing: 'missing', user: 'yours' };

/** `studio model list` as text. */
export function formatCatalog(c: ModelCatalog): string {
  const lines = [`Models folder: ${shownPath(c.modelsDir)}${c.freeBytes !== null ? ` (${fmtBytes(c.freeBytes)} free)` : ''}`];
  if (c.sourcesNote) lines.push(`Note: ${c.sourcesNote}`);
  for (const e of c.entries) {
    lines.push('', `${e.model} (${e.variant}) — ${e.summary}`);
    for (const p of e.parts) {
      // 'partial' with every byte there: files in place the studio has not checked here (a models folder copied to
      // another disk: new inodes and times); Get checks them (SHA-256) and downloads nothing (tester29b)
      const whole = p.state === 'partial' && p.bytes !== null && p.presentBytes >= p.bytes;
      const size = p.state === 'partial' && !whole ? `${fmtBytes(p.presentBytes)} of ${fmtBytes(p.bytes, p.estimated)}` : fmtBytes(p.bytes, p.estimated);
      const where = p.state === 'user' ? (p.id === 'llm' ? 'point to it: --llama DIR, --vicuna DIR or --from CKPT_DIR' : p.source) : p.path !== undefined && p.path !== null ? shownPath(p.path) : p.source;
      lines.push(`  ${(whole ? 'on disk' : STATE_WORD[p.state]).padEnd(8)} ${p.label.padEnd(46)} ${size.padStart(18)}  ${where}`);
    }
    const packs = Object.entries(e.packBytes).map(([q, b]) => `${q} ≈${fmtBytes(b)}`).join(', ');
    lines.push(`  to download: ${fmtBytes(e.downloadBytes)}; pack: ${packs}`);
    for (const k of e.packs) lines.push(`  installed: ${shownText(k.name)} (${k.precision}, ${fmtBytes(k.bytes)}) ${shownPath(k.path)}`);
    // a pack there whose manifest cannot be read: named with why and what to do, not "none" (tester40)
    const damaged = c.damagedPacks.filter((d) => d.variant === e.variant);
    for (const d of damaged) lines.push(`  installed, damaged: ${shownText(d.name)} — ${shownText(d.problem)}`);
    if (!e.packs.length && !damaged.length) lines.push(`  installed: none — studio model get ${e.variant} --llama DIR`);
  }
  for (const d of c.damagedPacks.filter((x) => x.variant === null)) lines.push('', `Damaged pack: ${shownText(d.name)} — ${shownText(d.problem)}`);
  if (c.job) lines.push('', `Get job: ${c.job.variant} ${c.job.precision} ${c.job.state} — ${c.job.message}`);
  return lines.join('\n');
}

/** One progress line for a TTY: bar, percent, bytes, speed, ETA (the whole job's, the conversion's part named), what runs; "connecting…" and what runs while the total is not known yet. */
export function progressLine(s: Omit<GetState, keyof StateOrder>, width = 100): string {
  const step = s.steps.find((x) => x.state === 'running');
  if (step?.kind === 'convert') {
    const f = step.total ? Math.min(1, step.bytes / step.total) : 0;
    return `${bar(f)} ${String(Math.round(f * 100)).padStart(3)}%  convert: ${step.detail ?? ''}  ETA ${fmtEta(step.etaSeconds, 'clock')}`.slice(0, width);
  }
  const label = step ? `${step.label}${step.detail ? ` (${step.detail})` : ''}` : '';
  // no total yet (the sizes are still being looked up): no bar, no "0 B/0 B" (tester28)
  if (!(s.total > 0)) return `connecting…${label ? `  ${label}` : ''}`.slice(0, width);
  const f = Math.min(1, s.bytes / s.total);
  const speed = s.bytesPerSecond ? `${fmtBytes(s.bytesPerSecond)}/s` : '';
  // the ETA is the whole job's: the conversion after the downloads is in it, and said (ui35)
  const conv = s.convertSeconds ? `  (convert ${fmtEta(s.convertSeconds, 'clock')} incl.)` : '';
  return `${bar(f)} ${String(Math.round(f * 100)).padStart(3)}%  ${fmtBytes(s.bytes)}/${fmtBytes(s.total)}  ${speed}  ETA ${fmtEta(s.etaSeconds, 'clock')}${conv}  ${label}`.slice(0, width);
}

/**
 * The line `studio model get` ends with when the Get failed: the engine's message in the command line's words
 * (`getAgainFor`: "run the same command again", not the Models panel's "Get again"; tester28).
 */
export function failedLine(end: Pick<GetState, 'error' | 'message'>): string {
  return `studio: ${getAgainFor(end.error?.message ?? end.message, 'cli')}`;
}

/**
 * What a TTY prints whole above the progress bar when the running download's detail changes: the bar is cut to the
 * terminal's width, and a wait's reason and its time ("… asked to wait 5 min (Retry-After); retrying at 18:42:07 (in
 * 5 min)") do not fit what an 80-column line leaves after the bar, the figures and the label (tester28c). `line` is
 * null when there is nothing new: no running download, no detail, the detail already printed (`lastKey`, the `key` of
 * the previous call), or a conversion, whose detail is its progress. Plain output prints every such line anyway.
 */
export function stepNote(s: Pick<GetState, 'steps'>, lastKey: string): { key: string; line: string | null } {
  const step = s.steps.find((x) => x.state === 'running');
  const key = step ? step.id + (step.detail ?? '') : '';
  const line = step && step.kind !== 'convert' && step.detail && key !== lastKey ? `${step.label} (${step.detail})` : null;
  return { key, line };
}

function bar(f: number, n = 24): string {
  const k = Math.round(f * n);
  return `[${'#'.repeat(k)}${'-'.repeat(n - k)}]`;
}

async function list(argv: string[], start: Start): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, offline: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return void out(MODEL_USAGE), 0;
  const engine = await start();
  try {
    const c = await engine.call('model:catalog', { refresh: !values.offline });
    out(values.json ? JSON.stringify(c) : formatCatalog(c));
    return 0;
  } finally {
    await engine.stop();
  }
}

async function get(argv: string[], start: Start): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      llama: { type: 'string' }, vicuna: { type: 'string' }, from: { type: 'string' }, precision: { type: 'string', default: 'int4' },
      yes: { type: 'boolean', short: 'y' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void out(MODEL_USAGE), 0;
  const variant = positionals[0];
  if (positionals.length !== 1 || (variant !== 'alpha' && variant !== 'beta')) throw new UsageError('model get takes the variant: studio model get alpha|beta [--llama DIR] [--vicuna DIR] [--from CKPT_DIR] [--precision int4|int8|fp16|fp32] [--yes]');
  const precision = values.precision!;
  if (!['int4', 'int8', 'fp16', 'fp32'].includes(precision)) throw new UsageError(`--precision must be int4, int8, fp16 or fp32, got "${precision}"`);
  if (values.llama && values.vicuna) throw new UsageError('give --llama (LLaMA-7B, the Vicuna delta is downloaded and applied) or --vicuna (assembled Vicuna-7B v0), not both');
  const req = {
    variant, precision: precision as 'int4',
    llama: values.llama ? resolve(values.llama) : undefined,
    vicuna: values.vicuna ? resolve(values.vicuna) : undefined,
    from: values.from ? resolve(values.from) : undefined,
  } as const;
  // the folders given are checked before anything is looked up or asked (the engine's plan says the same, but only once Get runs)
  const given = givenFolderProblem(req);
  if (given) return err(`studio: ${given}`), 1;
  const engine = await start();
  const tty = process.stderr.isTTY;
  let offCtrlC = () => undefined as void;
  try {
    // what it will take, and a yes before gigabytes move
    const cat = await engine.call('model:catalog', { refresh: true, llama: req.llama, vicuna: req.vicuna, from: req.from });
    const entry = cat.entries.find((e) => e.variant === variant)!;
    // no folder given: the remembered ones (--help: "The folders are remembered"), which the catalogue above planned
    // with — the Get itself was sent none and refused "Vicuna-7B v0 cannot be downloaded as such" (tester29b)
    const r = cat.remembered;
    const getReq = req.llama || req.vicuna || req.from ? req : { ...req, llama: r.llama ?? undefined, vicuna: r.vicuna ?? undefined, from: r.from ?? undefined };
    const installed = entry.packs.find((k) => k.precision === precision);
    if (!installed && entry.parts.find((x) => x.id === 'llm')?.state === 'user') {
      // no LLM to build on (none given, none remembered, none in the models folder's ckpt tree): nothing to ask about
      err(`studio: ${NO_LLM}`);
      return 1;
    }
    if (!installed) {
      if (cat.sourcesNote) err(`studio: ${cat.sourcesNote}`);
      // the disk the Get checks for: with the space it keeps free (its refusal said 1 GB more than this line did)
      const need = entry.downloadBytes + entry.packBytes[precision] + cat.reserveBytes;
      err(`${entry.model} at ${precision}: ${fmtBytes(entry.downloadBytes)} to download, the pack ≈${fmtBytes(entry.packBytes[precision])}; about ${fmtBytes(need)} of disk needed in ${cat.modelsDir}, ${fmtBytes(cat.reserveBytes)} of it kept free${cat.freeBytes !== null ? ` (${fmtBytes(cat.freeBytes)} free)` : ''}.`);
      if (!values.yes && entry.downloadBytes > 0) {
        if (!process.stdin.isTTY) throw new UsageError('add --yes to download without being asked (nothing was downloaded)');
        if (!(await askToContinue())) return err('Nothing was downloaded.'), 1;
      }
    }
    const done = new Promise<GetState>((resolveDone) => {
      let jobId: string | null = null;
      let lastStep = '';
      const early: GetState[] = [];
      const onState = (s: GetState) => {
        if (jobId === null) return void early.push(s);
        if (s.jobId !== jobId) return;
        const step = s.steps.find((x) => x.state === 'running');
        const note = stepNote(s, lastStep);
        if (tty) process.stderr.write(`\r\x1b[K${note.line ? `${note.line}\n` : ''}${progressLine(s, process.stderr.columns || 100)}`);
        else if (step && note.key !== lastStep) err(`${step.label}${step.detail ? ` (${step.detail})` : ''}`);
        lastStep = note.key;
        if (s.state !== 'running') resolveDone(s);
      };
      engine.onEvent((name, payload) => name === 'model:get-state' && onState(payload as GetState));
      engine.onState((st) => {
        if (st.state === 'crashed' || st.state === 'stopped') {
          const message = `the engine stopped (${st.message ?? st.state}); partial downloads are kept: run the same command again to resume.`;
          resolveDone({ state: 'failed', error: { code: 'ENGINE_CRASHED', message }, message } as GetState);
        }
      });
      void engine.call('model:get', getReq).then((s) => {
        jobId = s.jobId;
        if (s.state !== 'running') return resolveDone(s);
        for (const e of early) onState(e);
      }, (e) => resolveDone({ state: 'failed', error: toErrorData(e), message: toErrorData(e).message } as GetState));
    });
    let paused = false;
    // kept until the engine has stopped: a Ctrl+C while it stops is a second one
    offCtrlC = onCtrlC({
      first: () => {
        paused = true;
        void engine.call('model:get-control', { action: 'pause' }).catch(() => undefined);
      },
      // the files are written as they come (`.part`, resumed by Range): what is on disk is kept either way
      stopped: `${tty ? '\r\x1b[K' : ''}studio: stopped. Partial downloads are kept: run the same command again to resume.`,
    });
    const end = await done;
    if (tty) process.stderr.write('\r\x1b[K');
    if (end.state === 'finished') {
      out(end.packPath ?? '');
      err(`${shownText(end.message ?? '')}\nAsk it: studio ask --pack "${shownText(end.packPath ?? '')}" --audio song.mp3 "What instruments are playing?"  (in the app, choose it in the chat's pack chooser)`);
      return 0;
    }
    if (end.state === 'paused' || (paused && end.state !== 'failed') || (paused && end.error?.code === 'ENGINE_CRASHED')) {
      err('studio: paused. Partial downloads are kept: run the same command again to resume.');
      return 130;
    }
    err(failedLine(end));
    return 1;
  } finally {
    await engine.stop();
    offCtrlC();
  }
}

/**
 * `model get`'s "Continue? [y/N]" on the terminal (stdin a TTY): true for y/yes (any case). Ctrl+C there — the
 * terminal's ^C, which readline reads as a key in raw mode, or a SIGINT sent to the process — ends the question:
 * "stopped (Ctrl+C); nothing was downloaded." and CANCELLED, which modelCommand exits 130 with (cli40: the ^C came
 * back from readline/promises as an AbortError, "studio: Unexpected error: Aborted with Ctrl+C" and exit 1, as if it had failed; a
 * SIGINT signal, with no handler yet, killed the process without a word).
 * @throws StudioError CANCELLED on Ctrl+C
 */
async function askToContinue(): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const asked = new AbortController();
  const offCtrlC = onCtrlC({ first: () => asked.abort() });
  try {
    const a = await rl.question('Continue? [y/N] ', { signal: asked.signal });
    return /^y(es)?$/i.test(a.trim());
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
    // the cursor is still after the question
    process.stderr.write('\n');
    throw new StudioError('CANCELLED', 'stopped (Ctrl+C); nothing was downloaded.');
  } finally {
    offCtrlC();
    rl.close();
  }
}

/** What `model get` says when it has no LLM folder to build on (nothing was downloaded). */
const NO_LLM =
  'Vicuna-7B v0 cannot be downloaded as such (LLaMA licence): point to your LLaMA-7B folder with --llama DIR (Hugging Face format: config.json, tokenizer.model, weight shards; the studio downloads lmsys/vicuna-7b-delta-v0 and applies it), ' +
  'or give --vicuna DIR (an assembled Vicuna-7B v0) or --from CKPT_DIR (the official DeepResonance ckpt/ folder). Nothing was downloaded.';

/** Why a folder given to `model get` (--llama, --vicuna, --from) cannot be used, with what to do; null when each is usable. */
function givenFolderProblem(req: { llama?: string; vicuna?: string; from?: string }): string | null {
  if (req.llama) {
    const p = llmFolderProblem(req.llama, 'The LLaMA-7B folder');
    if (p) return `${p} Point --llama to LLaMA-7B in Hugging Face format (config.json, tokenizer.model, weight shards).`;
  }
  if (req.vicuna) {
    const p = llmFolderProblem(req.vicuna, 'The Vicuna-7B v0 folder');
    if (p) return `${p} Point --vicuna to an assembled Vicuna-7B v0 folder, or use --llama with your LLaMA-7B folder instead.`;
  }
  if (req.from && !(existsSync(req.from) && statSync(req.from).isDirectory())) {
    return `The ckpt folder "${req.from}" ${existsSync(req.from) ? 'is not a folder' : 'does not exist'}. Point --from to the official DeepResonance ckpt/ folder (or the folder holding it).`;
  }
  return null;
}

async function convert(argv: string[], start: Start): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      imagebind: { type: 'string' }, 'imagebind-config': { type: 'string' }, llm: { type: 'string' }, 'vicuna-delta': { type: 'string' },
      delta: { type: 'string' }, out: { type: 'string' }, precision: { type: 'string', default: 'int4' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void out(MODEL_USAGE), 0;
  const missing = (['imagebind', 'llm', 'delta', 'out'] as const).filter((k) => !values[k]);
  if (missing.length || positionals.length) throw new UsageError(`model convert needs ${missing.map((k) => `--${k}`).join(', ') || 'no positional arguments'}: studio model convert --imagebind FILE [--imagebind-config FILE] --llm DIR [--vicuna-delta DIR] --delta FILE --out DIR [--precision int4|int8|fp16|fp32]`);
  if (!['int4', 'int8', 'fp16', 'fp32'].includes(values.precision!)) throw new UsageError(`--precision must be int4, int8, fp16 or fp32, got "${values.precision}"`);
  const engine = await start();
  const controller = new AbortController();
  const offCtrlC = onCtrlC({
    first: () => controller.abort(),
    // the converter writes `<out>.partial` and renames it at the end (model/convert): a stopped conversion leaves no pack
    stopped: `${process.stderr.isTTY ? '\r\x1b[K' : ''}studio: stopped; no pack was written.`,
  });
  try {
    const r = await engine.call('model:convert', {
      imagebind: resolve(values.imagebind!), imagebindConfig: values['imagebind-config'] ? resolve(values['imagebind-config']) : undefined,
      llm: resolve(values.llm!), vicunaDelta: values['vicuna-delta'] ? resolve(values['vicuna-delta']) : undefined,
      delta: resolve(values.delta!), out: resolve(values.out!), precision: values.precision as 'int4',
    }, {
      signal: controller.signal,
      onProgress: (p) => {
        if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${bar(p.fraction ?? 0)} ${String(Math.round((p.fraction ?? 0) * 100)).padStart(3)}%  ${p.stage}`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    out(r.dir);
    err(`pack written: ${shownPath(r.dir)} (${fmtBytes(r.bytes)})`);
    return 0;
  } finally {
    await engine.stop();
    offCtrlC();
  }
}

async function verify(argv: string[], start: Start): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) return void out(MODEL_USAGE), 0;
  if (positionals.length !== 1) throw new UsageError('model verify takes one pack folder: studio model verify DIR');
  const engine = await start();
  try {
    const r = await engine.call('model:verify-pack', { path: resolve(positionals[0]) }, {
      onProgress: (p) => {
        if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${bar(p.fraction ?? 0)} ${String(Math.round((p.fraction ?? 0) * 100)).padStart(3)}%  ${p.message ?? ''}`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    out(`ok: ${shownText(r.name)}: ${r.files} files, ${fmtBytes(r.bytes)}, every SHA-256 matches the manifest (${shownPath(r.path)})`);
    return 0;
  } finally {
    await engine.stop();
  }
}

/**
 * Run `studio model <sub> …`; resolves with the exit code. Errors from the engine are
 * printed as `studio: <message>` (exit 1, 130 when cancelled); usage errors exit 2.
 */
export async function modelCommand(argv: string[], start: Start): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'list':
        return await list(rest, start);
      case 'get':
        return await get(rest, start);
      case 'convert':
        return await convert(rest, start);
      case 'verify':
        return await verify(rest, start);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out(MODEL_USAGE);
        return 0;
      default:
        throw new UsageError(`unknown model command "${sub}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`studio: ${e.message}`);
      if (/unknown model command/.test(e.message)) err(MODEL_USAGE);
      return 2;
    }
    if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`studio: ${e.message}. See: studio model --help`);
      return 2;
    }
    const d = toErrorData(e);
    err(`studio: ${d.message}`);
    return d.code === 'CANCELLED' ? 130 : d.code === 'DATA_FOLDER_IN_USE' ? DATA_FOLDER_IN_USE_EXIT : 1;
  }
}
