// The sandboxed preload: its spelled-out command list must be exactly the
// contract's commands, and its bundle may require nothing but 'electron'
// (a sandboxed preload cannot load node_modules such as zod).
import { resolve } from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { PRELOAD_COMMAND_NAMES } from '../../../src/preload/command-names.js';
import { COMMAND_NAMES } from '../../../src/shared/api/contract.js';

describe('preload', () => {
  it('lists exactly COMMAND_NAMES', () => {
    expect([...PRELOAD_COMMAND_NAMES].sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('bundles to CommonJS that requires only electron', async () => {
    const out = await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        lib: { entry: resolve(__dirname, '../../../src/preload/index.ts'), formats: ['cjs'], fileName: 'index' },
        // externalize every bare import, as electron-vite does for dependencies
        rollupOptions: { external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') },
      },
    });
    const outputs = (Array.isArray(out) ? out : [out]) as Array<{ output: Array<{ type: string; code?: string }> }>;
    const code = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk').map((c) => c.code ?? '').join('\n');
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(code).toContain('exposeInMainWorld("tradedesk"');
  });
});
