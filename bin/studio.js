#!/usr/bin/env node
// The `studio` command. The TypeScript sources are bundled to out/ by `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../out/cli/studio.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('Resonance Studio is not built yet: run `npm run build` in the project folder first.');
  process.exit(2);
}
await import(entry.href);
