// Reader for OHLCV bar CSV files (`timestamp,open,high,low,close,volume` plus an
// optional `symbol`): every row checked, the first problem reported with the
// file, line and field; nothing is returned from a file with a bad row.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Bar } from '../../shared/domain.js';
import { isDecimal, splitCsvLine } from '../core/csv.js';
import { TradedeskError } from '../core/errors.js';
import { parseTimestamp } from '../core/timestamps.js';

/** A bad bars CSV; the message reads `FILE:LINE: field 'F': what is wrong` (no field part when the whole row or file is wrong). */
export class BarsCsvError extends TradedeskError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super('BARS_CSV_INVALID', `${file}:${line}: ${field === undefined ? '' : `field '${field}': `}${reason}`);
    this.name = 'BarsCsvError';
  }
}

export interface BarsCsvOptions {
  /** Symbol of every bar when the file has no `symbol` column; default: the file name without its extension. */
  defaultSymbol?: string;
}

const REQUIRED = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
type PriceField = 'open' | 'high' | 'low' | 'close';
const PRICES: readonly PriceField[] = ['open', 'high', 'low', 'close'];

/**
 * Parses bars CSV text. The first non-blank, non-comment line is the header: it
 * must name timestamp, open, high, low, close and volume (any order, any case;
 * `symbol` optional; other columns ignored). Every row must have as many fields
 * as the header. Timestamps: ISO dates or datetimes (no zone = UTC) or epoch
 * numbers (ms when |v| >= 1e11, else seconds). Prices are positive numbers with
 * low <= open, close <= high; volume is a number >= 0; timestamps strictly
 * increase per symbol. Blank lines and `#` comment lines are skipped.
 * Throws BarsCsvError for the first problem found.
 */
export function parseBarsCsv(text: string, fileLabel = '<input>', opts: BarsCsvOptions = {}): Bar[] {
  const defaultSymbol = opts.defaultSymbol ?? basename(fileLabel, extname(fileLabel));
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fail = (line: number, field: string | undefined, reason: string): never => {
    throw new BarsCsvError(fileLabel, line, field, reason);
  };
  let cols: Record<(typeof REQUIRED)[number], number> | undefined;
  let symbolCol = -1;
  let width = 0;
  const bars: Bar[] = [];
  const lastBySymbol = new Map<string, { ts: number; line: number }>();
  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li]!;
    const lineNo = li + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = splitCsvLine(raw) ?? fail(lineNo, undefined, 'malformed row: a quoted field is not closed');
    if (cols === undefined) {
      const names = fields.map((f) => f.toLowerCase());
      const found = {} as Record<(typeof REQUIRED)[number], number>;
      for (const name of REQUIRED) {
        const at = names.indexOf(name);
        if (at < 0) fail(lineNo, name, `column is missing from the header ${JSON.stringify(trimmed)}; expected ${REQUIRED.join(',')} (symbol optional)`);
        found[name] = at;
      }
      cols = found;
      symbolCol = names.indexOf('symbol');
      width = fields.length;
      continue;
    }
    if (fields.length !== width) {
      fail(lineNo, undefined, `malformed row: ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${width}`);
    }
    const ts = parseTimestamp(fields[cols.timestamp]!);
    if (typeof ts === 'string') fail(lineNo, 'timestamp', ts);
    const num = (name: PriceField | 'volume'): number => {
      const t = fields[cols![name]]!;
      if (t === '') fail(lineNo, name, 'is empty');
      if (!isDecimal(t)) fail(lineNo, name, `is not a number: ${JSON.stringify(t)}`);
      const v = Number(t);
      if (!Number.isFinite(v)) fail(lineNo, name, `is not finite: ${JSON.stringify(t)}`);
      return v;
    };
    const p = { open: num('open'), high: num('high'), low: num('low'), close: num('close') };
    for (const name of PRICES) if (p[name] <= 0) fail(lineNo, name, `must be positive, got ${fields[cols[name]]}`);
    const volume = num('volume');
    if (volume < 0) fail(lineNo, 'volume', `must not be negative, got ${fields[cols.volume]}`);
    if (p.high < p.low) fail(lineNo, 'high', `${p.high} is below low ${p.low}`);
    for (const name of ['open', 'close'] as const) {
      if (p[name] > p.high) fail(lineNo, name, `${p[name]} is above high ${p.high}`);
      if (p[name] < p.low) fail(lineNo, name, `${p[name]} is below low ${p.low}`);
    }
    let symbol = defaultSymbol;
    if (symbolCol >= 0) {
      symbol = fields[symbolCol]!;
      if (symbol === '') fail(lineNo, 'symbol', 'is empty');
    }
    const t = ts as number;
    const prev = lastBySymbol.get(symbol);
    if (prev !== undefined && !(t > prev.ts)) {
      const what = t === prev.ts ? 'duplicates the timestamp of' : 'is earlier than';
      fail(lineNo, 'timestamp', `${new Date(t).toISOString()} ${what} line ${prev.line} (${new Date(prev.ts).toISOString()}) for ${symbol}; rows must be in increasing time per symbol`);
    }
    lastBySymbol.set(symbol, { ts: t, line: lineNo });
    bars.push({ symbol, ts: t, open: p.open, high: p.high, low: p.low, close: p.close, volume });
  }
  if (cols === undefined) fail(1, undefined, `file is empty: expected a header naming ${REQUIRED.join(',')} (symbol optional)`);
  return bars;
}

/** Reads and parses a bars CSV file; errors name the path as given. */
export function readBarsCsv(path: string, opts: BarsCsvOptions = {}): Bar[] {
  return parseBarsCsv(readFileSync(path, 'utf8'), path, opts);
}
