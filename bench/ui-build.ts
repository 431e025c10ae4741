// Builds the UI benchmark pages (bench/ui/*.html + *.ts) with Vite into a fresh
// temporary folder, apart from the product's renderer bundle, and serves them
// (plus a WebSocket endpoint at /ws for the event benchmark) from a tiny
// loopback HTTP server in this process.
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import { contentType } from '../src/cli/static-server.js';
import { BENCH_DIR } from './paths.js';

const PAGES_DIR = join(BENCH_DIR, 'ui');
export const UI_PAGES = ['chart-ours', 'chart-peer', 'events-ours', 'events-peer'] as const;

/** Builds every bench page into a new temp folder; returns it (the caller removes it). */
export async function buildBenchPages(): Promise<string> {
  const outDir = await fs.mkdtemp(join(tmpdir(), 'tradedesk-uibench-'));
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: PAGES_DIR,
    base: './',
    logLevel: 'error',
    build: {
      outDir,
      emptyOutDir: true,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 5_000,
      rollupOptions: {
        input: Object.fromEntries(UI_PAGES.map((p) => [p, join(PAGES_DIR, `${p}.html`)])),
        // zod's sources carry /*#__PURE__*/ comments Rollup cannot place; harmless, and noise in bench output
        onwarn: (w, warn) => (w.code === 'INVALID_ANNOTATION' ? undefined : warn(w)),
      },
    },
  });
  return outDir;
}

export interface BenchSite {
  origin: string;
  wss: WebSocketServer;
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1 (an ephemeral port), with a WebSocket server on /ws. */
export async function serveBenchPages(root: string): Promise<BenchSite> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': contentType(file) });
    createReadStream(file).pipe(res);
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('bench page server: no port');
  return {
    origin: `http://127.0.0.1:${addr.port}`,
    wss,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The Chromium to drive, as scripts/test.js finds it: CHROMIUM_PATH, then the usual install paths. */
export function findChromium(): { path: string } | { missing: string } {
  const env = process.env.CHROMIUM_PATH;
  if (env) return existsSync(env) ? { path: env } : { missing: `CHROMIUM_PATH=${env} does not exist` };
  const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  const found = candidates.find((p) => existsSync(p));
  return found ? { path: found } : { missing: `no Chromium found (set CHROMIUM_PATH; looked in ${candidates.join(', ')})` };
}
