// Builds the UI to ui/dist for the desktop app (Tauri embeds it) and for `ekn serve`.
// Relative asset paths so the same build works from tauri:// and from http://127.0.0.1.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    globals: true,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
});
