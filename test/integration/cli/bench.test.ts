// `tradedesk bench --json` (with TRADEDESK_BENCH_QUICK=1 for small samples):
// the documented shape {"results":[{name,value,unit,peer,peer_value,ratio}]}.
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('tradedesk bench --json', () => {
  it('prints the documented shape with numeric values', async () => {
    const r = await runCli(['bench', '--json'], { TRADEDESK_BENCH_QUICK: '1' }, 170_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { results: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(['results']);
    const names = out.results.map((x) => x.name);
    expect(names).toEqual(['engine.events_per_s', 'ctl.halt_latency_ms_p99', 'data.download_300x300', 'risk.pretrade_check_us_p99', 'journal.append_events_per_s', 'journal.durable_commit_ms_p99', 'journal.bytes_per_million_records', 'backtest.bars_per_s', 'backtest.bars_per_s_journal']);
    for (const res of out.results) {
      expect(typeof res.unit).toBe('string');
      expect(typeof res.peer).toBe('string');
      for (const k of ['value', 'peer_value', 'ratio']) {
        expect(typeof res[k], `${String(res.name)}.${k}`).toBe('number');
        expect(Number.isFinite(res[k]) && (res[k] as number) > 0, `${String(res.name)}.${k}`).toBe(true);
      }
      expect(res.ratio).toBeCloseTo((res.value as number) / (res.peer_value as number), 9);
    }
    expect(out.results[0]!.unit).toBe('msg/s');
    expect(out.results[1]!.unit).toBe('ms');
  }, 180_000);
});
