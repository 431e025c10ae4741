// The strategies panel's commands: listStrategies (each strategy's state, last
// signal and error, with learning's accuracy, learned weight and influence),
// setStrategyEnabled and setStrategyWeight. The engine spreads
// buildStrategyHandlers(...) into its handlers; until it has a StrategyControl
// it spreads strategyHandlersNotWired(), which answers UNKNOWN_COMMAND.
import type { StrategyRow } from '../../shared/api/contract.js';
import { ApiFailure, type CommandHandlers } from '../../shared/api/protocol.js';
import type { StrategyLearning } from './learning/learning.js';
import type { StrategyInfo } from './strategy-control.js';

export type { StrategyInfo };

/** What the commands need of the engine's StrategyControl (src/engine/strategy/strategy-control.ts). */
export interface StrategyControlLike {
  list(): StrategyInfo[];
  setEnabled(id: string, on: boolean, actor: string, reason: string): unknown;
  setWeight(id: string, w: number, actor: string, reason: string): unknown;
}

/** What the commands need of learning (Learning implements it). */
export interface StrategyLearningSource {
  /** One entry per id asked for (zeros for a strategy learning has not seen). */
  stats(strategies?: readonly string[]): StrategyLearning[];
}

export type StrategyChange =
  | { name: 'setStrategyEnabled'; args: { id: string; enabled: boolean; reason: string } }
  | { name: 'setStrategyWeight'; args: { id: string; weight: number; reason: string } };

export interface StrategyCommandOptions {
  /** Runs before a change is applied, e.g. to refuse it read-only or to journal it; throw an ApiFailure to refuse. */
  beforeChange?: (c: StrategyChange) => void;
}

export type StrategyHandlers = Pick<CommandHandlers, 'listStrategies' | 'setStrategyEnabled' | 'setStrategyWeight'>;

const ACTOR = 'operator';

export function buildStrategyHandlers(control: StrategyControlLike, learning: StrategyLearningSource, options: StrategyCommandOptions = {}): StrategyHandlers {
  const rows = (only?: string): StrategyRow[] => {
    const list = control.list().filter((s) => only === undefined || s.id === only);
    const learned = new Map(learning.stats(list.map((s) => s.id)).map((l) => [l.strategy, l]));
    return list.map((s) => toRow(s, learned.get(s.id)));
  };
  const known = (id: string): void => {
    const ids = control.list().map((s) => s.id);
    if (!ids.includes(id)) throw new ApiFailure('UNKNOWN_STRATEGY', `unknown strategy '${id}'; known: ${ids.join(', ') || '(none)'}`);
  };
  const change = (c: StrategyChange, apply: () => unknown): StrategyRow => {
    known(c.args.id);
    options.beforeChange?.(c);
    try {
      apply();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (e instanceof ApiFailure || typeof code !== 'string') throw e;
      throw new ApiFailure(code, (e as Error).message);
    }
    return rows(c.args.id)[0]!;
  };
  return {
    listStrategies: () => rows(),
    setStrategyEnabled: ({ id, enabled, reason }) =>
      change({ name: 'setStrategyEnabled', args: { id, enabled, reason } }, () => control.setEnabled(id, enabled, ACTOR, reason)),
    setStrategyWeight: ({ id, weight, reason }) => {
      if (!Number.isFinite(weight) || weight < 0 || weight > 1) throw new ApiFailure('BAD_ARGS', `field 'weight': must be between 0 and 1 (got ${weight})`);
      return change({ name: 'setStrategyWeight', args: { id, weight, reason } }, () => control.setWeight(id, weight, ACTOR, reason));
    },
  };
}

/** For an engine without strategies wired yet: every strategy command answers UNKNOWN_COMMAND. */
export function strategyHandlersNotWired(): StrategyHandlers {
  const refuse = (name: string) => () => {
    throw new ApiFailure('UNKNOWN_COMMAND', `'${name}' is not available: this engine has no strategy control wired in yet`);
  };
  return { listStrategies: refuse('listStrategies'), setStrategyEnabled: refuse('setStrategyEnabled'), setStrategyWeight: refuse('setStrategyWeight') };
}

const NO_LEARNING = { resolved: 0, hits: 0, pending: 0, accuracy: null, meanPayoff: null, regime: null, weight: 1, influence: 0, byRegime: [] };

function toRow(s: StrategyInfo, l: StrategyLearning | undefined): StrategyRow {
  const sig = s.lastSignal;
  return {
    id: s.id,
    name: s.name,
    enabled: s.enabled,
    baseWeight: s.baseWeight,
    kind: s.kind,
    // NaN features (warm-up) cannot cross JSON: they are left out
    // field by field: a signal's reasons may be a getter a spread would not copy
    lastSignal: sig
      ? { strategy: sig.strategy, symbol: sig.symbol, ts: sig.ts, score: sig.score, confidence: sig.confidence, horizonBars: sig.horizonBars, reasons: [...sig.reasons], features: Object.fromEntries(Object.entries(sig.features).filter(([, v]) => Number.isFinite(v))) }
      : null,
    error: s.error ?? null,
    waitingFor: s.waitingFor ?? [],
    learning: l
      ? { resolved: l.resolved, hits: l.hits, pending: l.pending, accuracy: l.accuracy, meanPayoff: l.meanPayoff, regime: l.regime, weight: l.weight, influence: l.influence, byRegime: l.byRegime }
      : NO_LEARNING,
  };
}
