// The WebSocket endpoint and static server of a spawned `tradedesk serve`:
// token and Origin checks, error replies naming the problem for malformed
// messages (and the server keeps serving), event push, static safety.
import { request } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsEngineClient, wsUrlFromUiUrl } from '../../../src/cli/ws-client.js';
import { spawnServe, type ServeProcess } from './helpers.js';

let serve: ServeProcess;
const open: WebSocket[] = [];

beforeAll(async () => {
  serve = await spawnServe();
}, 180_000);

afterAll(async () => {
  for (const ws of open) ws.terminate();
  await serve?.stop();
});

/** Tries a raw connection; resolves with the HTTP status of a refusal, or 101 when it opened. */
function tryConnect(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101, body: '' });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (e) => reject(e));
  });
}

/** Opens a raw socket and returns a function sending text and awaiting the next non-event reply. */
async function rawSocket(): Promise<{ ws: WebSocket; send(text: string): Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(wsUrlFromUiUrl(serve.url));
  open.push(ws);
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  return {
    ws,
    send(text: string) {
      return new Promise((resolve) => {
        const onMessage = (raw: WebSocket.RawData): void => {
          const msg = JSON.parse(raw.toString()) as Record<string, unknown>;
          if ('event' in msg) return; // pushed events interleave with replies
          ws.off('message', onMessage);
          resolve(msg);
        };
        ws.on('message', onMessage);
        ws.send(text);
      });
    },
  };
}

describe('WebSocket access control', () => {
  const base = (): string => `ws://127.0.0.1:${serve.port}/ws`;

  it('refuses a connection without a token (HTTP 401)', async () => {
    const r = await tryConnect(base());
    expect(r.status).toBe(401);
    expect(r.body).toContain('token');
  });

  it('refuses a wrong token (HTTP 401), including one that differs only in length', async () => {
    expect((await tryConnect(`${base()}?token=wrong`)).status).toBe(401);
    expect((await tryConnect(`${base()}?token=${serve.token}x`)).status).toBe(401);
    expect((await tryConnect(`${base()}?token=${serve.token.slice(0, -1)}`)).status).toBe(401);
  });

  it('refuses a foreign Origin even with the right token (HTTP 403)', async () => {
    const r = await tryConnect(`${base()}?token=${serve.token}`, { Origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    const otherPort = await tryConnect(`${base()}?token=${serve.token}`, { Origin: `http://127.0.0.1:${serve.port + 1}` });
    expect(otherPort.status).toBe(403);
  });

  it('accepts the right token with our own Origin or no Origin', async () => {
    expect((await tryConnect(`${base()}?token=${serve.token}`, { Origin: `http://127.0.0.1:${serve.port}` })).status).toBe(101);
    expect((await tryConnect(`${base()}?token=${serve.token}`, { Origin: `http://localhost:${serve.port}` })).status).toBe(101);
    expect((await tryConnect(`${base()}?token=${serve.token}`)).status).toBe(101);
  });

  it('refuses WebSocket upgrades on other paths', async () => {
    expect((await tryConnect(`ws://127.0.0.1:${serve.port}/other?token=${serve.token}`)).status).toBe(404);
  });

  it('logs refusals to stderr', () => {
    expect(serve.stderr()).toContain('refused connection');
  });
});

describe('WebSocket protocol', () => {
  it('answers bad JSON with BAD_JSON and keeps serving', async () => {
    const s = await rawSocket();
    const r = await s.send('{not json');
    expect(r).toMatchObject({ id: null, ok: false, error: { code: 'BAD_JSON' } });
    expect(String((r.error as { message: string }).message)).toContain('not valid JSON');
    const ok = await s.send(JSON.stringify({ id: 1, cmd: 'status', args: {} }));
    expect(ok).toMatchObject({ id: 1, ok: true });
  });

  it('answers a message without cmd with BAD_MESSAGE naming the field', async () => {
    const s = await rawSocket();
    const r = await s.send(JSON.stringify({ id: 7, args: {} }));
    expect(r).toMatchObject({ id: 7, ok: false, error: { code: 'BAD_MESSAGE' } });
    expect((r.error as { message: string }).message).toContain("'cmd'");
  });

  it('answers an unknown command with UNKNOWN_COMMAND naming it', async () => {
    const s = await rawSocket();
    const r = await s.send(JSON.stringify({ id: 2, cmd: 'launchMissiles', args: {} }));
    expect(r).toMatchObject({ id: 2, ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect((r.error as { message: string }).message).toContain('launchMissiles');
  });

  it('answers wrong argument types with BAD_ARGS naming the field', async () => {
    const s = await rawSocket();
    const r = await s.send(JSON.stringify({ id: 'x', cmd: 'submitOrder', args: { symbol: 'AAA', side: 'buy', type: 'market', qty: 'ten' } }));
    expect(r).toMatchObject({ id: 'x', ok: false, error: { code: 'BAD_ARGS' } });
    expect((r.error as { message: string }).message).toContain("field 'qty'");
    const empty = await s.send(JSON.stringify({ id: 3, cmd: 'resume', args: { reason: '   ' } }));
    expect(empty).toMatchObject({ id: 3, ok: false, error: { code: 'BAD_ARGS' } });
    expect((empty.error as { message: string }).message).toContain("field 'reason'");
  });

  it('answers binary frames with an error', async () => {
    const s = await rawSocket();
    const reply = new Promise<Record<string, unknown>>((resolve) => {
      const onMessage = (raw: WebSocket.RawData): void => {
        const msg = JSON.parse(raw.toString()) as Record<string, unknown>;
        if ('event' in msg) return;
        s.ws.off('message', onMessage);
        resolve(msg);
      };
      s.ws.on('message', onMessage);
    });
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await reply).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
  });

  it('logs malformed messages to stderr and the engine keeps running', async () => {
    expect(serve.stderr()).toContain('BAD_JSON');
    expect(serve.stderr()).toContain('UNKNOWN_COMMAND');
    const client = await WsEngineClient.connect(serve.url);
    try {
      const a = await client.call('status', {});
      expect(a.running).toBe(true);
      const snap = await client.call('snapshot', {});
      expect(snap.status.running).toBe(true);
      expect(Array.isArray(snap.orders)).toBe(true);
    } finally {
      client.close();
    }
    expect(serve.proc.exitCode).toBeNull();
  });

  it('pushes validated engine events to a connected client', async () => {
    const client = await WsEngineClient.connect(serve.url);
    try {
      const topics = new Set<string>();
      await new Promise<void>((resolve) => {
        const off = client.onEvent((e) => {
          topics.add(e.topic);
          if (topics.has('quotes')) {
            off();
            resolve();
          }
        });
      });
      expect(topics.has('quotes')).toBe(true);
      expect(client.invalidEvents).toBe(0);
    } finally {
      client.close();
    }
  });

  it('the client rejects a failed command with the server error code', async () => {
    const client = await WsEngineClient.connect(serve.url);
    try {
      await expect(client.call('getBars', { symbol: 'NO_SUCH_SYMBOL' })).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    } finally {
      client.close();
    }
  });
});

/** Raw GET with the path sent exactly as given (no client-side normalization). */
function get(path: string, host = `127.0.0.1:${serve.port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: serve.port, path, method: 'GET', headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  it('serves the UI with security headers and a CSP allowing our WebSocket', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain(`ws://127.0.0.1:${serve.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('refuses path traversal, raw or encoded', async () => {
    for (const p of ['/../package.json', '/../../../etc/passwd', '/..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json', '/..%5cpackage.json']) {
      const r = await get(p);
      expect(r.status, p).toBe(400);
      expect(r.body, p).not.toContain('"name": "tradedesk"');
      expect(r.body, p).not.toContain('root:');
    }
  });

  it('falls back to index.html for client routes and 404s missing files', async () => {
    const route = await get('/some/client/route');
    expect(route.status).toBe(200);
    expect(route.headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await get('/missing-file.js')).status).toBe(404);
  });

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    expect((await get('/', 'evil.example')).status).toBe(421);
  });
});
