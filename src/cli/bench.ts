// `tradedesk bench [--json] [--only NAME]`: runs bench/index.ts's benchmarks (or
// only those whose name is or starts with NAME) and prints a table, or
// {"results":[...]} with --json. TRADEDESK_BENCH_QUICK=1 shrinks the
// sample sizes (tests); the numbers worth quoting come from the full sizes.
import { parseArgs } from 'node:util';
import type { BenchResult } from '../../bench/index.js';
import { UsageError } from './usage.js';

function fmt(n: number | undefined): string {
  if (n === undefined) return '-';
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(3);
}

export function formatTable(results: BenchResult[]): string {
  const header = ['benchmark', 'value', 'unit', 'peer value', 'ratio', 'peer'];
  const rows = results.map((r) => [r.name, fmt(r.value), r.unit, fmt(r.peer_value), r.ratio === undefined ? '-' : r.ratio.toFixed(3), r.peer ?? '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 1 || i === 3 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export async function runBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { json: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const quick = process.env.TRADEDESK_BENCH_QUICK === '1';
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  if (quick) log('TRADEDESK_BENCH_QUICK=1: reduced sample sizes, numbers are indicative only');
  const { benchmarks } = await import('../../bench/index.js');
  const only = values.only;
  const chosen = only === undefined ? benchmarks : benchmarks.filter((b) => b.name === only || b.name.startsWith(`${only}.`));
  if (chosen.length === 0) throw new UsageError(`--only ${JSON.stringify(only)} matches no benchmark; names: ${benchmarks.map((b) => b.name).join(', ')}`);
  const results: BenchResult[] = [];
  for (const b of chosen) results.push(...(await b.run({ quick, log })));
  process.stdout.write(values.json ? `${JSON.stringify({ results })}\n` : `${formatTable(results)}\n`);
  return 0;
}
