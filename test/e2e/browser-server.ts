import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './studio-page';

/**
 * One Chromium for a whole run of the end-to-end files (tools/run-tests.mjs starts this, then passes the line it
 * prints as STUDIO_E2E_BROWSER; studio-page.ts launchChromium connects to it instead of launching a browser per file).
 * Each file still gets its own browser contexts (pages, storage, permissions), dropped when it disconnects.
 * Prints the endpoint (ws://…) on one line; stops the browser and exits when its stdin ends (run-tests.mjs ends it,
 * or dies).
 */
const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
process.stdout.write(`${server.wsEndpoint()}\n`);
let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', () => void close());
process.stdin.on('error', () => void close());
process.stdin.resume();
process.on('SIGTERM', () => void close());
process.on('SIGINT', () => void close());
