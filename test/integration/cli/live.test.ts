// `tradedesk live enable|disable|status`: the live-trading opt-in needs the
// exact phrase typed on stdin, is saved in settings.json and journaled.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIVE_CONFIRMATION } from '../../../src/engine/core/settings.js';
import { readJournal } from '../../../src/engine/journal/reader.js';
import { BIN, REPO } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'td-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function live(args: string[], stdin: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, [BIN, 'live', ...args, '--data-dir', dir], { cwd: REPO, env: { ...process.env, TRADEDESK_JOURNAL_ANCHOR: 'file' } });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('close', (code) => res({ code, out, err }));
    c.stdin.end(stdin);
  });
}

describe('tradedesk live', () => {
  it('refuses a wrong phrase, enables with the exact one, journals it, and disables', async () => {
    const wrong = await live(['enable'], 'i understand\n');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain(LIVE_CONFIRMATION);
    expect((await live(['status'], '')).out).toMatch(/live trading disabled/);

    const ok = await live(['enable'], `${LIVE_CONFIRMATION}\n`);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).liveTrading.enabled).toBe(true);
    expect((await live(['status'], '')).out).toMatch(/ENABLED/);
    const changes = [...readJournal(dir, new Set(['config']))].map((r) => JSON.parse(r.data) as { changed: string[] });
    expect(changes.map((c) => c.changed.join())).toContain('liveTrading.enabled -> true');

    expect((await live(['disable'], '')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).liveTrading.enabled).toBe(false);
  }, 120_000);
});
