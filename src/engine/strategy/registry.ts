// The strategies a backtest (or `serve --bars`) can be asked to run, by name,
// with their parameters parsed from `name:key=value,...` (the CLI's --strategy)
// and checked. Two kinds: the order-submitting Strategy-API strategies
// (`buy_and_hold`, `ma_cross`; the crossover takes its parameters from the
// engine config's strategy section), and the signal strategies of builtin/,
// which run through the StrategyRunner and the ensemble as live: `ensemble` is
// the configured default set, a signal strategy's id adds it (`signal/ID` for
// the two ids the Strategy API also uses).
import { StrategyConfig } from '../core/config.js';
import { BUY_AND_HOLD_DEFAULTS, BuyAndHold } from './buy-and-hold.js';
import { defaultStrategies, type StrategiesConfig, type StrategyId } from './builtin/index.js';
import { MaCrossover } from './ma-crossover.js';
import type { Strategy } from './strategy.js';

/** The Strategy-API strategies (each submits its own orders). */
export const STRATEGY_NAMES = ['buy_and_hold', 'ma_cross'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** The signal strategies' ids, in the ensemble's order. */
export const SIGNAL_STRATEGY_IDS = Object.keys(defaultStrategies()) as StrategyId[];
/** The default set of signal strategies, through the ensemble (those enabled by default). */
export const ENSEMBLE = 'ensemble';
/** Prefix naming a signal strategy explicitly (needed for buy_and_hold and ma_cross). */
export const SIGNAL_PREFIX = 'signal/';

/** `ensemble`, a signal strategy's id, or `signal/<id>`. */
export type SignalSpecName = typeof ENSEMBLE | StrategyId | `signal/${StrategyId}`;

export interface StrategySpec {
  name: StrategyName | SignalSpecName;
  params?: Record<string, number>;
}

/** Parameter names accepted per Strategy-API strategy, and the config field each sets. */
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

function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

/** The signal strategy a spec names ('ensemble' for the default set), or undefined for a Strategy-API strategy. */
export function signalIdOf(spec: Pick<StrategySpec, 'name'>): StrategyId | typeof ENSEMBLE | undefined {
  const n = spec.name;
  if (n === ENSEMBLE) return ENSEMBLE;
  if (n.startsWith(SIGNAL_PREFIX)) return n.slice(SIGNAL_PREFIX.length) as StrategyId;
  return isStrategyName(n) ? undefined : (n as StrategyId);
}

/** A signal strategy's numeric settings (those `name:key=value` may set). */
function signalParams(id: StrategyId): string[] {
  const d = defaultStrategies()[id] as Record<string, unknown>;
  return Object.keys(d).filter((k) => typeof d[k] === 'number');
}

/** Every name --strategy accepts, with what it runs (the Backtest tab lists these). */
export function strategyCatalog(): Array<{ name: string; kind: 'order' | 'ensemble' | 'signal'; params: string[] }> {
  const defaults = defaultStrategies();
  return [
    ...STRATEGY_NAMES.map((name) => ({ name, kind: 'order' as const, params: Object.keys(PARAMS[name]) })),
    { name: ENSEMBLE, kind: 'ensemble' as const, params: SIGNAL_STRATEGY_IDS.filter((id) => defaults[id].enabled) },
    ...SIGNAL_STRATEGY_IDS.map((id) => ({ name: isStrategyName(id) ? `${SIGNAL_PREFIX}${id}` : id, kind: 'signal' as const, params: signalParams(id) })),
  ];
}

/** Parses `ma_cross:fast=5,slow=20` or `cs_momentum:weight=0.8` into a spec; throws StrategySpecError naming what is wrong. */
export function parseStrategySpec(text: string): StrategySpec {
  const [name, rest] = text.split(':', 2) as [string, string | undefined];
  const sig = isStrategyName(name) ? undefined : signalIdOf({ name: name as SignalSpecName });
  if (!isStrategyName(name) && !(sig === ENSEMBLE || (sig !== undefined && (SIGNAL_STRATEGY_IDS as string[]).includes(sig)))) {
    throw new StrategySpecError(`unknown strategy '${name}' (known: ${strategyCatalog().map((c) => c.name).join(', ')})`);
  }
  const known = isStrategyName(name) ? Object.keys(PARAMS[name]) : sig === ENSEMBLE ? [] : signalParams(sig as StrategyId);
  const params: Record<string, number> = {};
  for (const kv of rest ? rest.split(',') : []) {
    const [k, v] = kv.split('=', 2);
    const value = Number(v);
    if (!k || v === undefined || v.trim() === '' || !Number.isFinite(value)) throw new StrategySpecError(`strategy ${name}: '${kv}' must be key=number`);
    if (!known.includes(k)) throw new StrategySpecError(`strategy ${name}: unknown parameter '${k}' (known: ${known.join(', ') || 'none'})`);
    params[k] = value;
  }
  return { name: name as StrategySpec['name'], params };
}

/** The config fields a Strategy-API spec sets, e.g. {fastPeriod: 5} for ma_cross:fast=5. */
export function specFields(spec: StrategySpec): Record<string, number> {
  const out: Record<string, number> = {};
  const known = isStrategyName(spec.name) ? PARAMS[spec.name] : undefined;
  for (const [k, v] of Object.entries(spec.params ?? {})) {
    const field = known?.[k];
    if (!field) throw new StrategySpecError(`strategy ${spec.name}: unknown parameter '${k}'`);
    out[field] = v;
  }
  return out;
}

/**
 * The `strategies` config section for the signal specs: the defaults with only
 * the named strategies enabled (all the default set with `ensemble`), each
 * with its parameters. Undefined when no spec names a signal strategy.
 */
export function signalSection(specs: readonly StrategySpec[]): StrategiesConfig | undefined {
  const named = specs.map((s) => [s, signalIdOf(s)] as const).filter((x) => x[1] !== undefined);
  if (named.length === 0) return undefined;
  const section = defaultStrategies() as Record<StrategyId, { enabled: boolean }>;
  const keepDefaults = named.some(([, id]) => id === ENSEMBLE);
  for (const id of SIGNAL_STRATEGY_IDS) section[id].enabled &&= keepDefaults;
  for (const [spec, id] of named) if (id !== ENSEMBLE) Object.assign(section[id!], spec.params, { enabled: true });
  return section as StrategiesConfig;
}

/** Builds a Strategy-API strategy; ma_cross reads `strategy` (the engine config's section, spec fields already applied). */
export function createStrategy(spec: StrategySpec, strategy: StrategyConfig): Strategy {
  if (!isStrategyName(spec.name)) throw new StrategySpecError(`'${spec.name}' is a signal strategy: it runs through the ensemble, not as an order-submitting strategy`);
  if (spec.name === 'ma_cross') return new MaCrossover(StrategyConfig.parse(strategy));
  return new BuyAndHold({ ...BUY_AND_HOLD_DEFAULTS, ...specFields(spec) });
}
