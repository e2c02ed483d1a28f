import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DESKTOP_CSP } from '../../main/electron/security';
import { WEB_CSP } from '../../main/serve/server';

const ROOT = join(import.meta.dirname, '..', '..');
const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1).join(' ')] as const));

describe('the renderer <meta> CSP', () => {
  const html = readFileSync(join(ROOT, 'renderer', 'index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];

  it('is there, before any script', () => {
    assert.ok(meta, 'a CSP meta tag');
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'), 'the meta comes before the scripts');
  });

  it('is DESKTOP_CSP less what a <meta> cannot carry (frame-ancestors)', () => {
    const want = directives(DESKTOP_CSP);
    want.delete('frame-ancestors');
    assert.deepEqual(directives(meta!), want);
  });

  it('allows at least what web mode needs (the serve header is the stricter of the two)', () => {
    const m = directives(meta!);
    for (const [name, value] of directives(WEB_CSP)) {
      if (name === 'frame-ancestors') continue;
      for (const source of value.split(' ')) assert.ok((m.get(name) ?? '').split(' ').includes(source), `${name} ${source}`);
    }
  });
});
