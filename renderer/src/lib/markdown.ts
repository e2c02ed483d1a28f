import DOMPurify from 'dompurify';
import { Marked, type Token, type Tokens } from 'marked';

/**
 * Chat answers as Markdown (GitHub-flavoured, as LM Studio and Jan show them):
 * parsed by `marked`, then cleaned by DOMPurify with a short allow-list, so
 * nothing a model writes can run or load anything:
 * - raw HTML in the answer is shown as text (never parsed as markup);
 * - no images, no styles, no forms, no frames, no event handlers;
 * - links keep only http(s) targets and open outside the app
 *   (target=_blank, rel=noopener noreferrer: the desktop window's open
 *   handler hands them to the browser after isSafeExternalUrl; the app's
 *   window never navigates); every other link loses its href.
 */

const md = new Marked({
  gfm: true,
  // a single newline in an answer is a line break (models write lines, not paragraphs)
  breaks: true,
  renderer: {
    // raw HTML is shown as the text it is
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
    // images become their text: no request leaves the app because of an answer
    image: ({ text, href }: Tokens.Image) => escapeHtml(text || href),
  },
});

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'input', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span',
];
const ALLOWED_ATTR = ['href', 'title', 'align', 'start', 'type', 'checked', 'disabled', 'class'];
/** link targets kept: plain web links only */
const SAFE_HREF = /^https?:\/\//i;

let hooked = false;
function purifier(): typeof DOMPurify {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.nodeName === 'A') {
        const href = node.getAttribute('href') ?? '';
        if (!SAFE_HREF.test(href)) node.removeAttribute('href');
        else {
          node.setAttribute('target', '_blank');
          node.setAttribute('rel', 'noopener noreferrer');
        }
      }
      // task-list checkboxes only, and never editable
      if (node.nodeName === 'INPUT') {
        if (node.getAttribute('type') !== 'checkbox') node.remove();
        else node.setAttribute('disabled', '');
      }
    });
  }
  return DOMPurify;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Clean HTML: the allow-list above, http(s) links only, opened outside. */
export function sanitize(html: string): string {
  return purifier().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_HREF,
    ADD_ATTR: ['target', 'rel'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}

/** A rendered top-level block of an answer: its Markdown source and its clean HTML. */
export interface MarkdownBlock {
  /** the block's source text (what `marked`'s lexer read for it) */
  raw: string;
  html: string;
}

/** rendered blocks by source, so a streaming answer renders only its last block again (bounded) */
const cache = new Map<string, string>();
const CACHE_MAX = 2000;

/**
 * Markdown → clean HTML, one entry per top-level block (paragraph, list,
 * table, code block…). While an answer streams only its last block changes;
 * the earlier blocks return the same HTML string, so the page keeps their
 * elements as they are (no flicker, a selection inside them survives).
 * Link reference definitions apply across blocks. A code block comes wrapped
 * in `div.code-block` with a `button.code-copy` (the component copies the
 * code's text on its click). An empty source gives [].
 * Never throws: a source the parser cannot take (a model looping on ">>>>…"
 * nests thousands of block quotes and overflows `marked`'s stack) is shown
 * as its plain text, escaped, one block for the whole answer; a block whose
 * rendering fails is shown as its text.
 */
export function markdownBlocks(src: string): MarkdownBlock[] {
  let tokens: ReturnType<typeof md.lexer>;
  try {
    tokens = md.lexer(src);
  } catch {
    return src ? [{ raw: src, html: plainHtml(src) }] : [];
  }
  const out: MarkdownBlock[] = [];
  for (const t of tokens) {
    if (t.type === 'space' || t.type === 'def') continue;
    const key = t.raw + '\u0000' + JSON.stringify(tokens.links);
    let html = cache.get(key);
    if (html === undefined) {
      const one = Object.assign([t] as Token[], { links: tokens.links });
      try {
        html = sanitize(md.parser(one));
      } catch {
        html = plainHtml(t.raw);
      }
      // a code block gets a Copy button (fixed markup of ours, added after sanitising)
      if (t.type === 'code') html = `<div class="code-block">${html}<button type="button" class="code-copy" title="Copy this code">Copy</button></div>`;
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(key, html);
    }
    out.push({ raw: t.raw, html });
  }
  return out;
}

/** text as one paragraph of escaped text, its line breaks kept */
function plainHtml(text: string): string {
  return `<p class="md-plain">${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;
}
