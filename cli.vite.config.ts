// Vite (SSR mode) build of the `tradedesk` command for Node: src/cli/bundled.ts
// and the worker-thread entries it starts, into out/cli as flat ES modules
// (every file two folders below the repository root, as under src/, so the
// paths the sources derive from import.meta.url still hold). Packages stay
// external (node_modules); the benchmarks (bench/, which find the repository's
// files from its root: bench/paths.ts) are built in too. It writes
// out/cli/inputs.json, the size and modification time of every source file
// the build read: bin/tradedesk.js runs the build only while they all still
// match, and otherwise runs the sources through tsx, so it never runs stale code.
import { statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const root = __dirname;

function inputsManifest(): Plugin {
  return {
    name: 'tradedesk-cli-inputs',
    generateBundle(_options, bundle) {
      const files: Record<string, [number, number]> = {};
      for (const out of Object.values(bundle)) {
        if (out.type !== 'chunk') continue;
        for (const id of Object.keys(out.modules)) {
          if (id.startsWith('\0') || !id.startsWith(root + sep) || id.includes(`${sep}node_modules${sep}`)) continue;
          const st = statSync(id);
          files[relative(root, id).split(sep).join('/')] = [st.mtimeMs, st.size];
        }
      }
      this.emitFile({ type: 'asset', fileName: 'inputs.json', source: JSON.stringify({ files }, null, 1) });
    },
  };
}

export default defineConfig({
  root,
  logLevel: 'warn',
  plugins: [inputsManifest()],
  build: {
    ssr: true,
    outDir: resolve(root, 'out/cli'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        cli: resolve(root, 'src/cli/bundled.ts'),
        'analytics-worker': resolve(root, 'src/engine/risk/analytics/analytics-worker.ts'),
        'backtest-worker': resolve(root, 'src/engine/backtest/backtest-worker.ts'),
        'credentials-worker': resolve(root, 'src/engine/secrets/credentials-worker.ts'),
      },
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
});
