// Static file serving for `tradedesk serve`: the built renderer with correct
// content types, no directory traversal, SPA fallback to index.html, and
// security headers (a CSP mirroring the renderer's meta CSP, plus connect-src
// for this server's WebSocket).
import { createReadStream, existsSync, readFileSync, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CONTENT_TYPES } from '../shared/content-types.js';

export function contentType(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

const DEFAULT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** Reads the CSP from the renderer's <meta http-equiv="Content-Security-Policy">, if any. */
export function metaCsp(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']?content-security-policy["']?/i.test(tag)) continue;
    const m = tag.match(/content\s*=\s*(?:"([^"]*)"|'([^']*)')/i);
    if (m) return (m[1] ?? m[2] ?? '').replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  return null;
}

/**
 * The response CSP: the renderer's own policy (or a strict default), with this
 * server's WebSocket origins added to connect-src, and frame-ancestors 'none'
 * (which a meta tag cannot express).
 */
export function buildCsp(rendererCsp: string | null, port: number): string {
  const directives = new Map<string, string[]>();
  for (const part of (rendererCsp ?? DEFAULT_CSP).split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  const ws = [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`];
  const connect = directives.get('connect-src') ?? directives.get('default-src') ?? ["'self'"];
  directives.set('connect-src', [...connect.filter((v) => v !== "'none'"), ...ws.filter((w) => !connect.includes(w))]);
  directives.set('frame-ancestors', ["'none'"]);
  return [...directives].map(([k, v]) => [k, ...v].join(' ')).join('; ');
}

export const PLACEHOLDER_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tradedesk</title></head>
<body><h1>Tradedesk engine is running</h1>
<p>The UI has not been built (src/renderer has no index.html yet). The WebSocket API is available at /ws.</p>
</body></html>
`;

export interface StaticSite {
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** Serves `root` (or a placeholder page when root is null). */
export function createStaticSite(root: string | null, port: number, log: (line: string) => void): StaticSite {
  const rootDir = root ? resolve(root) : null;
  const indexFile = rootDir ? join(rootDir, 'index.html') : null;
  // Read per request: another `serve` may rebuild out/renderer (new asset names) while this one runs.
  const readIndex = (): string => {
    try {
      return indexFile && existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : PLACEHOLDER_HTML;
    } catch {
      return PLACEHOLDER_HTML;
    }
  };
  let cspFor = { html: '', csp: '' };
  const cspOf = (html: string): string => {
    if (cspFor.html !== html) cspFor = { html, csp: buildCsp(metaCsp(html), port) };
    return cspFor.csp;
  };
  const headers: Record<string, string> = {
    'Content-Security-Policy': cspOf(readIndex()),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };

  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
    res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };
  const sendIndex = (res: ServerResponse): void => {
    const html = readIndex();
    headers['Content-Security-Policy'] = cspOf(html);
    send(res, 200, html, CONTENT_TYPES['.html']);
  };

  return {
    handle(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return send(res, 405, 'method not allowed\n');
      }
      const rawPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
      let decoded: string;
      try {
        decoded = decodeURIComponent(rawPath);
      } catch {
        return send(res, 400, 'bad request: malformed path encoding\n');
      }
      // Refuse traversal outright (raw or percent-encoded, either slash), NUL bytes and backslashes.
      if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((seg) => seg === '..')) {
        log(`static: refused path ${JSON.stringify(rawPath)} (directory traversal)`);
        return send(res, 400, 'bad request: path traversal refused\n');
      }
      if (!rootDir || decoded === '/' || decoded === '/index.html') return sendIndex(res);
      const file = resolve(rootDir, '.' + decoded);
      const rel = relative(rootDir, file);
      if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
        return send(res, 400, 'bad request: path traversal refused\n');
      }
      fs.stat(file)
        .then((st) => {
          if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
          const immutable = rel.startsWith(`assets${sep}`);
          res.writeHead(200, {
            ...headers,
            'Content-Type': contentType(file),
            'Content-Length': st.size,
            'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          });
          if (req.method === 'HEAD') return void res.end();
          createReadStream(file)
            .on('error', () => res.destroy())
            .pipe(res);
        })
        .catch(() => {
          // SPA fallback: extension-less paths are client routes; missing files are 404s.
          if (extname(decoded) === '') sendIndex(res);
          else send(res, 404, 'not found\n');
        });
    },
  };
}
