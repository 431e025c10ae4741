// electron-vite build of the three Electron parts: main (hosts the engine, plus
// the worker-thread entries it starts), preload (the contract bridge) and
// renderer (the React UI). `tradedesk serve`
// serves the same renderer build to a browser.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { sourceCommitAt } from './src/engine/core/build-info';

// electron-vite reads Electron's major version from the electron package to pick
// build targets. Where that optional package is not installed (no binary
// download possible), use the major version package.json asks for.
if (!process.env.ELECTRON_MAJOR_VER) {
  try {
    createRequire(import.meta.url).resolve('electron/package.json');
  } catch {
    const range = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')).optionalDependencies.electron as string;
    process.env.ELECTRON_MAJOR_VER = range.replace(/[^0-9.]/g, '').split('.')[0];
  }
}

// The source commit the main bundle is built from: core/build-info.ts journals it, as an installed app has no git.
const commit = sourceCommitAt(__dirname);

export default defineConfig({
  main: {
    define: commit ? { 'process.env.TRADEDESK_COMMIT': JSON.stringify(commit) } : {},
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // worker-thread entries the main process starts (src/engine/core/worker-entries.ts):
          // CPU-heavy engine work stays off the thread that drives the window
          'analytics-worker': resolve(__dirname, 'src/engine/risk/analytics/analytics-worker.ts'),
          'backtest-worker': resolve(__dirname, 'src/engine/backtest/backtest-worker.ts'),
          'credentials-worker': resolve(__dirname, 'src/engine/secrets/credentials-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // sandboxed preloads must be CommonJS
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
