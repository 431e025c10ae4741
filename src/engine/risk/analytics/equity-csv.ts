// Parser for `timestamp,equity` CSV files: header required, timestamps as ISO
// date/datetime or epoch ms/seconds, equity positive, strictly increasing time.
import { readFile } from 'node:fs/promises';
import { isDecimal, splitCsvLine } from '../../core/csv.js';
import { parseTimestamp } from '../../core/timestamps.js';
import type { EquityPoint } from './equity-curve.js';
import { EquityCsvError } from './errors.js';

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
    if (fields === null) throw new EquityCsvError(file, lineNo, undefined, 'malformed row: a quoted field is not closed');
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
    if (!isDecimal(eqText)) throw new EquityCsvError(file, lineNo, 'equity', `is not a number: ${JSON.stringify(eqText)}`);
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
