// createNodeFetch: the fetch on node:http the Alpaca multi-bar fetcher gives the
// SDK, against a real loopback HTTP server: requests as sent, Responses as
// undici's (status, headers, body, null-body statuses), compressed answers
// decoded, abort and transport failures rejected.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeFetch } from '../../../../src/engine/core/node-fetch.js';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
let handler: Handler;
let server: http.Server;
let base: string;
beforeEach(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('createNodeFetch', () => {
  it('sends method, headers, query and body; answers a Response with status, headers and the body', async () => {
    let seen: { method?: string; url?: string; key?: string; encoding?: string; body?: string } = {};
    handler = (req, body, res) => {
      seen = { method: req.method, url: req.url, key: req.headers['apca-api-key-id'] as string, encoding: req.headers['accept-encoding'] as string, body };
      res.writeHead(201, 'Made', { 'Content-Type': 'application/json', 'X-Request-ID': 'r-1', 'Set-Cookie': ['a=1', 'b=2'] });
      res.end(JSON.stringify({ ok: true, text: 'é' }));
    };
    const f = createNodeFetch();
    const res = await f(`${base}/v2/stocks/bars?symbols=A,B&limit=2`, { method: 'POST', headers: { 'APCA-API-KEY-ID': 'k1' }, body: '{"x":1}' });
    expect(seen).toEqual({ method: 'POST', url: '/v2/stocks/bars?symbols=A,B&limit=2', key: 'k1', encoding: 'gzip, deflate, br', body: '{"x":1}' });
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Made');
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-request-id')).toBe('r-1');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ ok: true, text: 'é' });

    handler = (_req, _body, res) => {
      res.writeHead(204);
      res.end();
    };
    const empty = await f(`${base}/v2/orders`, { method: 'DELETE' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();

    handler = (_req, _body, res) => {
      res.writeHead(429, { 'Retry-After': '3', 'Content-Type': 'application/json' });
      res.end('{"message":"too many requests"}');
    };
    const limited = await f(`${base}/v2/stocks/bars`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await limited.text()).toBe('{"message":"too many requests"}');
  });

  it('decodes gzip, deflate and br answers (and drops content-encoding); a broken one rejects naming the URL', async () => {
    const payload = JSON.stringify({ bars: { AAPL: [{ t: '2025-01-02T00:00:00Z', o: 1.5 }] }, next_page_token: null });
    const encoders: Record<string, (b: Buffer) => Buffer> = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };
    let encoding = 'gzip';
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': encoding });
      res.end(encoding === 'broken' ? Buffer.from('not gzip at all') : encoders[encoding]!(Buffer.from(payload)));
    };
    const f = createNodeFetch();
    for (const e of Object.keys(encoders)) {
      encoding = e;
      const res = await f(`${base}/v2/stocks/bars`);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(await res.text()).toBe(payload);
    }
    encoding = 'gzip';
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(Buffer.from('not gzip at all'));
    };
    await expect(f(`${base}/v2/stocks/bars`)).rejects.toThrow(`node-fetch: ${base}/v2/stocks/bars: could not decode the gzip body`);
  });

  it('an abort rejects with the signal reason and drops the connection; a refused connection rejects with its code', async () => {
    handler = () => undefined; // never answers
    const f = createNodeFetch();
    const controller = new AbortController();
    const connected = new Promise<Socket>((r) => server.once('connection', r));
    const pending = f(`${base}/hang`, { signal: controller.signal });
    const socket = await connected;
    const dropped = new Promise((r) => socket.once('close', r));
    const reason = new DOMException('deadline', 'TimeoutError');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await dropped; // the server sees the connection go
    // already aborted: rejected before anything is sent
    await expect(f(`${base}/hang`, { signal: controller.signal })).rejects.toBe(reason);

    const port = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await expect(f(`http://127.0.0.1:${port}/v2/stocks/bars`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });

  it('refuses what it does not handle, naming it', async () => {
    const f = createNodeFetch();
    await expect(f('ftp://127.0.0.1/x')).rejects.toThrow("node-fetch: unsupported protocol 'ftp:' in ftp://127.0.0.1");
    await expect(f(`${base}/x`, { method: 'POST', body: new URLSearchParams('a=1') })).rejects.toThrow("node-fetch: unsupported request body type [object URLSearchParams] (field 'body')");
  });
});
