// Shared by the learning tests: a signal with overridable fields, temporary data folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signal } from '../../../../../src/engine/strategy/signal.js';

export function sig(over: Partial<Signal> = {}): Signal {
  return { strategy: 'mom', symbol: 'SPY', ts: 1_000, score: 0.5, confidence: 0.8, horizonBars: 2, reasons: ['test'], features: {}, ...over };
}

const dirs: string[] = [];

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tradedesk-learning-'));
  dirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
