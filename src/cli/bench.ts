// `tradedesk bench [--json] [--only NAME]`: runs bench/index.ts's benchmarks (or
// only those whose name is or starts with NAME) and prints a table, or
// {"machine":{...},"results":[...]} with --json. Each result is also printed to
// stderr with its peer as soon as its benchmark ends. The machine line (core
// count, Node version, load average before and after) comes with every run:
// figures from a busy or different machine are not comparable.
// TRADEDESK_BENCH_QUICK=1 shrinks the sample sizes (tests); the numbers worth
// quoting come from the full sizes.
//
// Each group of benchmarks (the first part of their names: data, journal,
// backtest, ui...) runs in a process of its own, one after another, so no figure
// carries the heap, JIT state or leftover timers of the benchmarks before it (in
// one process the backtest ran 15-30% slower after the others than alone). A
// run of one group (--only) runs in this process.
import { spawn } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchResult } from '../../bench/index.js';
import { UsageError } from './usage.js';

export interface BenchMachine {
  /** os.availableParallelism(): the cores this process may use. */
  cores: number;
  cpu: string;
  node: string;
  platform: string;
  arch: string;
  /** 1-, 5- and 15-minute load averages when the run started and when it ended. */
  loadavg_start: number[];
  loadavg_end: number[];
  quick: boolean;
}

function fmt(n: number | undefined): string {
  if (n === undefined) return '-';
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(3);
}

const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

export function machineLine(m: BenchMachine): string {
  return `machine: ${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.platform}/${m.arch}; load average ${m.loadavg_start.join(' ')} at start, ${m.loadavg_end.join(' ')} at end${m.quick ? '; QUICK sample sizes' : ''}`;
}

/** One result with its peer on one line. */
export function resultLine(r: BenchResult): string {
  if (r.skipped !== undefined) return `${r.name}: SKIPPED (${r.skipped})`;
  const peer = r.peer === undefined ? 'no peer' : `peer ${fmt(r.peer_value)} ${r.unit} (${r.peer})`;
  const ratio = r.ratio === undefined ? '' : `, ratio ${r.ratio.toFixed(3)}`;
  const detail = r.detail ? `; ${Object.entries(r.detail).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}` : '';
  return `${r.name}: ${fmt(r.value)} ${r.unit} vs ${peer}${ratio}${detail}`;
}

export function formatTable(results: BenchResult[], machine?: BenchMachine): string {
  const header = ['benchmark', 'value', 'unit', 'peer value', 'ratio', 'peer'];
  const rows = results.map((r) => [r.name, r.skipped !== undefined ? 'skipped' : fmt(r.value), r.unit, fmt(r.peer_value), r.ratio === undefined ? '-' : r.ratio.toFixed(3), r.peer ?? '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 1 || i === 3 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const details = results.filter((r) => r.detail).map((r) => `  ${r.name}: ${Object.entries(r.detail!).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
  return [
    ...(machine ? [machineLine(machine)] : []),
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...(details.length ? ['details:', ...details] : []),
    ...results.filter((r) => r.skipped !== undefined).map((r) => `skipped: ${r.name}: ${r.skipped}`),
  ].join('\n');
}

/** Set in a benchmark group's own process. */
const CHILD_ENV = 'TRADEDESK_BENCH_CHILD';
const BIN = fileURLToPath(new URL('../../bin/tradedesk.js', import.meta.url));

/** A benchmark's group: the first part of its name ('data.download_300x300' -> 'data'). */
function groupOf(name: string): string {
  return name.split('.')[0]!;
}

/** Runs `tradedesk bench --json --only GROUP` in a fresh process (its progress lines go straight to stderr) and returns its results. */
function runGroupInChild(group: string): Promise<BenchResult[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, BIN, 'bench', '--json', '--only', group], { env: { ...process.env, [CHILD_ENV]: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.on('error', (e) => reject(new Error(`bench: could not start the process for '${group}': ${e.message}`)));
    p.on('close', (code, signal) => {
      if (code !== 0) return reject(new Error(`bench: the process running '${group}' ended with ${signal ? `signal ${signal}` : `exit code ${code}`} (its error is above)`));
      try {
        resolve((JSON.parse(Buffer.concat(out).toString('utf8')) as { results: BenchResult[] }).results);
      } catch (e) {
        reject(new Error(`bench: the process running '${group}' printed no valid JSON results: ${(e as Error).message}`));
      }
    });
  });
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
  const start = load();
  const cpu = cpus()[0]?.model.trim() ?? 'unknown';
  const child = process.env[CHILD_ENV] === '1';
  if (child) log(`bench: ${only} in a process of its own (pid ${process.pid})`);
  else log(`machine: ${availableParallelism()} cores (${cpu}), Node ${process.version}; load average ${start.join(' ')}`);
  const results: BenchResult[] = [];
  const groups = [...new Set(chosen.map((b) => groupOf(b.name)))];
  if (groups.length > 1 && !child) {
    for (const g of groups) results.push(...(await runGroupInChild(g)));
  } else {
    for (const b of chosen) {
      const rs = await b.run({ quick, log });
      for (const r of rs) log(resultLine(r));
      results.push(...rs);
    }
  }
  const machine: BenchMachine = { cores: availableParallelism(), cpu, node: process.version, platform: process.platform, arch: process.arch, loadavg_start: start, loadavg_end: load(), quick };
  process.stdout.write(values.json ? `${JSON.stringify({ machine, results })}\n` : `${formatTable(results, machine)}\n`);
  return 0;
}
