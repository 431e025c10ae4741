// Serves the built renderer from app://tradedesk/ (protocol.handle) instead of
// file://, so the page has a real origin of its own, a CSP header, and no file
// access beyond the renderer folder. Every request is checked: our host only,
// GET/HEAD only, a decoded path with no NUL or backslash that resolves (after
// symlinks) inside the renderer folder, and a known file type; anything else
// is answered 4xx and logged.
import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CONTENT_TYPES } from '../shared/content-types.js';
import type { ProtocolLike } from './electron-api.js';
import { securityHeaders, type Log } from './security.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'tradedesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Must run before app 'ready': app:// becomes a standard, secure scheme (so
 * it has an origin, 'self' in the CSP matches it, and it is not mixed content).
 * No bypassCSP, no CORS, no service workers.
 */
export function registerAppScheme(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, bypassCSP: false, allowServiceWorkers: false } },
  ]);
}

export type AppPath = { ok: true; file: string; type: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/** Maps an app:// URL to a file inside rendererDir, or says why not. Pure (no file access). */
export function resolveAppPath(rendererDir: string, rawUrl: string): AppPath {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 403, reason: `foreign origin ${url.protocol}//${url.host}` };
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400, reason: 'NUL or backslash in the path' };
  if (path === '/' || path === '') path = '/index.html';
  const root = resolve(rendererDir);
  const file = resolve(root, `.${path}`);
  const rel = relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { ok: false, status: 403, reason: 'outside the renderer folder' };
  const type = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!type) return { ok: false, status: 404, reason: `no such file type: ${extname(file) || '(none)'}` };
  return { ok: true, file, type };
}

export interface AppProtocolOptions {
  rendererDir: string;
  csp: string;
  log: Log;
}

/** The protocol.handle handler for app://. */
export function appProtocolHandler(opts: AppProtocolOptions): (request: Request) => Promise<Response> {
  const headers = securityHeaders(opts.csp);
  const refuse = (status: number, url: string, reason: string): Response => {
    opts.log(`app://: refused ${url}: ${reason}`);
    return new Response(null, { status, headers });
  };
  let rootReal: Promise<string> | undefined;
  return async (request: Request): Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, request.url, `method ${request.method}`);
    const p = resolveAppPath(opts.rendererDir, request.url);
    if (!p.ok) return refuse(p.status, request.url, p.reason);
    let real: string;
    try {
      rootReal ??= realpath(opts.rendererDir);
      real = await realpath(p.file);
      const rel = relative(await rootReal, real);
      if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return refuse(403, request.url, 'a link out of the renderer folder');
    } catch {
      return refuse(404, request.url, 'not found');
    }
    try {
      const body = await readFile(real);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { ...headers, 'Content-Type': p.type } });
    } catch {
      return refuse(404, request.url, 'not readable');
    }
  };
}
