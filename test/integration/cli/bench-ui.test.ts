// `tradedesk bench --json --only ui` (QUICK sizes: 2,000 candles, 300 events,
// 0.5 s of panning): the bench pages build with Vite, Chromium runs them, and
// each UI benchmark reports a finite figure beside its peer's. No timing goal
// is asserted (shared, loaded machine): only that the figures exist and are sane.
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('tradedesk bench --only ui', () => {
  it('runs the three UI benchmarks in Chromium, each with a peer figure', async () => {
    const r = await runCli(['bench', '--json', '--only', 'ui'], { TRADEDESK_BENCH_QUICK: '1', CHROMIUM_PATH: process.env.CHROMIUM_PATH || '/usr/bin/chromium' }, 280_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { results: Array<{ name: string; value: number; unit: string; peer: string; peer_value: number; ratio: number; skipped?: string; detail: Record<string, number> }> };
    expect(out.results.map((x) => [x.name, x.unit])).toEqual([
      ['ui.chart_200k_render_ms', 'ms'],
      ['ui.event_latency_ms_p99', 'ms'],
      ['ui.pan_fps', 'fps'],
    ]);
    for (const res of out.results) {
      expect(res.skipped, res.name).toBeUndefined();
      for (const v of [res.value, res.peer_value, res.ratio]) expect(Number.isFinite(v) && v > 0, `${res.name}: ${v}`).toBe(true);
      expect(res.ratio).toBeCloseTo(res.value / res.peer_value, 1);
      expect(r.stderr).toMatch(new RegExp(`^${res.name.replace(/\./g, '\\.')}: .* vs peer `, 'm'));
    }
    const [render, latency, pan] = out.results;
    expect(render!.detail.candles).toBe(2_000);
    expect(render!.peer).toMatch(/plain ECharts/);
    // every event sent was shown: p50 <= p99 <= max
    expect(latency!.detail.p50_ms).toBeLessThanOrEqual(latency!.value);
    expect(latency!.detail.max_ms).toBeGreaterThanOrEqual(latency!.value);
    expect(latency!.peer).toMatch(/bare WebSocket/);
    // a frame rate cannot exceed what the pan loop could count
    expect(pan!.value).toBeLessThan(1_000);
  }, 300_000);
});
