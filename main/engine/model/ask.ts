import { basename } from 'node:path';
import { mediaSpanNote, StudioError, type AskMediaFacts, type MethodArgs, type StoppedBy } from '@contract';
import { fileIdentity, mediaKey } from './embedding-cache';
import { PROCESSORS, processVideoWithSoundtrack, type EncoderInput } from './processors';
import { defaultInput, PLACEHOLDER_RE, PLACEHOLDERS, type MediaKind, type ModelRuntime, type ProjectedMedia } from './runtime';

/**
 * One DeepResonance turn from files: the official evaluation data's shape
 * (input with <Audio>/<Image>/<Video> placeholders, instruction, media paths),
 * with the generation options nested as the contract's `model:ask` and
 * `chat:ask` carry them: one request shape from the channel to the runtime.
 * It is `model:ask`'s arguments without the pack and the provider (which
 * choose the runtime, not the turn).
 */
export type AskRequest = Omit<MethodArgs<'model:ask'>, 'packPath' | 'provider'>;

export type AskTimings = {
  mediaDecodeMs: number;
  fbankMs: number;
  encodersMs: number;
  projectionMs: number;
  /** prompt assembly incl. β fusion */
  promptMs: number;
  prefillMs: number;
  firstTokenMs: number;
  decodeMs: number;
  tokens: number;
  tokensPerSec: number;
  totalMs: number;
};

export interface AskResult {
  answer: string;
  tokenIds: number[];
  stoppedBy: StoppedBy;
  provider: string;
  fallbacks: Array<{ provider: string; reason: string }>;
  /** exactly what went in: the input text and each medium (the contract's AskResult.inputs documents each field and its unit) */
  inputs: {
    /** the input with its placeholders, as given or defaulted */
    input: string;
    /** the text the model reads around the media: each placeholder filled with its medium ("<Audio: song.mp3>"), an empty input as the pack's empty_input_replacement */
    inputText: string;
    instruction: string;
    /**
     * In prompt order. `path`: the file read; `cached`: the rows came from the runtime's media cache, in memory or on
     * disk (no decode, fbank, encoder or projector run; the facts are those stored with the rows, absent for an older entry);
     * the rest (AskMediaFacts): what the processor read — container, seconds, sample rate, channels, clips, width × height, frames.
     */
    media: Array<{ kind: MediaKind; source: string; path: string; region?: [number, number]; tokens: number; cached: boolean } & AskMediaFacts>;
    /** a video's frames and the audio heard of it cover different spans (its audio ends first, or a region): which each covers (the contract's mediaSpanNote) */
    spanNote?: string;
  };
  timings: AskTimings;
  /** the prompt was longer than `prompt.max_length` and was cut, as the reference cuts it */
  promptCut?: { tokens: number; maxLength: number };
}

/** each medium named in the input text's messages: with its article, and as "the …" */
const MEDIUM_WORDS: Record<MediaKind, { a: string; the: string }> = {
  audio: { a: 'audio', the: 'the audio' },
  image: { a: 'an image', the: 'the image' },
  video: { a: 'a video', the: 'the video' },
};

/**
 * The input text and the media in placeholder order, with the reference's defaults.
 * @throws StudioError BAD_ARGS where the input text and the media attached do not pair up: a placeholder twice, a
 *   placeholder with no medium, a medium with no placeholder — each saying what to change ("A image is attached but
 *   the input has no <Image> placeholder for it" said neither, tester38: the chat's Cover chip is on by default)
 */
export function planInputs(req: AskRequest): { input: string; order: Array<{ kind: MediaKind; path: string; region?: [number, number]; fromVideo?: boolean }> } {
  const attached: MediaKind[] = (['audio', 'image', 'video'] as const).filter((k) => req[k]);
  const input = req.input ?? defaultInput(req);
  const order: Array<{ kind: MediaKind; path: string; region?: [number, number]; fromVideo?: boolean }> = [];
  const seen: Record<MediaKind, number> = { audio: 0, image: 0, video: 0 };
  for (const m of input.matchAll(PLACEHOLDER_RE)) {
    const kind = (Object.keys(PLACEHOLDERS) as MediaKind[]).find((k) => PLACEHOLDERS[k] === m[0])!;
    seen[kind]++;
    if (seen[kind] > 1) throw new StudioError('BAD_ARGS', `The input text has ${m[0]} more than once: keep one (a question gives the model each medium once).`);
    if (kind === 'audio' && !req.audio && req.video) order.push({ kind, path: req.video.path, fromVideo: true });
    else if (req[kind]) order.push({ kind, path: req[kind]!.path, region: kind === 'audio' ? req.audio?.region : undefined });
    else throw new StudioError('BAD_ARGS', `The input text has ${m[0]} but no ${kind} is attached: attach ${MEDIUM_WORDS[kind].a}, or take ${m[0]} out of the text.`);
  }
  for (const k of attached) {
    if (seen[k] === 0) {
      const w = MEDIUM_WORDS[k];
      throw new StudioError('BAD_ARGS', `${w.a[0].toUpperCase()}${w.a.slice(1)} is attached but the input text has no ${PLACEHOLDERS[k]} for it: put ${PLACEHOLDERS[k]} in the text where ${w.the} goes, or leave ${w.the} out.`);
    }
  }
  return { input, order };
}

/**
 * The input text as the model reads it around the media: each placeholder filled with the medium it stands for,
 * in order ("Tempo: 100 BPM. <Audio: song.mp3>"; a video's soundtrack "<Audio: clip.mp4 (soundtrack)>").
 */
export function filledInput(text: string, media: Array<{ kind: MediaKind; source: string }>): string {
  let i = 0;
  return text.replace(PLACEHOLDER_RE, (ph) => {
    const m = media[i++];
    return m ? `${ph.slice(0, -1)}: ${m.source}>` : ph;
  });
}

/** inputs.spanNote where a video's frames and the audio heard of it cover different spans (mediaSpanNote) */
const spanOf = (media: AskResult['inputs']['media']): { spanNote?: string } => {
  const note = mediaSpanNote(media);
  return note ? { spanNote: note } : {};
};

export async function ask(
  rt: ModelRuntime,
  req: AskRequest,
  opts: { signal?: AbortSignal; onText?: (t: string) => void; onStage?: (stage: string) => void } = {},
): Promise<AskResult> {
  if (!req.instruction.trim()) throw new StudioError('BAD_ARGS', 'Ask something: the instruction is empty.');
  const m = rt.pack.manifest;
  const t0 = performance.now();
  const { input, order } = planInputs(req);
  const timings: AskTimings = {
    mediaDecodeMs: 0, fbankMs: 0, encodersMs: 0, projectionMs: 0, promptMs: 0, prefillMs: 0, firstTokenMs: 0, decodeMs: 0, tokens: 0, tokensPerSec: 0, totalMs: 0,
  };
  const media: ProjectedMedia[] = [];
  const described: AskResult['inputs']['media'] = [];
  const check = () => {
    if (opts.signal?.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
  };
  // Each medium's rows: from the media cache (memory, then disk) when the same
  // file (pinned by identity), region, pack and providers were seen before.
  const H = m.llm.hidden_size;
  const slots = [];
  for (const item of order) {
    check();
    const file = await fileIdentity(item.path).catch(() => undefined); // unreadable: the processor reports why
    const encoder = item.kind === 'audio' ? 'audio' : 'vision';
    const key = file && mediaKey(rt.packId, item.kind, file, { region: item.region, fromVideo: item.fromVideo, clips: m.media.audio.clips, providers: rt.mediaProviders(encoder) });
    const hit = key ? await rt.mediaCache.lookup(key) : undefined;
    slots.push({ item, file, key, hit: hit && hit.rows.length === hit.tokens * H ? hit : undefined, input: undefined as EncoderInput | undefined });
  }
  for (const slot of slots) {
    const { item, file, key, hit } = slot;
    const source = item.fromVideo ? `${basename(item.path)} (soundtrack)` : basename(item.path);
    if (hit) {
      media.push({ kind: item.kind, rows: hit.rows, tokens: hit.tokens });
      described.push({ kind: item.kind, source, path: item.path, region: item.region, tokens: hit.tokens, cached: true, ...hit.facts });
      continue;
    }
    check();
    if (!slot.input) {
      // A video and its own soundtrack, both to compute: one decode for the two.
      const partner = slots.find((o) => o !== slot && !o.hit && !o.input && o.item.path === item.path && (item.kind === 'video' ? o.item.fromVideo : item.fromVideo && o.item.kind === 'video'));
      if (partner) {
        opts.onStage?.('reading video');
        const both = await processVideoWithSoundtrack(item.path, { clips: m.media.audio.clips, signal: opts.signal });
        const [v, a] = item.kind === 'video' ? [slot, partner] : [partner, slot];
        v.input = both.video;
        a.input = both.audio;
      } else {
        opts.onStage?.(`reading ${item.kind}`);
        slot.input = await PROCESSORS[item.kind](item.path, { clips: m.media.audio.clips, region: item.region, signal: opts.signal });
      }
    }
    const input = slot.input!;
    slot.input = undefined;
    timings.mediaDecodeMs += input.decodeMs;
    timings.fbankMs += input.preprocessMs;
    check();
    opts.onStage?.(`encoding ${item.kind}`);
    let t = performance.now();
    const emb = input.encoder === 'audio' ? await rt.encodeAudio(input.data, input.n) : await rt.encodeVision(input.data, input.n);
    const n = input.n;
    timings.encodersMs += performance.now() - t;
    t = performance.now();
    const rows = await rt.project(emb, n);
    timings.projectionMs += performance.now() - t;
    media.push({ kind: item.kind, rows, tokens: n });
    described.push({ kind: item.kind, source, path: item.path, region: item.region, tokens: n, cached: false, ...input.facts });
    // Kept only if the file is still the one identified before the decode.
    if (key && file === (await fileIdentity(item.path).catch(() => undefined))) rt.mediaCache.store(key, { rows, tokens: n, facts: input.facts });
  }
  check();
  let t = performance.now();
  const prompt = await rt.buildPrompt(input, req.instruction, media);
  timings.promptMs = performance.now() - t;
  opts.onStage?.('answering');
  const tGen = performance.now();
  const o = req.options ?? {};
  const res = await rt.generate(prompt, {
    greedy: o.greedy ?? false,
    temperature: o.temperature ?? m.generation.temperature,
    topP: o.topP ?? m.generation.top_p,
    maxNewTokens: o.maxNewTokens ?? m.generation.max_new_tokens,
    minNewTokens: o.minNewTokens,
    seed: o.seed ?? Math.floor(Math.random() * 2 ** 31),
    signal: opts.signal,
    onText: opts.onText,
  });
  timings.prefillMs = res.timings.prefillMs;
  timings.firstTokenMs = tGen - t0 + res.timings.firstTokenMs;
  timings.decodeMs = res.timings.decodeMs;
  timings.tokens = res.timings.tokens;
  timings.tokensPerSec = res.timings.tokens > 1 ? ((res.timings.tokens - 1) * 1000) / Math.max(res.timings.decodeMs, 1e-3) : 0;
  timings.totalMs = performance.now() - t0;
  const provider = rt.provider;
  return {
    answer: res.answer,
    tokenIds: res.tokenIds,
    stoppedBy: res.stoppedBy,
    provider: provider.name,
    fallbacks: provider.fallbacks,
    inputs: { input, inputText: filledInput(input === '' ? m.prompt.empty_input_replacement : input, described), instruction: req.instruction, media: described, ...spanOf(described) },
    timings,
    ...(prompt.cutFrom !== undefined ? { promptCut: { tokens: prompt.cutFrom, maxLength: m.prompt.max_length } } : {}),
  };
}
