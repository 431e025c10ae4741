// `tradedesk features --bars FILE.csv --out FILE.csv [--symbol S] [--benchmark S]`: runs
// the streaming FeatureSet over a bars CSV and writes one row per input bar
// (timestamp, symbol, every feature column; empty during warm-up). The input is
// checked completely before anything is written, and the output goes to a
// temporary file renamed into place, so a failure never leaves partial output.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Bar } from '../shared/domain.js';
import { BarsCsvError, readBarsCsv } from '../engine/data/csv-bars.js';
import { FEATURE_COLUMNS, FeatureSet } from '../engine/features/index.js';
import { CliError, UsageError } from './usage.js';

const ROWS_PER_WRITE = 4096;

/** Reads the bars, mapping file-system and format errors to a one-line CliError (exit 1). */
function loadBars(file: string, symbol: string | undefined): Bar[] {
  try {
    return readBarsCsv(file, symbol === undefined ? {} : { defaultSymbol: symbol });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof BarsCsvError) throw new CliError(e.message, 1);
    if (code === 'ENOENT') throw new CliError(`bars file not found: ${file}`, 1);
    if (code === 'EISDIR') throw new CliError(`${file} is a directory, expected a CSV file`, 1);
    if (code === 'EACCES' || code === 'EPERM') throw new CliError(`cannot read ${file}: permission denied`, 1);
    throw e;
  }
}

/** The feature rows as CSV text chunks: `timestamp,symbol,<FEATURE_COLUMNS>`; NaN is an empty field. */
export function* featureCsv(bars: readonly Bar[], benchmark?: string): Generator<string> {
  const benchClose = new Map<number, number>();
  if (benchmark !== undefined) for (const b of bars) if (b.symbol === benchmark) benchClose.set(b.ts, b.close);
  const sets = new Map<string, FeatureSet>();
  let chunk = `timestamp,symbol,${FEATURE_COLUMNS.join(',')}\n`;
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    let fs = sets.get(bar.symbol);
    if (fs === undefined) sets.set(bar.symbol, (fs = new FeatureSet()));
    fs.update(bar, benchClose.get(bar.ts) ?? NaN);
    let line = `${new Date(bar.ts).toISOString()},${bar.symbol}`;
    for (const v of fs.values) line += v === v ? `,${v}` : ',';
    chunk += `${line}\n`;
    if (i % ROWS_PER_WRITE === ROWS_PER_WRITE - 1) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Writes chunks to `out` through a temporary file in the same folder, renamed into place at the end. */
function writeAtomically(out: string, chunks: Iterable<string>): void {
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new CliError(`cannot write ${out}: ${(e as Error).message}`, 1);
  }
  try {
    for (const c of chunks) writeSync(fd, c);
    closeSync(fd);
    renameSync(tmp, out);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw new CliError(`cannot write ${out}: ${(e as Error).message}`, 1);
  }
}

/** Runs `tradedesk features`; `argv` is what follows the word `features`. Returns the exit code. */
export async function runFeatures(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { bars: { type: 'string' }, out: { type: 'string' }, symbol: { type: 'string' }, benchmark: { type: 'string' } },
  });
  if (!values.bars) throw new UsageError('--bars FILE.csv is required');
  if (!values.out) throw new UsageError('--out FILE.csv is required');
  const bars = loadBars(values.bars, values.symbol);
  if (values.benchmark !== undefined && !bars.some((b) => b.symbol === values.benchmark)) {
    throw new CliError(`${values.bars}: no bars for the benchmark symbol ${JSON.stringify(values.benchmark)}`, 1);
  }
  writeAtomically(values.out, featureCsv(bars, values.benchmark));
  process.stderr.write(`tradedesk features: ${bars.length} bars -> ${values.out}\n`);
  return 0;
}
