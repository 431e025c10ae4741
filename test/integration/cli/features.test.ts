// `tradedesk features` end to end: the real CLI on real SPY bars agrees with the
// Python reference on every column; bad input exits 1 naming file, line and
// field, and leaves no output (an existing output file is left as it was).
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_COLUMNS } from '../../../src/engine/features/index.js';
import { expectColumnsMatch, hasPython, pythonFeatures, SPY_OHLCV } from '../../support/features-ref.js';
import { runCli } from './helpers.js';

const HEADER = 'timestamp,open,high,low,close,volume';

function readOutput(file: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  return { header: head!.split(','), rows: lines.map((l) => l.split(',')) };
}

describe('tradedesk features', () => {
  it('writes one row per bar with timestamp, symbol and every feature; matches the reference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'features-cli-'));
    const out = join(dir, 'spy_features.csv');
    const r = await runCli(['features', '--bars', SPY_OHLCV, '--out', out, '--symbol', 'SPY']);
    expect(r.code, r.stderr).toBe(0);
    const { header, rows } = readOutput(out);
    expect(header).toEqual(['timestamp', 'symbol', ...FEATURE_COLUMNS]);
    expect(rows).toHaveLength(756);
    expect(rows[0]!.slice(0, 2)).toEqual(['2007-01-03T00:00:00.000Z', 'SPY']);
    const col = (name: string) => rows.map((row) => row[header.indexOf(name)]!);
    expect(col('sma_200').findIndex((v) => v !== '')).toBe(199);
    expect(col('rsi_14').findIndex((v) => v !== '')).toBe(14);
    if (!hasPython) return;
    const ours = Object.fromEntries(FEATURE_COLUMNS.map((c) => [c, col(c).map((v) => (v === '' ? NaN : Number(v)))]));
    expectColumnsMatch(ours, pythonFeatures(SPY_OHLCV));
  });

  it('a bad row exits 1 naming file, line and field, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'features-cli-'));
    const bars = join(dir, 'bars.csv');
    writeFileSync(bars, `${HEADER}\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10,9,11,10,100\n`);
    const out = join(dir, 'out.csv');
    const r = await runCli(['features', '--bars', bars, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`tradedesk features: ${bars}:3: field 'high': 9 is below low 11`);
    expect(existsSync(out)).toBe(false);
    writeFileSync(out, 'previous results\n');
    writeFileSync(bars, `${HEADER}\n2024-01-02,10,11,9,10.5,100\n2024-01-01,10,11,9,10,100\n`);
    const again = await runCli(['features', '--bars', bars, '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/bars\.csv:3: field 'timestamp': .* is earlier than line 2/);
    expect(readFileSync(out, 'utf8')).toBe('previous results\n');
    expect(readdirSync(dir).sort()).toEqual(['bars.csv', 'out.csv']); // no temporary file left behind
  });

  it('usage errors exit 2; a missing file exits 1', async () => {
    const noOut = await runCli(['features', '--bars', SPY_OHLCV]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out FILE\.csv is required/);
    const missing = await runCli(['features', '--bars', '/nonexistent/bars.csv', '--out', join(tmpdir(), 'x.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('tradedesk features: bars file not found: /nonexistent/bars.csv');
  });

  it('a multi-symbol file gets one feature series per symbol and corr_63 against --benchmark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'features-cli-'));
    const src = readFileSync(SPY_OHLCV, 'utf8').trimEnd().split('\n').slice(1, 101);
    // B is SPY scaled by 2 (same returns): its correlation with SPY is 1
    const lines = [`symbol,${HEADER}`];
    for (const l of src) {
      const [t, ...v] = l.split(',');
      lines.push(`SPY,${t},${v.join(',')}`, `B,${t},${v.slice(0, 4).map((x) => String(2 * Number(x))).join(',')},${v[4]}`);
    }
    const bars = join(dir, 'two.csv');
    writeFileSync(bars, lines.join('\n') + '\n');
    const out = join(dir, 'two_features.csv');
    const r = await runCli(['features', '--bars', bars, '--out', out, '--benchmark', 'SPY']);
    expect(r.code, r.stderr).toBe(0);
    const { header, rows } = readOutput(out);
    const last = rows.filter((row) => row[1] === 'B').at(-1)!;
    const lastSpy = rows.filter((row) => row[1] === 'SPY').at(-1)!;
    expect(Number(last[header.indexOf('corr_63')])).toBeCloseTo(1, 9);
    expect(Number(last[header.indexOf('sma_50')])).toBeCloseTo(2 * Number(lastSpy[header.indexOf('sma_50')]), 9);
    expect(rows).toHaveLength(200);
  });
});
