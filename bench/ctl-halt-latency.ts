// ctl.halt_latency_ms_p99: p99 round trip of `halt` (request -> ack) over the
// WebSocket contract against an in-process `tradedesk serve` (same code, port 0)
// whose engine is running. Each halt is followed by an untimed resume (with a
// reason). Peer: p99 of a `status` round trip (a no-op command) over the same
// socket, interleaved with the halts. ratio = halt p99 / status p99.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServe } from '../src/cli/serve.js';
import { WsEngineClient } from '../src/cli/ws-client.js';
import type { BenchOptions, BenchResult } from './index.js';

export function percentile(samples: number[], p: number): number {
  if (!samples.length) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length); // nearest-rank
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export async function ctlHaltLatency(opts: BenchOptions): Promise<BenchResult[]> {
  const samples = opts.quick ? 50 : 1_000;
  const warmup = opts.quick ? 5 : 50;
  const dataDir = mkdtempSync(join(tmpdir(), 'tradedesk-bench-'));
  const serve = await startServe({ port: 0, dataDir, ui: 'skip', log: () => {} });
  const client = await WsEngineClient.connect(serve.server.uiUrl, { callTimeoutMs: 10_000 });
  const halts: number[] = [];
  const statuses: number[] = [];
  try {
    opts.log(`ctl.halt_latency_ms_p99: ${samples} halt/resume cycles`);
    for (let i = 0; i < warmup + samples; i++) {
      let t0 = performance.now();
      const halted = await client.call('halt', { reason: 'bench' });
      const halt = performance.now() - t0;
      if (halted.tradingState !== 'HALTED') throw new Error(`halt acked with state ${halted.tradingState}`);
      await client.call('resume', { reason: 'bench resume' });
      t0 = performance.now();
      await client.call('status', {});
      const status = performance.now() - t0;
      if (i >= warmup) {
        halts.push(halt);
        statuses.push(status);
      }
    }
  } finally {
    client.close();
    await serve.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const value = percentile(halts, 99);
  const peer = percentile(statuses, 99);
  return [
    {
      name: 'ctl.halt_latency_ms_p99',
      value,
      unit: 'ms',
      peer: 'p99 of a status round trip (no-op command) on the same socket',
      peer_value: peer,
      ratio: value / peer,
    },
  ];
}
