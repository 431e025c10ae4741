// `tradedesk backtest --symbols A,B --timeframe 1Day --from D --to D`: bars from
// the bar cache, the missing ones downloaded first from the loopback Alpaca
// server with keys in the real OS keychain (run under /work/vt.sh). The result
// equals a `--bars` run over the same bars as a CSV; a second run asks the
// server for nothing; without bars and without a way to get them it says how.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBacktestArgs, runBacktestCommand } from '../../../src/cli/backtest-command.js';
import { UsageError } from '../../../src/cli/usage.js';
import { barCachePath } from '../../../src/engine/data/bar-cache.js';
import { nyseSessionFor } from '../../../src/engine/data/calendar.js';
import { deleteCredentials, setCredentials } from '../../../src/engine/secrets/credentials.js';
import { randomBars } from '../../support/bars.js';
import { AlpacaLoopbackServer } from '../../support/loopback/alpaca-server.js';

process.env.TRADEDESK_KEYCHAIN_SERVICE = `tradedesk-test-backtest-bars-${process.pid}`;
const KEY = 'PKBACKTESTBARS42';
const SECRET = 'sEcReT-backtest-bars-1a2b3c';
const DAY = 86_400_000;
const FROM = '2024-01-02';
const TO = '2024-04-30';
const STRATEGIES = ['--strategy', 'ma_cross:fast=2,slow=5,target=0.1,passive_bps=0', '--json'];

const dir = mkdtempSync(join(tmpdir(), 'tradedesk-backtest-bars-'));
let server: AlpacaLoopbackServer;
let csv: string;

/** Runs the command in-process; its stdout and stderr as text, or what it threw. */
async function backtest(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runBacktestCommand(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const barRequests = (): number => server.count('GET', '/v2/stocks/bars');

beforeAll(async () => {
  server = await AlpacaLoopbackServer.start({ keyId: KEY, secret: SECRET });
  // one bar per NYSE session (the loopback stamps a daily bar 00:00Z of its New York date)
  const days: Array<{ date: number; open: number }> = [];
  for (let d = Date.parse(FROM); d <= Date.parse(TO); d += DAY) {
    const s = nyseSessionFor(d + 17 * 3_600_000);
    if (s) days.push({ date: d, open: s.open });
  }
  const bars = randomBars({ symbols: ['QQQ', 'SPY'], n: days.length, seed: 11, start: 0, stepMs: 1, vol: 0.001 });
  for (const sym of ['QQQ', 'SPY']) {
    server.setBars(sym, bars.filter((b) => b.symbol === sym).map((b) => ({ t: days[b.ts]!.open, o: b.open, h: b.high, l: b.low, c: b.close, v: b.volume })));
  }
  csv = join(dir, 'same-bars.csv');
  writeFileSync(csv, `symbol,timestamp,open,high,low,close,volume\n${bars.map((b) => `${b.symbol},${days[b.ts]!.date},${b.open},${b.high},${b.low},${b.close},${b.volume}`).join('\n')}\n`);
  setCredentials('alpaca', { keyId: KEY, secretKey: SECRET });
});

afterAll(async () => {
  deleteCredentials('alpaca');
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tradedesk backtest --symbols (cached venue bars)', () => {
  it('downloads what is missing, then runs as --bars over the same bars; a second run is all from the cache', async () => {
    const data = join(dir, 'data');
    const e = server.endpoints();
    const venueArgs = (from: string, ...more: string[]): string[] => ['--symbols', 'SPY,QQQ', '--timeframe', '1Day', '--from', from, '--to', TO, '--data-dir', data, ...more, ...STRATEGIES];
    const argv = venueArgs(FROM, '--endpoint', `rest=${e.rest},data=${e.data}`);

    const first = await backtest(argv);
    expect(first.code, first.err).toBe(0);
    const requests = barRequests();
    expect(requests).toBeGreaterThan(0);
    expect(first.err).toMatch(/bars: \d+ bars of 2 symbols: 0 from the cache, \d+ downloaded in 1 request/);

    const fromCsv = await backtest(['--bars', csv, '--from', FROM, '--to', TO, ...STRATEGIES]);
    expect(fromCsv.code, fromCsv.err).toBe(0);
    const venueResult = JSON.parse(first.out) as { run: { bars: number; symbols: string[]; calendars: Record<string, string> }; summary: { fills: number }; trades: Array<{ open: boolean }> };
    expect(venueResult.run.symbols).toEqual(['QQQ', 'SPY']);
    // Alpaca's stocks run on their exchange's calendar; the same daily bars from a CSV ('auto') are found to be on it
    expect(venueResult.run.calendars).toEqual({ QQQ: 'nyse', SPY: 'nyse' });
    // a run that traded: orders sent, filled, a round trip closed
    expect(venueResult.summary.fills).toBeGreaterThan(2);
    expect(venueResult.trades.some((t) => !t.open)).toBe(true);
    expect(venueResult).toEqual(JSON.parse(fromCsv.out));

    const second = await backtest(argv);
    expect(second.code, second.err).toBe(0);
    expect(barRequests()).toBe(requests);
    expect(second.err).toMatch(/all cached/);
    expect(second.err).toContain(`${venueResult.run.bars} from the cache, 0 downloaded in 0 requests`);
    expect(second.out).toBe(first.out);

    // --offline reads the same cache; a range it does not hold is named, the run goes on with what is there
    const offline = await backtest(venueArgs('2023-12-01', '--offline'));
    expect(offline.code, offline.err).toBe(0);
    expect(barRequests()).toBe(requests);
    expect(offline.err).toContain('(--offline: nothing downloaded)');
    expect(offline.err).toMatch(/SPY is not cached for 2023-12-01 to 2024-01-01: the backtest runs on what is cached/);
    expect(offline.out).toBe(first.out);
  });

  it('--offline with an empty cache fails naming the symbol, the range, the cache and how to get the bars', async () => {
    const empty = join(dir, 'empty');
    const err = await backtest(['--symbols', 'SPY', '--from', FROM, '--to', TO, '--data-dir', empty, '--offline', '--json']).catch((x: unknown) => x);
    expect(err).toMatchObject({ name: 'CliError', exitCode: 1 });
    const msg = (err as Error).message;
    expect(msg).toContain(`no 1Day bars for SPY from ${FROM} to ${TO} in the bar cache ${barCachePath(empty)}`);
    expect(msg).toContain('tradedesk credentials set --venue alpaca');
    expect(msg).toContain('--bars FILE.csv');
  });

  it('keys the venue refuses: the error names the download and the refusal; nothing is cached', async () => {
    setCredentials('alpaca', { keyId: KEY, secretKey: 'not-the-secret' });
    const refused = join(dir, 'refused');
    const e = server.endpoints();
    const err = await backtest(['--symbols', 'SPY', '--from', FROM, '--to', TO, '--data-dir', refused, '--endpoint', `data=${e.data}`]).catch((x: unknown) => x);
    expect(err).toMatchObject({ name: 'CliError', exitCode: 1 });
    expect((err as Error).message).toMatch(/^downloading 1Day bars of SPY from alpaca-paper: .*(401|not authorized|unauthori[sz]ed)/i);
    expect((err as Error).message).not.toContain('not-the-secret');
    const offline = await backtest(['--symbols', 'SPY', '--from', FROM, '--to', TO, '--data-dir', refused, '--offline']).catch((x: unknown) => x);
    expect((offline as Error).message).toContain('no 1Day bars for SPY');
  });

  it('usage errors: --symbols with --bars, a bad timeframe or date, venue flags without --symbols', () => {
    const usage = (argv: string[]): string => {
      try {
        parseBacktestArgs(argv);
      } catch (e) {
        if (e instanceof UsageError) return e.message;
        throw e;
      }
      throw new Error(`no usage error for ${argv.join(' ')}`);
    };
    expect(usage(['--symbols', 'SPY', '--bars', csv, '--from', FROM, '--to', TO])).toContain('--bars reads a CSV and --symbols loads cached venue bars: give one of them');
    expect(usage(['--symbols', 'SPY', '--timeframe', '2Day', '--from', FROM, '--to', TO])).toContain('--timeframe must be one of 1Min, 5Min, 15Min, 30Min, 1Hour, 1Day, got "2Day"');
    expect(usage(['--symbols', 'SPY', '--from', '2024-13-45', '--to', TO])).toMatch(/^--from /);
    expect(usage(['--symbols', 'SPY', '--from', FROM])).toContain('--symbols needs --from DATE and --to DATE');
    expect(usage(['--symbols', 'SPY', '--from', TO, '--to', FROM])).toContain(`--from ${TO} is after --to ${FROM}`);
    expect(usage(['--bars', csv, '--offline'])).toContain('--offline applies to --symbols');
  });
});
