// The app:// handler that serves the renderer: our host and files only, path
// traversal (plain, encoded, encoded slashes, backslashes, NUL, symlinks out)
// refused and logged, the CSP on every response.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appProtocolHandler, registerAppScheme, resolveAppPath } from '../../../src/main/app-protocol.js';
import { PROD_CSP } from '../../../src/main/security.js';

let root: string;
let dir: string;
const logs: string[] = [];
let handle: (r: Request) => Promise<Response>;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tradedesk-app-protocol-'));
  dir = join(root, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ours</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.html'), 'SECRET');
  writeFileSync(join(root, 'secret.js'), 'SECRET');
  symlinkSync(join(root, 'secret.js'), join(dir, 'assets', 'link.js'));
  handle = appProtocolHandler({ rendererDir: dir, csp: PROD_CSP, log: (l) => logs.push(l) });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveAppPath', () => {
  it('maps our URLs into the renderer folder', () => {
    expect(resolveAppPath(dir, 'app://tradedesk/index.html')).toMatchObject({ ok: true, file: join(dir, 'index.html'), type: 'text/html; charset=utf-8' });
    expect(resolveAppPath(dir, 'app://tradedesk/')).toMatchObject({ ok: true, file: join(dir, 'index.html') });
    expect(resolveAppPath(dir, 'app://tradedesk/assets/app.js?v=1#x')).toMatchObject({ ok: true, file: join(dir, 'assets', 'app.js'), type: 'text/javascript; charset=utf-8' });
  });

  it('refuses other origins', () => {
    expect(resolveAppPath(dir, 'app://evil/index.html')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppPath(dir, 'file:///etc/passwd')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppPath(dir, 'nonsense')).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses path traversal in every spelling', () => {
    // the URL parser folds plain and %2e%2e dot segments; what survives must still stay inside
    expect(resolveAppPath(dir, 'app://tradedesk/../secret.html')).toMatchObject({ ok: true, file: join(dir, 'secret.html') });
    expect(resolveAppPath(dir, 'app://tradedesk/%2e%2e/secret.html')).toMatchObject({ ok: true, file: join(dir, 'secret.html') });
    expect(resolveAppPath(dir, 'app://tradedesk/..%2fsecret.html')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppPath(dir, 'app://tradedesk/assets/..%2F..%2Fsecret.html')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppPath(dir, 'app://tradedesk/%2e%2e%2f%2e%2e%2fetc/passwd.txt')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppPath(dir, 'app://tradedesk/..%5csecret.html')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppPath(dir, 'app://tradedesk/index.html%00.js')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppPath(dir, 'app://tradedesk/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
  });

  it('serves only known file types', () => {
    expect(resolveAppPath(dir, 'app://tradedesk/assets/run.sh')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(dir, 'app://tradedesk/assets')).toMatchObject({ ok: false, status: 404 });
  });
});

describe('appProtocolHandler', () => {
  it('serves our files with their type and the security headers', async () => {
    const r = await handle(new Request('app://tradedesk/index.html'));
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<title>ours</title>');
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe(PROD_CSP);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await handle(new Request('app://tradedesk/assets/app.js'));
    expect(await js.text()).toBe('console.log(1)');
  });

  it('refuses traversal, a symlink out of the folder, missing files and other methods, and logs each', async () => {
    const n = logs.length;
    const cases: Array<[string, number, string?]> = [
      ['app://tradedesk/assets/..%2F..%2Fsecret.html', 403],
      ['app://tradedesk/../secret.html', 404],
      ['app://tradedesk/assets/link.js', 403],
      ['app://tradedesk/missing.js', 404],
      ['app://other/index.html', 403],
      ['app://tradedesk/index.html', 405, 'POST'],
    ];
    for (const [url, status, method] of cases) {
      const r = await handle(new Request(url, { method: method ?? 'GET' }));
      expect(r.status, url).toBe(status);
      const body = await r.text();
      expect(body, url).not.toContain('SECRET');
      expect(r.headers.get('content-security-policy'), url).toBe(PROD_CSP);
    }
    const lines = logs.slice(n);
    expect(lines).toHaveLength(cases.length);
    expect(lines[2]).toContain('a link out of the renderer folder');
    expect(lines[5]).toContain('method POST');
  });

  it('registers app:// as a standard secure scheme without CSP bypass', () => {
    const seen: Array<{ scheme: string; privileges: Record<string, boolean> }> = [];
    registerAppScheme({ registerSchemesAsPrivileged: (s) => seen.push(...s), handle: () => undefined });
    expect(seen).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false, corsEnabled: false }) }]);
  });
});
