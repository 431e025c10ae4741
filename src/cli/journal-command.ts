// `tradedesk journal verify|export --data-dir DIR`: checks the hash chain of a
// journal (exit 0 intact, 1 naming the first bad record) or exports records
// as CSV or JSON lines.
import { parseArgs } from 'node:util';
import { resolveDataDir } from './common-flags.js';
import { exportJournal, EXPORT_KINDS, type ExportFormat, type ExportKind } from '../engine/journal/export.js';
import { verifyJournal } from '../engine/journal/verify.js';
import { CliError, UsageError } from './usage.js';

export async function runJournal(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: {
      'data-dir': { type: 'string' },
      format: { type: 'string' },
      kind: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const dataDir = resolveDataDir(values['data-dir']);
  if (action === 'verify') {
    if (values.format || values.kind) throw new UsageError('journal verify takes --data-dir [--json] only');
    const r = verifyJournal(dataDir);
    if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok) process.stdout.write(`journal OK: ${r.records} records in ${r.files} file(s), chain anchored in ${r.anchor}\n`);
    else process.stderr.write(`journal verify FAILED: ${r.problem}\n`);
    return r.ok ? 0 : 1;
  }
  if (action === 'export') {
    const format = (values.format ?? 'csv') as ExportFormat;
    if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got ${JSON.stringify(values.format)}`);
    const kind = (values.kind ?? 'all') as ExportKind;
    if (!Object.prototype.hasOwnProperty.call(EXPORT_KINDS, kind)) {
      throw new UsageError(`--kind must be one of ${Object.keys(EXPORT_KINDS).join(', ')}, got ${JSON.stringify(values.kind)}`);
    }
    try {
      const n = exportJournal(dataDir, format, kind, (s) => process.stdout.write(s));
      process.stderr.write(`exported ${n} record(s)\n`);
      return 0;
    } catch (e) {
      throw new CliError((e as Error).message, 1);
    }
  }
  throw new UsageError(`journal needs 'verify' or 'export', got ${JSON.stringify(action ?? '')}`);
}
