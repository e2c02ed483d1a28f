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
