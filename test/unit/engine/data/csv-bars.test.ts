// The bars CSV reader: accepted forms, and one error per kind of bad input, each
// naming the file, the line and the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BarsCsvError, parseBarsCsv, readBarsCsv } from '../../../../src/engine/data/csv-bars.js';

const HEADER = 'timestamp,open,high,low,close,volume';

function csvError(text: string, file = 'bars.csv'): BarsCsvError {
  try {
    parseBarsCsv(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(BarsCsvError);
    return e as BarsCsvError;
  }
  throw new Error('expected a BarsCsvError');
}

function expectError(text: string, line: number, field: string | undefined, reason: RegExp): void {
  const e = csvError(text);
  expect(e.file).toBe('bars.csv');
  expect(e.line).toBe(line);
  expect(e.field).toBe(field);
  expect(e.reason).toMatch(reason);
  expect(e.code).toBe('BARS_CSV_INVALID');
  expect(e.message).toBe(`bars.csv:${line}: ${field === undefined ? '' : `field '${field}': `}${e.reason}`);
}

describe('parseBarsCsv', () => {
  it('parses rows into engine bars, skipping blanks, comments, BOM and CRLF', () => {
    const text = `\uFEFF# daily\r\n${HEADER}\r\n\r\n2024-01-02,10,11,9,10.5,1000\r\n2024-01-03T00:00:00Z,10.5,12,10,11,0\r\n`;
    expect(parseBarsCsv(text, 'data/SPY.csv')).toEqual([
      { symbol: 'SPY', ts: Date.UTC(2024, 0, 2), open: 10, high: 11, low: 9, close: 10.5, volume: 1000 },
      { symbol: 'SPY', ts: Date.UTC(2024, 0, 3), open: 10.5, high: 12, low: 10, close: 11, volume: 0 },
    ]);
  });
  it('takes the columns in any order and case, ignores extra ones, accepts epoch ms and a default symbol', () => {
    const bars = parseBarsCsv('Close,Volume,adj close,Low,High,Open,Timestamp\n2,5,1.9,1,3,1.5,1704153600000\n', 'x.csv', { defaultSymbol: 'QQQ' });
    expect(bars).toEqual([{ symbol: 'QQQ', ts: Date.UTC(2024, 0, 2), open: 1.5, high: 3, low: 1, close: 2, volume: 5 }]);
  });
  it('with a symbol column, timestamps need only increase per symbol', () => {
    const bars = parseBarsCsv(`symbol,${HEADER}\nA,2024-01-02,1,1,1,1,1\nB,2024-01-01,2,2,2,2,2\nB,2024-01-02,2,2,2,2,2\nA,2024-01-03,1,1,1,1,1\n`);
    expect(bars.map((b) => `${b.symbol}@${new Date(b.ts).toISOString().slice(0, 10)}`)).toEqual(['A@2024-01-02', 'B@2024-01-01', 'B@2024-01-02', 'A@2024-01-03']);
  });
  it('a header with no rows gives no bars', () => {
    expect(parseBarsCsv(`${HEADER}\n`)).toEqual([]);
  });
});

describe('parseBarsCsv errors name file, line and field', () => {
  const ok = '2024-01-02,10,11,9,10.5,100';
  it('empty file', () => expectError('\n# nothing\n', 1, undefined, /file is empty/));
  it('missing column', () => expectError('timestamp,open,high,close,volume\n2024-01-02,1,1,1,1\n', 1, 'low', /column is missing/));
  it('malformed row: too few fields', () => expectError(`${HEADER}\n${ok}\n2024-01-03,10,11,9\n`, 3, undefined, /malformed row: 4 fields, the header has 6/));
  it('malformed row: too many fields', () => expectError(`${HEADER}\n2024-01-03,10,11,9,10,5,7\n`, 2, undefined, /malformed row: 7 fields/));
  it('malformed row: unclosed quote', () => expectError(`${HEADER}\n"2024-01-03,10,11,9,10,5\n`, 2, undefined, /quoted field is not closed/));
  it('bad timestamp', () => expectError(`${HEADER}\n2024-02-30,10,11,9,10,5\n`, 2, 'timestamp', /not a valid calendar date/));
  it('non-numeric price', () => expectError(`${HEADER}\n2024-01-02,10,11,9,abc,5\n`, 2, 'close', /is not a number: "abc"/));
  it('empty price', () => expectError(`${HEADER}\n2024-01-02,,11,9,10,5\n`, 2, 'open', /is empty/));
  it('non-numeric volume', () => expectError(`${HEADER}\n2024-01-02,10,11,9,10,NaN\n`, 2, 'volume', /is not a number/));
  it('zero price', () => expectError(`${HEADER}\n2024-01-02,10,11,0,10,5\n`, 2, 'low', /must be positive, got 0/));
  it('negative price', () => expectError(`${HEADER}\n2024-01-02,-1,11,9,10,5\n`, 2, 'open', /must be positive, got -1/));
  it('negative volume', () => expectError(`${HEADER}\n2024-01-02,10,11,9,10,-5\n`, 2, 'volume', /must not be negative/));
  it('high below low', () => expectError(`${HEADER}\n${ok}\n2024-01-03,10,9,11,10,5\n`, 3, 'high', /9 is below low 11/));
  it('close above high', () => expectError(`${HEADER}\n2024-01-02,10,11,9,12,5\n`, 2, 'close', /12 is above high 11/));
  it('open below low', () => expectError(`${HEADER}\n2024-01-02,8,11,9,10,5\n`, 2, 'open', /8 is below low 9/));
  it('timestamps out of order', () => expectError(`${HEADER}\n${ok}\n2024-01-01,10,11,9,10,5\n`, 3, 'timestamp', /is earlier than line 2/));
  it('duplicate timestamp', () => expectError(`${HEADER}\n${ok}\n${ok}\n`, 3, 'timestamp', /duplicates the timestamp of line 2/));
  it('out of order within one symbol of a multi-symbol file', () =>
    expectError(`symbol,${HEADER}\nA,${ok}\nB,2024-01-05,1,1,1,1,1\nA,2024-01-01,1,1,1,1,1\n`, 4, 'timestamp', /earlier than line 2 .* for A/));
  it('empty symbol', () => expectError(`symbol,${HEADER}\n,${ok}\n`, 2, 'symbol', /is empty/));
});

describe('readBarsCsv', () => {
  it('reads a file and names its path in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bars-'));
    const good = join(dir, 'IWM.csv');
    writeFileSync(good, `${HEADER}\n2024-01-02,10,11,9,10.5,100\n`);
    expect(readBarsCsv(good)).toEqual([{ symbol: 'IWM', ts: Date.UTC(2024, 0, 2), open: 10, high: 11, low: 9, close: 10.5, volume: 100 }]);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `${HEADER}\n2024-01-02,10,11,9,x,100\n`);
    expect(() => readBarsCsv(bad)).toThrow(`${bad}:2: field 'close': is not a number: "x"`);
  });
});
