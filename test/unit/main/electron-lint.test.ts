// The static check of the Electron code (ESLint rules in eslint.config.js,
// run by `npm test` through `eslint .`): zero findings on src/main and
// src/preload, and every rule fires on the insecure fixtures.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- eslint.config.js is plain JavaScript without types
import { electronSecurityRules } from '../../../eslint.config.js';

const root = resolve(__dirname, '../../..');
const fixture = (name: string) => readFileSync(resolve(root, 'test/fixtures/electron-lint', name), 'utf8');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

const securityMessages = (results: ESLint.LintResult[]) =>
  results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'no-restricted-syntax' || m.ruleId === 'no-eval').map((m) => ({ line: m.line, message: m.message })));

describe('Electron security lint rules', () => {
  it('find nothing in the Electron code', async () => {
    const results = await eslint.lintFiles(['src/main/**/*.ts', 'src/preload/**/*.ts']);
    expect(results.length).toBeGreaterThan(10);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}: ${m.message}`))).toEqual([]);
  });

  it('refuse every insecure setting and call in a main-process fixture', async () => {
    const found = securityMessages(await eslint.lintText(fixture('insecure-main.ts.txt'), { filePath: resolve(root, 'src/main/insecure.ts') }));
    const text = found.map((f) => f.message).join('\n');
    for (const what of [
      'nodeIntegration must stay false',
      'nodeIntegrationInWorker must stay false',
      'nodeIntegrationInSubFrames must stay false',
      'contextIsolation must stay true',
      'sandbox must stay true',
      'webSecurity must stay true',
      'allowRunningInsecureContent must stay false',
      'no experimental features',
      'no <webview>',
      'enableBlinkFeatures',
      'the remote module',
      'no allowpopups',
      'must be literal true/false, not computed',
      'no http:',
      'not file://',
      'use protocol.handle',
      'must not bypass the CSP',
      'disables a protection',
      'permission requests are denied',
      'shell.openExternal only with a literal URL',
    ]) {
      expect(text, what).toContain(what);
    }
    expect(found.some((f) => f.message.includes('eval'))).toBe(true);
  });

  it('refuse exposing ipcRenderer and page-chosen channels in a preload fixture', async () => {
    const found = securityMessages(await eslint.lintText(fixture('insecure-preload.ts.txt'), { filePath: resolve(root, 'src/preload/insecure.ts') }));
    const lines = (what: string) => [...new Set(found.filter((f) => f.message.includes(what)).map((f) => f.line))];
    expect(lines('never expose ipcRenderer')).toEqual([5, 6, 8, 9]);
    expect(lines('IPC channels must be literals')).toEqual([8, 9]);
  });

  it('every rule is exercised by a fixture', async () => {
    const main = securityMessages(await eslint.lintText(fixture('insecure-main.ts.txt'), { filePath: resolve(root, 'src/main/insecure.ts') }));
    const preload = securityMessages(await eslint.lintText(fixture('insecure-preload.ts.txt'), { filePath: resolve(root, 'src/preload/insecure.ts') }));
    const seen = new Set([...main, ...preload].map((f) => f.message));
    const rules = electronSecurityRules as Array<{ message: string }>;
    expect(rules.filter((r) => !seen.has(r.message)).map((r) => r.message)).toEqual([]);
  });
});
