import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The renderer is a static bundle loaded by the Electron window (file://) and by
// `studio serve` (http), so asset paths are relative.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [svelte()],
  // The one IPC contract, imported by name on both sides (see DEVELOPERS.md).
  resolve: { alias: { '@contract': fileURLToPath(new URL('../main/contract/index.ts', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
