/**
 * tokenizer.json (Hugging Face format) from LLaMA's SentencePiece
 * `tokenizer.model`, as tools/convert/tokenizer.py builds it: BPE with byte
 * fallback, merges = every split of a vocabulary piece into two pieces ranked by
 * the merged piece's score (Hugging Face's LlamaConverter), the Prepend/Replace
 * normaliser, and the six DeepResonance added tokens after the base vocabulary
 * (lstrip = rstrip = true: the transformers 4.29 slow tokenizer strips around them).
 * The SentencePiece ModelProto is read with protobufjs (fields of
 * sentencepiece_model.proto that the check needs).
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs';
import { ConvertError } from './errors';

const SP_PROTO = `
syntax = "proto2";
package sentencepiece;
message TrainerSpec {
  enum ModelType { UNIGRAM = 1; BPE = 2; WORD = 3; CHAR = 4; }
  optional ModelType model_type = 3 [default = UNIGRAM];
  optional bool byte_fallback = 35 [default = false];
  optional int32 unk_id = 40 [default = 0];
  optional int32 bos_id = 41 [default = 1];
  optional int32 eos_id = 42 [default = 2];
}
message NormalizerSpec {
  optional string name = 1;
  optional bytes precompiled_charsmap = 2;
  optional bool add_dummy_prefix = 3 [default = true];
  optional bool remove_extra_whitespaces = 4 [default = true];
}
message ModelProto {
  message SentencePiece {
    enum Type { NORMAL = 1; UNKNOWN = 2; CONTROL = 3; USER_DEFINED = 4; UNUSED = 5; BYTE = 6; }
    optional string piece = 1;
    optional float score = 2;
    optional Type type = 3 [default = NORMAL];
  }
  repeated SentencePiece pieces = 1;
  optional TrainerSpec trainer_spec = 2;
  optional NormalizerSpec normalizer_spec = 3;
}
`;
// protobufjs and the schema are loaded and parsed at the first read, not when the engine starts (it is rarely converting)
let spModel: Protobuf.Type | undefined;
const SpModel = (): Protobuf.Type =>
  (spModel ??= (createRequire(import.meta.url)('protobufjs') as typeof Protobuf).parse(SP_PROTO, { keepCase: true }).root.lookupType('sentencepiece.ModelProto'));

/** The DeepResonance added tokens in add_tokens order (tokenizer.py ADDED_TOKENS: the last four were Python sets, stringified). */
export const ADDED_TOKENS = ['<Img>', '</Img>', "{'<Vid>'}", "{'</Vid>'}", "{'<Aud>'}", "{'</Aud>'}"];

interface Piece { piece: string; score: number; type: number }
export interface SentencePieceModel { pieces: Piece[]; bosId: number; eosId: number; unkId: number }

/** Read and check a LLaMA-style SentencePiece model (BPE, byte fallback, identity normaliser, dummy prefix). Raises ConvertError. */
export function readSentencePiece(path: string): SentencePieceModel {
  if (!existsSync(path)) throw new ConvertError(`tokenizer model "${path}" not found: the LLM folder must hold LLaMA's tokenizer.model.`);
  let m: any;
  try {
    const msg = SpModel().decode(readFileSync(path));
    m = SpModel().toObject(msg, { defaults: true, enums: Number, bytes: Array });
  } catch (err) {
    throw new ConvertError(`${path}: not a SentencePiece model (${(err as Error).message}).`);
  }
  const t = m.trainer_spec ?? {};
  const n = m.normalizer_spec ?? {};
  const problems: string[] = [];
  if ((t.model_type ?? 1) !== 2) problems.push(`model_type ${t.model_type} (need BPE)`);
  if (!t.byte_fallback) problems.push('byte_fallback off');
  if (!['identity', ''].includes(n.name ?? '') || (n.precompiled_charsmap?.length ?? 0) > 0) problems.push(`normalizer "${n.name}"`);
  if (n.add_dummy_prefix === false) problems.push('add_dummy_prefix off');
  if (n.remove_extra_whitespaces !== false) problems.push('remove_extra_whitespaces on');
  const unk = t.unk_id ?? 0, bos = t.bos_id ?? 1, eos = t.eos_id ?? 2;
  if (unk !== 0 || bos !== 1 || eos !== 2) problems.push(`special ids unk/bos/eos = ${unk}/${bos}/${eos} (need 0/1/2)`);
  if (!m.pieces?.length) problems.push('no pieces');
  if (problems.length) throw new ConvertError(`${path}: not a LLaMA-style SentencePiece model: ${problems.join('; ')}.`);
  return { pieces: m.pieces.map((p: any) => ({ piece: p.piece ?? '', score: p.score ?? 0, type: p.type ?? 1 })), bosId: bos, eosId: eos, unkId: unk };
}

/** tokenizer.json as an object (tokenizer.py build_tokenizer_json). */
export function buildTokenizerJson(sp: SentencePieceModel, path: string): Record<string, unknown> {
  const vocab = new Map<string, number>();
  const scores = new Map<string, number>();
  const normal: string[] = [];
  sp.pieces.forEach((p, i) => {
    if (p.piece.includes(' ')) throw new ConvertError(`${path}: piece ${JSON.stringify(p.piece)} contains a space; cannot express as BPE merges.`);
    vocab.set(p.piece, i);
    scores.set(p.piece, p.score);
    if (p.type === 1 || p.type === 4) normal.push(p.piece);
  });
  const merges: Array<[string, string, number, number]> = [];
  for (const piece of normal) {
    const chars = Array.from(piece);
    const local: Array<[string, string, number, number, number]> = [];
    for (let k = 1; k < chars.length; k++) {
      const l = chars.slice(0, k).join('');
      const r = chars.slice(k).join('');
      if (vocab.has(l) && vocab.has(r)) local.push([l, r, scores.get(piece)!, vocab.get(l)!, vocab.get(r)!]);
    }
    local.sort((a, b) => a[3] - b[3] || a[4] - b[4]);
    for (const [l, r, s] of local) merges.push([l, r, s, vocab.get(piece)!]);
  }
  merges.sort((a, b) => b[2] - a[2] || a[3] - b[3]);
  const n = sp.pieces.length;
  const added: Record<string, unknown>[] = [0, 1, 2].map((id) => ({
    id, content: sp.pieces[id].piece, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  const fullVocab: Record<string, number> = Object.fromEntries(vocab);
  ADDED_TOKENS.forEach((tok, j) => {
    if (vocab.has(tok)) throw new ConvertError(`${path}: added token ${JSON.stringify(tok)} is already in the SentencePiece vocabulary.`);
    added.push({ id: n + j, content: tok, single_word: false, lstrip: true, rstrip: true, normalized: false, special: false });
    fullVocab[tok] = n + j;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    },
    model: {
      type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab: fullVocab, merges: merges.map(([l, r]) => `${l} ${r}`),
    },
  };
}

/** tokenizer_config.json (tokenizer.py tokenizer_config). */
export function tokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'LlamaTokenizer',
    bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', pad_token: '</s>',
    add_bos_token: false, add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: 2048,
    legacy: true,
  };
}
