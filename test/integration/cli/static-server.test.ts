// The static site of `tradedesk serve` against a temporary build folder:
// content types, cache headers, SPA fallback, traversal refusal, and the CSP
// derived from the renderer's meta tag.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsp, createStaticSite, metaCsp } from '../../../src/cli/static-server.js';

const INDEX = `<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:*; object-src 'none'" />
</head><body><div id="root"></div><script type="module" src="./assets/app.js"></script></body></html>`;

let root: string;
let outside: string;
let server: Server;
let port: number;

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'tradedesk-static-'));
  root = join(base, 'renderer');
  outside = join(base, 'secret.txt');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, 'logo.svg'), '<svg/>');
  writeFileSync(join(root, 'font.woff2'), 'x');
  writeFileSync(outside, 'TOP SECRET');
  server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const site = createStaticSite(root, port, () => {});
  server.on('request', (req, res) => site.handle(req, res));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(join(root, '..'), { recursive: true, force: true });
});

function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static site', () => {
  it('serves files with correct content types', async () => {
    const cases: Array<[string, string]> = [
      ['/', 'text/html; charset=utf-8'],
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.css', 'text/css; charset=utf-8'],
      ['/logo.svg', 'image/svg+xml'],
      ['/font.woff2', 'font/woff2'],
    ];
    for (const [path, type] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
    }
    expect((await get('/assets/app.js')).body).toBe('console.log(1)');
    expect((await get('/assets/app.js')).headers['cache-control']).toContain('immutable');
  });

  it('refuses traversal to files outside the build folder', async () => {
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/%2e%2e%5csecret.txt', '/a/%00/b']) {
      const r = await get(p);
      expect(r.status, p).toBe(400);
      expect(r.body, p).not.toContain('TOP SECRET');
    }
  });

  it('falls back to index.html for routes, 404 for missing files, 405 for other methods', async () => {
    const route = await get('/orders/123');
    expect(route.status).toBe(200);
    expect(route.body).toContain('<div id="root">');
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
  });

  it('sends the renderer CSP with our WebSocket added to connect-src', async () => {
    const csp = String((await get('/')).headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:\\* ws://127\\.0\\.0\\.1:${port} ws://localhost:${port}`));
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('CSP helpers', () => {
  it('reads the meta CSP and falls back to a strict default', () => {
    expect(metaCsp(INDEX)).toContain("default-src 'self'");
    expect(metaCsp('<html></html>')).toBeNull();
    const def = buildCsp(null, 1234);
    expect(def).toContain("script-src 'self';");
    expect(def).toContain('connect-src \'self\' ws://127.0.0.1:1234 ws://localhost:1234');
  });

  it('derives connect-src from default-src when the renderer sets none', () => {
    expect(buildCsp("default-src 'self'", 9)).toBe("default-src 'self'; connect-src 'self' ws://127.0.0.1:9 ws://localhost:9; frame-ancestors 'none'");
  });
});
