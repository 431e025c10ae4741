// `tradedesk bench --json` (with TRADEDESK_BENCH_QUICK=1 for small samples), each group of
// benchmarks in a process of its own:
// the documented shape {"machine":{cores,node,...},"results":[{name,value,unit,peer,peer_value,ratio,detail?}]}.
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('tradedesk bench --json', () => {
  it('prints the documented shape with numeric values', async () => {
    const r = await runCli(['bench', '--json'], { TRADEDESK_BENCH_QUICK: '1', TRADEDESK_BENCH_UI: '0' }, 170_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { machine: Record<string, unknown>; results: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(['machine', 'results']);
    expect(out.machine).toMatchObject({ node: process.version, quick: true });
    expect(Number.isInteger(out.machine.cores) && (out.machine.cores as number) >= 1).toBe(true);
    expect(out.machine.loadavg_start).toHaveLength(3);
    // each figure is printed with its peer as its benchmark ends
    for (const name of ['engine.events_per_s', 'journal.append_events_per_s', 'features.update_ns_per_bar']) expect(r.stderr).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}: .* vs peer `, 'm'));
    expect(r.stderr).toMatch(/^machine: \d+ cores .*Node v/m);
    // each group of benchmarks ran in a fresh process of its own, one after another
    const own = [...r.stderr.matchAll(/^bench: (\S+) in a process of its own \(pid (\d+)\)$/gm)];
    expect(own.map((m) => m[1])).toEqual(['engine', 'ctl', 'data', 'risk', 'journal', 'features', 'backtest', 'ui']);
    expect(new Set(own.map((m) => m[2])).size).toBe(own.length);
    const names = out.results.map((x) => x.name);
    expect(names).toEqual(['engine.events_per_s', 'ctl.halt_latency_ms_p99', 'data.download_300x300', 'risk.pretrade_check_us_p99', 'journal.append_events_per_s', 'journal.durable_commit_ms_p99', 'journal.durable_commit_vs_before_p99', 'journal.bytes_per_million_records', 'features.update_ns_per_bar', 'backtest.bars_per_s', 'backtest.bars_per_s_journal', 'ui.chart_200k_render_ms', 'ui.event_latency_ms_p99', 'ui.pan_fps']);
    // the UI figures (bench-ui.test.ts runs them in Chromium) are reported skipped with the reason
    for (const res of out.results.slice(-3)) expect(res).toMatchObject({ value: null, skipped: 'TRADEDESK_BENCH_UI=0' });
    // against the journal writer before issue 10: measured from the git history, or skipped saying why
    const vsBefore = out.results.find((x) => x.name === 'journal.durable_commit_vs_before_p99')!;
    if (vsBefore.skipped !== undefined) expect(vsBefore).toMatchObject({ value: null, skipped: expect.stringMatching(/needs the repository's history/) as unknown });
    else expect((vsBefore.detail as Record<string, number>).orders).toBe(300);
    for (const res of out.results.slice(0, -3)) {
      if (res === vsBefore && vsBefore.skipped !== undefined) continue;
      expect(typeof res.unit).toBe('string');
      expect(typeof res.peer).toBe('string');
      for (const k of ['value', 'peer_value', 'ratio']) {
        expect(typeof res[k], `${String(res.name)}.${k}`).toBe('number');
        expect(Number.isFinite(res[k]) && (res[k] as number) > 0, `${String(res.name)}.${k}`).toBe(true);
      }
      // features reports peer time / our time (above 1 = ours faster); the others value / peer_value
      const ratio = res.name === 'features.update_ns_per_bar' ? (res.peer_value as number) / (res.value as number) : (res.value as number) / (res.peer_value as number);
      expect(res.ratio).toBeCloseTo(ratio, 9);
    }
    // the backtest figure says where its time goes: the same bars with no order sent, and the time each order adds;
    // and how fast the ensemble of signal strategies runs
    const bt = out.results.find((x) => x.name === 'backtest.bars_per_s')!.detail as Record<string, number>;
    expect(bt.orders).toBeGreaterThan(0);
    expect(bt.bars_per_s_no_orders).toBeGreaterThan(0);
    expect(Number.isFinite(bt.us_per_order)).toBe(true);
    expect(bt.ensemble_bars_per_s).toBeGreaterThan(0);
    expect(out.results[0]!.unit).toBe('msg/s');
    expect(out.results[1]!.unit).toBe('ms');
  }, 180_000);
});

describe('tradedesk bench --only', () => {
  it('runs just the named benchmark; an unknown name is a usage error naming the choices', async () => {
    const r = await runCli(['bench', '--json', '--only', 'features.update_ns_per_bar'], { TRADEDESK_BENCH_QUICK: '1' }, 120_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { results: Array<{ name: string; unit: string; peer: string }> };
    expect(out.results.map((x) => [x.name, x.unit])).toEqual([['features.update_ns_per_bar', 'ns/bar']]);
    expect(out.results[0]!.peer).toMatch(/^(technicalindicators|trading-signals) /);
    const bad = await runCli(['bench', '--only', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--only "nope" matches no benchmark; names: .*features\.update_ns_per_bar/);
  }, 130_000);
});
