// The timestamp,equity CSV parser: accepted timestamp forms, and errors that
// name the file, the line number and the field.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { EquityCsvError } from '../../../../../src/engine/risk/analytics/errors.js';
import { parseEquityCsv, readEquityCsv } from '../../../../../src/engine/risk/analytics/equity-csv.js';

const FIXTURE = fileURLToPath(new URL('../../../../fixtures/spy_2007_2009.csv', import.meta.url));

function csvError(text: string, file = 'curve.csv'): EquityCsvError {
  try {
    parseEquityCsv(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(EquityCsvError);
    return e as EquityCsvError;
  }
  throw new Error('expected an EquityCsvError');
}

describe('parseEquityCsv', () => {
  it('parses rows with 1-based line numbers, skipping blanks, comments, BOM and CRLF', () => {
    const text = '\uFEFF# my curve\r\ntimestamp,equity\r\n\r\n2024-01-01,100\r\n2024-01-02,101.5\r\n';
    expect(parseEquityCsv(text, 'x.csv')).toEqual([
      { timestamp: Date.UTC(2024, 0, 1), equity: 100, line: 4 },
      { timestamp: Date.UTC(2024, 0, 2), equity: 101.5, line: 5 },
    ]);
  });
  it('accepts the columns in any order, extra columns and quoted fields', () => {
    const pts = parseEquityCsv('Equity,note,Timestamp\n100,"a, b",2024-01-01\n"1e2",x,2024-01-02\n');
    expect(pts.map((p) => p.equity)).toEqual([100, 100]);
    expect(pts[1]!.timestamp).toBe(Date.UTC(2024, 0, 2));
  });
  it('reads the real fixture', async () => {
    const pts = await readEquityCsv(FIXTURE);
    expect(pts).toHaveLength(756);
    expect(pts[0]).toEqual({ timestamp: Date.UTC(2007, 0, 3), equity: 141.369995, line: 2 });
    expect(pts[755]).toEqual({ timestamp: Date.UTC(2009, 11, 31), equity: 111.440002, line: 757 });
  });
});

describe('parseEquityCsv errors name file, line and field', () => {
  it('missing header', () => {
    const e = csvError('2024-01-01,100\n2024-01-02,101\n');
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/^curve\.csv:1: header must name the columns 'timestamp' and 'equity'/);
  });
  it('empty file', () => {
    expect(csvError('').message).toMatch(/^curve\.csv:1: file is empty/);
  });
  it('bad timestamp', () => {
    const e = csvError('timestamp,equity\n2024-01-01,100\n01/02/2024,101\n');
    expect([e.file, e.line, e.field]).toEqual(['curve.csv', 3, 'timestamp']);
    expect(e.message).toBe(`curve.csv:3: field 'timestamp': is not an ISO date/datetime or epoch number: "01/02/2024"`);
  });
  it('non-numeric, empty, non-finite and non-positive equity', () => {
    let e = csvError('timestamp,equity\n2024-01-01,100\n2024-01-02,12abc\n');
    expect([e.line, e.field]).toEqual([3, 'equity']);
    expect(e.message).toMatch(/^curve\.csv:3: field 'equity': is not a number: "12abc"/);
    e = csvError('timestamp,equity\n2024-01-01,\n');
    expect([e.line, e.field, e.reason]).toEqual([2, 'equity', 'is empty']);
    e = csvError('timestamp,equity\n2024-01-01,1e999\n');
    expect(e.message).toMatch(/:2: field 'equity': is not finite/);
    e = csvError('timestamp,equity\n2024-01-01,100\n2024-01-02,100\n2024-01-03,0\n');
    expect(e.message).toBe(`curve.csv:4: field 'equity': must be positive, got 0`);
    e = csvError('timestamp,equity\n2024-01-01,-3\n');
    expect([e.line, e.field]).toEqual([2, 'equity']);
  });
  it('missing field', () => {
    const e = csvError('timestamp,equity\n2024-01-01\n');
    expect([e.line, e.field]).toEqual([2, 'equity']);
    expect(e.message).toMatch(/is missing/);
  });
  it('duplicate timestamp names both lines', () => {
    const e = csvError('timestamp,equity\n2024-01-01,100\n2024-01-02,101\n2024-01-02,102\n');
    expect([e.line, e.field]).toEqual([4, 'timestamp']);
    expect(e.message).toMatch(/^curve\.csv:4: field 'timestamp': 2024-01-02T00:00:00\.000Z duplicates the timestamp of line 3/);
  });
  it('out-of-order timestamp', () => {
    const e = csvError('timestamp,equity\n2024-01-02,100\n2024-01-01,101\n');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/is earlier than line 2/);
  });
  it('readEquityCsv rejects a missing file with ENOENT', async () => {
    await expect(readEquityCsv('/nonexistent/dir/curve.csv')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
