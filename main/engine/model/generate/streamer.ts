/**
 * Turns generated token ids into text as they arrive, never emitting broken
 * UTF-8 (byte-fallback tokens of a multi-byte character decode to U+FFFD until
 * the character is complete) and never emitting the start of a stop string
 * ("\n###") that may yet complete. The answer is the text before the stop.
 */
export class TextStreamer {
  private readonly ids: number[] = [];
  private emitted = 0;
  private stopped = false;
  /** decoded text of ids[0 … readOffset) */
  private text = '';
  // Incremental decoding (as text-generation-inference does): only the tokens
  // since `prefixOffset` are decoded each step, so a step costs O(1), not O(n).
  private prefixOffset = 0;
  private readOffset = 0;
  private pending = '';

  constructor(
    private readonly decode: (ids: number[]) => string,
    private readonly stopStrings: string[] = ['\n###'],
  ) {}

  /** Add one token; returns the text that is now safe to show ('' if none). */
  push(id: number): string {
    if (this.stopped) return '';
    this.ids.push(id);
    const prefix = this.readOffset > this.prefixOffset ? this.decode(this.ids.slice(this.prefixOffset, this.readOffset)) : '';
    const full = this.decode(this.ids.slice(this.prefixOffset));
    if (full.length > prefix.length && !full.endsWith('\ufffd')) {
      this.text += full.slice(prefix.length);
      this.pending = '';
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
    } else {
      // an incomplete character (or nothing new yet): keep it until it completes
      this.pending = full.slice(prefix.length);
    }
    return this.flush(false);
  }

  /** True once a stop string appeared in the text. */
  get done(): boolean {
    return this.stopped;
  }

  /** The rest of the answer at the end of generation. */
  finish(): string {
    // Whatever never completed is shown as it decodes (U+FFFD for broken bytes).
    this.text += this.pending;
    this.pending = '';
    return this.flush(true);
  }

  /** The whole answer so far (text before any stop string). */
  get answer(): string {
    return this.cut(this.text);
  }

  private cut(text: string): string {
    let end = text.length;
    for (const s of this.stopStrings) {
      const i = text.indexOf(s);
      if (i >= 0 && i < end) {
        end = i;
        this.stopped = true;
      }
    }
    return text.slice(0, end);
  }

  private flush(final: boolean): string {
    const answer = this.cut(this.text);
    let safe = answer.length;
    if (!final && !this.stopped) {
      // Hold back an incomplete character …
      while (safe > 0 && answer.charCodeAt(safe - 1) === 0xfffd) safe--;
      // … and any suffix that could be the beginning of a stop string.
      for (const s of this.stopStrings) {
        for (let k = Math.min(s.length - 1, safe); k > 0; k--) {
          if (answer.slice(safe - k, safe) === s.slice(0, k)) {
            safe -= k;
            break;
          }
        }
      }
    }
    if (safe <= this.emitted) return '';
    const out = answer.slice(this.emitted, safe);
    this.emitted = safe;
    return out;
  }
}
