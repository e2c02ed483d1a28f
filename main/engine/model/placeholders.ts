/**
 * The media placeholders of DeepResonance's input text (the reference's
 * `<Audio>`, `<Image>`, `<Video>`; DESIGN.md "Prompt"): the one table the
 * runtime splits prompts by and the pack schema checks a manifest's pattern
 * against.
 */
export type MediaKind = 'audio' | 'image' | 'video';

/** The placeholder that stands for each medium in the input text. */
export const PLACEHOLDERS: Record<MediaKind, string> = { audio: '<Audio>', image: '<Image>', video: '<Video>' };

/** The pattern as the converter writes it into a manifest: `(<Audio>|<Image>|<Video>)`. */
export const PLACEHOLDER_REGEX = `(${Object.values(PLACEHOLDERS).join('|')})`;

/** matches any placeholder in an input text */
export const PLACEHOLDER_RE = new RegExp(Object.values(PLACEHOLDERS).join('|'), 'g');

/**
 * The reference's default input text: one placeholder per attached medium, in the order audio, image, video
 * (`<Audio><Image>` for a track and its cover). `attached`: which media are given (any truthy value).
 */
export function defaultInput(attached: { audio?: unknown; image?: unknown; video?: unknown }): string {
  return (['audio', 'image', 'video'] as const).filter((k) => attached[k]).map((k) => PLACEHOLDERS[k]).join('');
}

/**
 * The input text made from free text and the attached media, as the chat's "Use as chat input" and `studio ask
 * --features` make it: `text` as it is when it already holds a placeholder, else `text`, a space and defaultInput
 * (the placeholders alone for an empty text). `text` is trimmed first.
 */
export function inputWithText(text: string, attached: { audio?: unknown; image?: unknown; video?: unknown }): string {
  const t = text.trim();
  const placeholders = defaultInput(attached);
  return t.match(PLACEHOLDER_RE) ? t : t ? `${t} ${placeholders}` : placeholders;
}
