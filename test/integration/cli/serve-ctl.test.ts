// `tradedesk serve` + `tradedesk ctl` end to end: real processes, real engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServe, type ServeProcess } from './helpers.js';

let serve: ServeProcess;

beforeAll(async () => {
  serve = await spawnServe();
}, 180_000);

afterAll(async () => {
  await serve?.stop();
});

async function statusJson(): Promise<Record<string, unknown>> {
  const r = await runCli(['ctl', 'status', '--url', serve.url, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(1); // exactly one JSON object
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('serve + ctl', () => {
  it('serve prints exactly one stdout line: the UI URL with a 32-char token', () => {
    expect(serve.stdoutLines()).toEqual([`UI: ${serve.url}`]);
    expect(serve.stdoutLines()[0]).toMatch(/^UI: http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(serve.token).toHaveLength(32); // 24 random bytes, base64url
    expect(serve.port).toBeGreaterThan(0);
  });

  it('ctl status --json prints one object with typed fields', async () => {
    const s = await statusJson();
    expect(['ACTIVE', 'REDUCING', 'HALTED']).toContain(s.tradingState);
    for (const k of ['openOrders', 'positions', 'ordersSubmitted', 'ordersDenied']) {
      expect(Number.isInteger(s[k]), k).toBe(true);
    }
    expect(s.speed).toBe(600);
    expect(s.running).toBe(true);
  });

  it('ctl status without --json is human-readable', async () => {
    const r = await runCli(['ctl', 'status', '--url', serve.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/trading state\s+(ACTIVE|REDUCING|HALTED)/);
    expect(r.stdout).toMatch(/open orders\s+\d+/);
  });

  it('halt -> status shows HALTED; resume needs a reason; resume with one -> ACTIVE', async () => {
    const halt = await runCli(['ctl', 'halt', '--url', serve.url, '--reason', 'test halt']);
    expect(halt.code, halt.stderr).toBe(0);
    expect(halt.stdout).toContain('HALTED');
    const s = await statusJson();
    expect(s.tradingState).toBe('HALTED');
    expect((s.lastStateChange as { reason: string }).reason).toBe('test halt');

    const noReason = await runCli(['ctl', 'resume', '--url', serve.url]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');
    expect((await statusJson()).tradingState).toBe('HALTED');

    const resume = await runCli(['ctl', 'resume', '--url', serve.url, '--reason', 'checked', '--json']);
    expect(resume.code, resume.stderr).toBe(0);
    expect(JSON.parse(resume.stdout).tradingState).toBe('ACTIVE');
    expect((await statusJson()).tradingState).toBe('ACTIVE');
  });

  it('kill prints canceled / still open and leaves trading HALTED', async () => {
    const r = await runCli(['ctl', 'kill', '--url', serve.url, '--reason', 'test kill']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/canceled \d+ order\(s\), \d+ still open/);
    const json = await runCli(['ctl', 'kill', '--url', serve.url, '--json']);
    const k = JSON.parse(json.stdout) as { canceled: unknown; stillOpen: unknown; status: { tradingState: string } };
    expect(Number.isInteger(k.canceled)).toBe(true);
    expect(Number.isInteger(k.stillOpen)).toBe(true);
    expect(k.status.tradingState).toBe('HALTED');
    expect((await statusJson()).tradingState).toBe('HALTED');
  });

  it('ctl with a wrong token fails with exit 1 naming the refusal', async () => {
    const bad = serve.url.replace(/#token=.*/, '#token=not-the-token');
    const r = await runCli(['ctl', 'status', '--url', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('token was refused');
  });

  it('SIGTERM stops the engine and the server gracefully (exit 0)', async () => {
    const other = await spawnServe();
    const code = await other.stop();
    expect(code, other.stderr()).toBe(0);
    expect(other.stderr()).toContain('SIGTERM: stopping engine and server');
  }, 180_000);
});
