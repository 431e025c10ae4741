// The rule-based debate: for each signal in a vote, arguments for (support)
// and against (attack) it from the regime, volume, volatility, the other
// signals and trading costs. Each argument moves the signal's weight by
// `strength`; all of them are recorded in the decision's provenance.
import type { Regime } from '../../core/config.js';

export interface DebateArgument {
  strategy: string;
  stance: 'support' | 'attack';
  rule: 'trend_agrees' | 'against_trend' | 'volume_confirms' | 'high_volatility' | 'regime_fit' | 'poor_regime_fit' | 'opposed_by_stronger' | 'cost_exceeds_move';
  text: string;
}

export interface DebateSignal {
  strategy: string;
  score: number;
  /** Weight x confidence before the debate (to compare strengths). */
  strength: number;
  regimeFit: number;
  horizonBars: number;
}

export interface DebateContext {
  regime: Regime;
  volumeRatio: number;
  /** One bar's return standard deviation. */
  barSd: number;
  /** Round-trip cost as a fraction of price (the quoted spread). */
  cost: number;
  costMultiple: number;
}

export function trendOf(regime: Regime): number {
  return regime === 'strong_uptrend' || regime === 'uptrend' ? 1 : regime === 'strong_downtrend' || regime === 'downtrend' ? -1 : 0;
}

function argument(strategy: string, stance: DebateArgument['stance'], rule: DebateArgument['rule'], text: string): DebateArgument {
  return { strategy, stance, rule, text };
}

/**
 * The arguments about every signal and the multiplier each earns: clamp(1 + strength x (supports - attacks), 0, 2).
 * `withText` false: only the multipliers (the ensemble's every evaluation); the arguments, with their
 * texts, are written when a decision will carry them (the same rules, so the same multipliers).
 */
export function debate(signals: DebateSignal[], c: DebateContext, strength: number, withText = true): { args: DebateArgument[]; multiplier: Map<string, number> } {
  const args: DebateArgument[] = [];
  const multiplier = new Map<string, number>();
  const trend = trendOf(c.regime);
  for (const s of signals) {
    const side = Math.sign(s.score);
    const dir = side > 0 ? 'long' : 'short';
    let net = 0;
    if (trend !== 0 && trend === side) {
      net++;
      if (withText) args.push(argument(s.strategy, 'support', 'trend_agrees', `${dir} agrees with the ${c.regime} regime`));
    }
    if (trend !== 0 && trend === -side) {
      net--;
      if (withText) args.push(argument(s.strategy, 'attack', 'against_trend', `${dir} goes against the ${c.regime} regime`));
    }
    if (c.volumeRatio >= 1.5) {
      net++;
      if (withText) args.push(argument(s.strategy, 'support', 'volume_confirms', `volume ${c.volumeRatio.toFixed(1)}x its average confirms the move`));
    }
    if (c.regime === 'high_volatility') {
      net--;
      if (withText) args.push(argument(s.strategy, 'attack', 'high_volatility', 'high volatility: signals are less reliable and moves cost more'));
    }
    if (s.regimeFit >= 0.8) {
      net++;
      if (withText) args.push(argument(s.strategy, 'support', 'regime_fit', `its style fits the ${c.regime} regime (fit ${s.regimeFit.toFixed(2)})`));
    } else if (s.regimeFit <= 0.4) {
      net--;
      if (withText) args.push(argument(s.strategy, 'attack', 'poor_regime_fit', `its style fits the ${c.regime} regime poorly (fit ${s.regimeFit.toFixed(2)})`));
    }
    let stronger: DebateSignal | undefined;
    for (const o of signals) if (Math.sign(o.score) === -side && o.strength * Math.abs(o.score) > s.strength * Math.abs(s.score) && (!stronger || o.strength * Math.abs(o.score) > stronger.strength * Math.abs(stronger.score))) stronger = o;
    if (stronger) {
      net--;
      if (withText) args.push(argument(s.strategy, 'attack', 'opposed_by_stronger', `${stronger.strategy} says ${side > 0 ? 'short' : 'long'} more strongly (${stronger.score.toFixed(2)})`));
    }
    const expected = Math.abs(s.score) * c.barSd * Math.sqrt(s.horizonBars);
    if (c.cost > 0 && expected === expected && expected < c.costMultiple * c.cost) {
      net--;
      if (withText) args.push(argument(s.strategy, 'attack', 'cost_exceeds_move', `expected move ${(expected * 1e4).toFixed(1)} bp is below ${c.costMultiple}x the ${(c.cost * 1e4).toFixed(1)} bp round-trip cost`));
    }
    multiplier.set(s.strategy, Math.min(2, Math.max(0, 1 + strength * net)));
  }
  return { args, multiplier };
}
