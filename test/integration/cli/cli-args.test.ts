// The command line itself: help, usage errors (exit 2), connection failures (exit 1).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('tradedesk command line', () => {
  it('--help prints usage and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: tradedesk');
    expect(r.stdout).toMatch(/serve[\s\S]*ctl[\s\S]*bench/);
  });

  it('an unknown flag prints usage to stderr and exits 2', async () => {
    const r = await runCli(['serve', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--no-such-flag'");
    expect(r.stderr).toContain('Usage: tradedesk');
    expect(r.stdout).toBe('');
  });

  it('an unknown subcommand prints usage to stderr and exits 2', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: tradedesk');
  });

  it('no subcommand is a usage error', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: tradedesk');
  });

  it('serve refuses to bind anything but 127.0.0.1', async () => {
    const r = await runCli(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('127.0.0.1 only');
  });

  it('serve refuses a bad --speed and a bad --profile, naming them', async () => {
    const speed = await runCli(['serve', '--speed', 'fast', '--port', '0']);
    expect(speed.code).toBe(2);
    expect(speed.stderr).toContain('--speed');
    const dir = mkdtempSync(join(tmpdir(), 'tradedesk-test-'));
    try {
      const profile = await runCli(['serve', '--profile', 'reckless', '--port', '0', '--data-dir', dir]);
      expect(profile.code).toBe(2);
      expect(profile.stderr).toContain("field 'profile'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ctl resume without --reason exits 2 with a message, before connecting', async () => {
    const r = await runCli(['ctl', 'resume', '--url', 'http://127.0.0.1:1/#token=x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('resume needs --reason');
  });

  it('ctl against nothing listening fails clearly with exit 1', async () => {
    // grab a free port, then close it so nothing listens there
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runCli(['ctl', 'status', '--url', `http://127.0.0.1:${port}/#token=abc`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot connect to engine');
    expect(r.stderr).toContain('ECONNREFUSED');
  });

  it('ctl without a token in the URL is a usage-level failure naming the token', async () => {
    const r = await runCli(['ctl', 'status', '--url', 'http://127.0.0.1:5317/']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('#token=');
  });
});
