// A fetch() on node:http / node:https for bulk downloads, given to an SDK as its
// `fetchApi`. Node's built-in fetch (undici) parses HTTP in WebAssembly and hands
// the body over as a web stream of small chunks through JavaScript that must
// warm up in each process; node:http parses natively and this reads the whole
// body, then answers a standard Response streaming it as one chunk, so everything
// above (the SDK's status handling, retries, deadlines, error classes) is
// unchanged. Keep-alive agents per instance (idle sockets do not hold the
// process); gzip / deflate / br answers are decompressed off the main thread
// (zlib's thread pool), as undici decompresses them; `signal` aborts the request
// and rejects with its reason, as undici does.
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const DECODERS: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

/** Statuses whose Response may not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError(`node-fetch: unsupported request body type ${Object.prototype.toString.call(body)} (field 'body'); send a string or bytes`);
}

/**
 * The body as a stream of one chunk (a Response would copy a buffer given whole;
 * a reader takes one chunk in one read, where the socket's ~64 KB chunks cost a
 * read each).
 */
function bodyStream(parts: Buffer[]): ReadableStream<Uint8Array> {
  const whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(whole);
      controller.close();
    },
  });
}

/** A fetch with its own keep-alive agents. */
export function createNodeFetch(): typeof fetch {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) return Promise.reject(new TypeError("node-fetch: a Request object is not supported (field 'input'); pass the URL and init"));
    const url = new URL(input);
    const proto = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!proto) return Promise.reject(new TypeError(`node-fetch: unsupported protocol '${url.protocol}' in ${url.origin}`));
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const headers = new Headers(init.headers);
    if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate, br');
    let body: string | Uint8Array | undefined;
    try {
      body = requestBody(init.body);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<Response>((resolve, reject) => {
      const req = proto.request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(headers), agent: agents[url.protocol as 'http:' | 'https:'] }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const status = res.statusCode ?? 0;
          const out = new Headers();
          const h = res.rawHeaders;
          for (let i = 0; i + 1 < h.length; i += 2) out.append(h[i]!, h[i + 1]!);
          const encoding = (out.get('content-encoding') ?? '').trim().toLowerCase();
          const decode = DECODERS[encoding];
          if (decode) out.delete('content-encoding');
          (decode && chunks.length > 0 ? decode(Buffer.concat(chunks)).then((b) => [b]) : Promise.resolve(chunks)).then(
            (parts) => {
              const payload = NULL_BODY.has(status) || parts.length === 0 ? null : bodyStream(parts);
              resolve(new Response(payload, { status, statusText: res.statusMessage ?? '', headers: out }));
            },
            (e: unknown) => reject(new TypeError(`node-fetch: ${url.origin}${url.pathname}: could not decode the ${encoding} body: ${(e as Error).message}`, { cause: e })),
          );
        });
      });
      function fail(e: unknown): void {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      }
      function onAbort(): void {
        req.destroy();
        fail(signal!.reason);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      req.end(body);
    });
  };
  return nodeFetch as typeof fetch;
}
