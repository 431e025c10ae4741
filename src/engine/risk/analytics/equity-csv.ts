// Parser for `timestamp,equity` CSV files: header required, timestamps as ISO
// date/datetime or epoch ms/seconds, equity positive, strictly increasing time.
import { readFile } from 'node:fs/promises';
import type { EquityPoint } from './equity-curve.js';
import { EquityCsvError } from './errors.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const EPOCH = /^-?\d+(?:\.\d+)?$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Epoch values at or above this magnitude are milliseconds, below it seconds (1e11 s is the year 5138; 1e11 ms is March 1973). */
export const EPOCH_MS_THRESHOLD = 1e11;

/**
 * Parses one timestamp to epoch ms (UTC), or returns a reason string.
 * Accepted: `YYYY-MM-DD` (UTC midnight); `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`,
 * `±HH:MM` or no zone (no zone = UTC); a space may replace `T`; epoch numbers:
 * milliseconds when |v| >= 1e11, else seconds.
 */
export function parseTimestamp(text: string): number | string {
  const s = text.trim();
  if (s === '') return 'is empty';
  if (EPOCH.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return `is not a finite epoch number: ${JSON.stringify(s)}`;
    return Math.abs(v) >= EPOCH_MS_THRESHOLD ? v : v * 1000;
  }
  let m = ISO_DATE.exec(s);
  if (m) return civil(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, 0, 0, s);
  m = ISO_DATETIME.exec(s);
  if (m) {
    const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
    let offsetMin = 0;
    const zone = m[8];
    if (zone !== undefined && zone.toUpperCase() !== 'Z') {
      const digits = zone.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2));
      const om = Number(digits.slice(2, 4));
      if (oh > 23 || om > 59) return `has an invalid UTC offset: ${JSON.stringify(s)}`;
      offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    return civil(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6]), frac, offsetMin, s);
  }
  return `is not an ISO date/datetime or epoch number: ${JSON.stringify(s)}`;
}

function civil(y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number, offsetMin: number, s: string): number | string {
  const t = Date.UTC(y, mo - 1, d, h, mi, sec);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== sec) {
    return `is not a valid calendar date/time: ${JSON.stringify(s)}`;
  }
  return t + ms - offsetMin * 60_000;
}

/** Splits one CSV line on commas; a field wrapped in double quotes may hold commas ("" is a literal quote). */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',').map((f) => f.trim());
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/**
 * Parses `timestamp,equity` CSV text. The first non-blank, non-comment line is
 * the header and must name the columns `timestamp` and `equity` (any order,
 * case-insensitive; other columns are ignored). Blank lines and lines starting
 * with `#` are skipped. Throws EquityCsvError naming `file`, the 1-based line
 * and the field for the first problem found.
 */
export function parseEquityCsv(text: string, file = '<input>'): EquityPoint[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let tsCol = -1;
  let eqCol = -1;
  let headerSeen = false;
  const points: EquityPoint[] = [];
  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li]!;
    const lineNo = li + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = splitCsvLine(raw);
    if (!headerSeen) {
      const names = fields.map((f) => f.toLowerCase());
      tsCol = names.indexOf('timestamp');
      eqCol = names.indexOf('equity');
      if (tsCol < 0 || eqCol < 0) {
        throw new EquityCsvError(file, lineNo, undefined, `header must name the columns 'timestamp' and 'equity', got ${JSON.stringify(trimmed)}`);
      }
      headerSeen = true;
      continue;
    }
    const need = Math.max(tsCol, eqCol) + 1;
    if (fields.length < need) {
      const missing = fields.length <= tsCol ? 'timestamp' : 'equity';
      throw new EquityCsvError(file, lineNo, missing, `is missing (row has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected at least ${need})`);
    }
    const ts = parseTimestamp(fields[tsCol]!);
    if (typeof ts === 'string') throw new EquityCsvError(file, lineNo, 'timestamp', ts);
    const eqText = fields[eqCol]!;
    if (eqText === '') throw new EquityCsvError(file, lineNo, 'equity', 'is empty');
    if (!DECIMAL.test(eqText)) throw new EquityCsvError(file, lineNo, 'equity', `is not a number: ${JSON.stringify(eqText)}`);
    const equity = Number(eqText);
    if (!Number.isFinite(equity)) throw new EquityCsvError(file, lineNo, 'equity', `is not finite: ${JSON.stringify(eqText)}`);
    if (equity <= 0) throw new EquityCsvError(file, lineNo, 'equity', `must be positive, got ${eqText}`);
    const prev = points[points.length - 1];
    if (prev !== undefined && !(ts > prev.timestamp)) {
      const what = ts === prev.timestamp ? 'duplicates the timestamp of' : 'is earlier than';
      throw new EquityCsvError(file, lineNo, 'timestamp', `${new Date(ts).toISOString()} ${what} line ${prev.line} (${new Date(prev.timestamp).toISOString()}); rows must be in increasing time`);
    }
    points.push({ timestamp: ts, equity, line: lineNo });
  }
  if (!headerSeen) throw new EquityCsvError(file, 1, undefined, "file is empty: expected a header naming the columns 'timestamp' and 'equity'");
  return points;
}

/** Reads and parses a `timestamp,equity` CSV file (errors name the path as given). */
export async function readEquityCsv(path: string): Promise<EquityPoint[]> {
  const text = await readFile(path, 'utf8');
  return parseEquityCsv(text, path);
}
