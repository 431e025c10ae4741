// The built-in strategies by name, with their parameters parsed from
// `name:key=value,...` (the CLI's --strategy) and checked. The moving-average
// crossover takes its parameters from the engine config's strategy section.
import { StrategyConfig } from '../core/config.js';
import { BUY_AND_HOLD_DEFAULTS, BuyAndHold } from './buy-and-hold.js';
import { MaCrossover } from './ma-crossover.js';
import type { Strategy } from './strategy.js';

export const STRATEGY_NAMES = ['buy_and_hold', 'ma_cross'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface StrategySpec {
  name: StrategyName;
  params?: Record<string, number>;
}

/** Parameter names accepted per strategy, and the config field each sets. */
const PARAMS: Record<StrategyName, Record<string, string>> = {
  buy_and_hold: { weight: 'weight', attempts: 'maxAttempts' },
  ma_cross: { fast: 'fastPeriod', slow: 'slowPeriod', target: 'targetPctEquity', passive_bps: 'passiveBps', ttl: 'orderTtlBars' },
};

export class StrategySpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrategySpecError';
  }
}

/** Parses `ma_cross:fast=5,slow=20` into a spec; throws StrategySpecError naming what is wrong. */
export function parseStrategySpec(text: string): StrategySpec {
  const [name, rest] = text.split(':', 2) as [string, string | undefined];
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) throw new StrategySpecError(`unknown strategy '${name}' (known: ${STRATEGY_NAMES.join(', ')})`);
  const params: Record<string, number> = {};
  for (const kv of rest ? rest.split(',') : []) {
    const [k, v] = kv.split('=', 2);
    const value = Number(v);
    if (!k || v === undefined || v.trim() === '' || !Number.isFinite(value)) throw new StrategySpecError(`strategy ${name}: '${kv}' must be key=number`);
    if (!(k in PARAMS[name as StrategyName])) throw new StrategySpecError(`strategy ${name}: unknown parameter '${k}' (known: ${Object.keys(PARAMS[name as StrategyName]).join(', ')})`);
    params[k] = value;
  }
  return { name: name as StrategyName, params };
}

/** The config fields a spec sets, e.g. {fastPeriod: 5} for ma_cross:fast=5. */
export function specFields(spec: StrategySpec): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(spec.params ?? {})) {
    const field = PARAMS[spec.name][k];
    if (!field) throw new StrategySpecError(`strategy ${spec.name}: unknown parameter '${k}'`);
    out[field] = v;
  }
  return out;
}

/** Builds a strategy; ma_cross reads `strategy` (the engine config's section, spec fields already applied). */
export function createStrategy(spec: StrategySpec, strategy: StrategyConfig): Strategy {
  if (spec.name === 'ma_cross') return new MaCrossover(StrategyConfig.parse(strategy));
  return new BuyAndHold({ ...BUY_AND_HOLD_DEFAULTS, ...specFields(spec) });
}
