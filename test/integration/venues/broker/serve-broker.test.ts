// `tradedesk serve --venue alpaca-paper | ccxt:<id>` against loopback servers
// that speak the documented APIs, with keys in a real OS keychain: the engine
// reconciles with the account at start (adopting what was made outside it),
// trades through the real SDKs, and no secret ever reaches the journal, the
// logs or the UI's API.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsEngineClient } from '../../../../src/cli/ws-client.js';
import { readJournal } from '../../../../src/engine/journal/reader.js';
import { deleteCredentials, setCredentials } from '../../../../src/engine/secrets/credentials.js';
import { AlpacaLoopbackServer } from '../../../support/loopback/alpaca-server.js';
import { CoinbaseExchangeLoopback } from '../../../support/loopback/exchange-server.js';

const REPO = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const SERVICE = `tradedesk-test-broker-${process.pid}`;
process.env.TRADEDESK_KEYCHAIN_SERVICE = SERVICE;
const ALPACA_KEY = 'PKLOOPBACKKEY7788';
const ALPACA_SECRET = 'sEcReT-alpaca-9f8e7d6c5b4a';
const dirs: string[] = [];
const procs: ChildProcess[] = [];

afterAll(() => {
  for (const p of procs) p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const v of ['alpaca', 'ccxt:coinbaseexchange']) deleteCredentials(v);
});

interface Served {
  url: string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  proc: ChildProcess;
}

function serve(args: string[], dir: string): Promise<Served> {
  const proc = spawn(process.execPath, [join(REPO, 'bin/tradedesk.js'), 'serve', '--port', '0', '--data-dir', dir, ...args], {
    cwd: REPO,
    env: { ...process.env, TRADEDESK_KEYCHAIN_SERVICE: SERVICE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`no UI line; stderr: ${err}`)), 120_000);
    proc.stdout!.on('data', () => {
      const m = /UI: (\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        res({ url: m[1]!, stdout: () => out, stderr: () => err, exit, proc });
      }
    });
    void exit.then((c) => {
      clearTimeout(t);
      rej(new Error(`serve exited ${c}: ${err}`));
    });
  });
}

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every file under a folder, as text (SQLite files included, byte for byte). */
function allText(dir: string): string {
  let s = '';
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    try {
      s += readFileSync(join(dir, f)).toString('latin1');
    } catch {
      // a folder
    }
  }
  return s;
}

describe('serve on Alpaca (paper) through the real SDK', () => {
  let server: AlpacaLoopbackServer;
  beforeAll(async () => {
    server = await AlpacaLoopbackServer.start({ keyId: ALPACA_KEY, secret: ALPACA_SECRET });
    server.openAllDay(); // whatever the wall clock says
    for (const [s, p] of [['AAPL', 190], ['MSFT', 410]] as const) {
      server.setPrice(s, p);
      // the last hour of 1-minute history, for warm-up and the chart
      const lastOpen = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
      server.setBars(s, AlpacaLoopbackServer.minuteBars(60, lastOpen, p));
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('refuses to start without keys in the keychain, saying how to add them', async () => {
    deleteCredentials('alpaca');
    const dir = mkdtempSync(join(tmpdir(), 'td-broker-'));
    dirs.push(dir);
    const e = server.endpoints();
    await expect(serve(['--venue', 'alpaca-paper', '--endpoint', `rest=${e.rest},data=${e.data},stream=${e.stream},data-stream=${e.dataStream}`], dir)).rejects.toThrow(
      /exited 1.*no credentials for alpaca in the OS keychain.*tradedesk credentials set --venue alpaca/s,
    );
  });

  it('refuses alpaca-live until live trading is enabled with the typed confirmation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-broker-'));
    dirs.push(dir);
    await expect(serve(['--venue', 'alpaca-live'], dir)).rejects.toThrow(/exited 1.*live trading is not enabled/s);
  });

  it('reconciles at start (adopting an outside order and position), trades, and keeps every secret out of journal, logs and API', async () => {
    setCredentials('alpaca', { keyId: ALPACA_KEY, secretKey: ALPACA_SECRET });
    server.setPosition('MSFT', 7, 400);
    server.externalOrder({ symbol: 'AAPL', side: 'buy', qty: 2, type: 'limit', limitPrice: 150, clientOrderId: 'outside-1' });
    const dir = mkdtempSync(join(tmpdir(), 'td-broker-'));
    dirs.push(dir);
    const e = server.endpoints();
    const s = await serve(['--venue', 'alpaca-paper', '--symbols', 'AAPL,MSFT', '--endpoint', `rest=${e.rest},data=${e.data},stream=${e.stream},data-stream=${e.dataStream}`], dir);
    const c = await WsEngineClient.connect(s.url);
    try {
      const st = await c.call('status', {});
      expect(st.venue).toBe('alpaca');
      expect(st.mode).toBe('paper');
      // reconciliation found the outside order and position: REDUCING until each is acknowledged
      const rec = await until(async () => {
        const r = await c.call('reconciliation', {});
        return r.state === 'differences' ? r : undefined;
      }, 'reconciliation differences');
      expect(rec.differences.map((d) => d.detail).join('\n')).toMatch(/external order outside-1/);
      expect(rec.differences.map((d) => d.detail).join('\n')).toMatch(/position MSFT: 0 here, 7 at alpaca/);
      expect((await c.call('status', {})).tradingState).toBe('REDUCING');
      const snap = await c.call('snapshot', {});
      expect(snap.positions.find((p) => p.symbol === 'MSFT')?.qty).toBe(7);
      expect(snap.orders.find((o) => o.clientOrderId === 'outside-1')?.source).toBe('external');
      for (const d of rec.differences) await c.call('acknowledgeDifference', { id: d.id });
      expect((await c.call('status', {})).tradingState).toBe('ACTIVE');

      // quotes stream in; a manual order goes through the risk engine to Alpaca and fills
      const now = Date.now();
      server.pushQuote({ S: 'AAPL', t: now, bp: 189.9, bs: 100, ap: 190.1, as: 100 });
      await until(async () => {
        server.pushQuote({ S: 'AAPL', t: Date.now(), bp: 189.9, bs: 100, ap: 190.1, as: 100 });
        const w = await c.call('whatIf', { symbol: 'AAPL', side: 'buy', type: 'market', qty: 3, timeInForce: 'day' });
        return w.checks.find((x) => x.check === 'price_known')?.passed ? true : undefined;
      }, 'an AAPL quote');
      const r = await c.call('submitOrder', { symbol: 'AAPL', side: 'buy', type: 'market', qty: 3, timeInForce: 'day' });
      expect(r).toMatchObject({ accepted: true });
      await until(async () => ((await c.call('snapshot', {})).positions.find((p) => p.symbol === 'AAPL')?.qty === 3 ? true : undefined), 'the AAPL fill');
      const creds = await c.call('credentialStatus', {});
      expect(creds.find((x) => x.venue === 'alpaca')).toMatchObject({ present: true, fields: ['keyId', 'secretKey'] });
      // Settings' connection test: the stored keys read on the credentials worker, the account read with them
      const tested = await c.call('testCredentials', { venue: 'alpaca' });
      expect(tested).toMatchObject({ ok: true, message: expect.stringMatching(/^alpaca-paper: connected; equity \d/) as unknown });
      // bad keys are refused on the worker with the field named; the stored ones stay (the test still connects)
      await expect(c.call('setCredentials', { venue: 'alpaca', fields: { keyId: ALPACA_KEY, secretKey: '' } })).rejects.toMatchObject({
        code: 'CREDENTIALS_INVALID',
        message: expect.stringMatching(/secretKey/) as unknown,
      });
      expect((await c.call('testCredentials', { venue: 'alpaca' })).ok).toBe(true);
      const health = await c.call('venueHealth', {});
      // the broker's request latency is timed: the order sent, the account and positions read
      expect(health.venueLatency?.byCall.submitOrder?.calls).toBeGreaterThanOrEqual(1);
      expect(health.venueLatency!.calls).toBeGreaterThan(health.venueLatency!.byCall.submitOrder!.calls);
      expect(health.venueLatency!.p99Ms).toBeGreaterThan(0);
      const apiText = JSON.stringify([await c.call('snapshot', {}), creds, tested, health, await c.call('reconciliation', {})]);
      expect(apiText).not.toContain(ALPACA_SECRET);
      expect(apiText).not.toContain(ALPACA_KEY);
    } finally {
      c.close();
    }
    s.proc.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    // the journal and every other file of the data dir, and the logs: no secret
    const everything = allText(dir) + s.stdout() + s.stderr();
    expect(everything).not.toContain(ALPACA_SECRET);
    expect(everything).not.toContain(ALPACA_KEY);
    expect(allText(dir)).toContain('outside-1');
    // history came through the bar cache (a separate file: caches never live in the journal)
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(dir, 'cache', 'bars.sqlite'), { readonly: true });
    const n = (db.prepare(`SELECT count(*) n FROM bars WHERE symbol IN ('AAPL', 'MSFT')`).get() as { n: number }).n;
    db.close();
    expect(n).toBeGreaterThan(0);
    // both symbols' history in one request (GET /v2/stocks/bars?symbols=...), none one symbol at a time
    const bars = server.requests.filter((r) => r.path === '/v2/stocks/bars');
    expect(bars.some((r) => (r.query.symbols ?? '').split(',').sort().join(',') === 'AAPL,MSFT')).toBe(true);
    expect(server.requests.filter((r) => /^\/v2\/stocks\/[^/]+\/bars$/.test(r.path)).map((r) => r.path)).toEqual([]);
    // and warmed the strategies up, each symbol as its own answer came (journaled input.warmup records)
    const warmed: Record<string, unknown[]> = Object.assign({}, ...[...readJournal(dir)].filter((r) => r.kind === 'input.warmup').map((r) => (JSON.parse(r.data) as { bars: object }).bars));
    expect(warmed.AAPL!.length).toBeGreaterThan(30);
    expect(warmed.MSFT!.length).toBeGreaterThan(30);
  }, 180_000);
});

describe('serve on a ccxt exchange (Coinbase Exchange protocol) through the real ccxt', () => {
  let ex: CoinbaseExchangeLoopback;
  beforeAll(async () => {
    ex = await CoinbaseExchangeLoopback.start();
  }, 60_000);
  afterAll(async () => {
    await ex?.close();
  });

  it('trades a market order on the testnet account and reconciles its balances', async () => {
    const { apiKey, secret, passphrase } = (await import('../../../support/loopback/exchange-server.js')).LOOPBACK_CREDENTIALS;
    setCredentials('ccxt:coinbaseexchange', { apiKey, secret, password: passphrase });
    const dir = mkdtempSync(join(tmpdir(), 'td-broker-'));
    dirs.push(dir);
    const s = await serve(['--venue', 'ccxt:coinbaseexchange', '--symbols', 'BTC/USD', '--endpoint', `rest=${ex.urls.public},stream=${ex.urls.ws}`], dir);
    const c = await WsEngineClient.connect(s.url);
    try {
      const st = await c.call('status', {});
      expect(st.venue).toMatch(/coinbaseexchange/);
      await until(async () => ((await c.call('reconciliation', {})).state === 'complete' || (await c.call('reconciliation', {})).state === 'differences' ? true : undefined), 'reconciliation');
      for (const d of (await c.call('reconciliation', {})).differences) await c.call('acknowledgeDifference', { id: d.id });
      expect((await c.call('status', {})).tradingState).toBe('ACTIVE');
      await until(async () => {
        const w = await c.call('whatIf', { symbol: 'BTC/USD', side: 'buy', type: 'market', qty: 0.01, timeInForce: 'day' });
        return w.checks.find((x) => x.check === 'price_known')?.passed ? true : undefined;
      }, 'a BTC/USD quote');
      const before = (await c.call('snapshot', {})).positions.find((p) => p.symbol === 'BTC/USD')?.qty ?? 0;
      const r = await c.call('submitOrder', { symbol: 'BTC/USD', side: 'buy', type: 'market', qty: 0.01, timeInForce: 'day' });
      expect(r).toMatchObject({ accepted: true });
      await until(async () => {
        const q = (await c.call('snapshot', {})).positions.find((p) => p.symbol === 'BTC/USD')?.qty ?? 0;
        return Math.abs(q - before - 0.01) < 1e-9 ? true : undefined;
      }, 'the BTC fill');
      // exactly one order reached the exchange through its API: ours, sent once
      expect(ex.apiOrders()).toHaveLength(1);
    } finally {
      c.close();
    }
    s.proc.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    const everything = allText(dir) + s.stdout() + s.stderr();
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(passphrase);
  }, 180_000);
});
