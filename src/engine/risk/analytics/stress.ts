// Stress scenarios: an instantaneous price shock per asset class applied to
// position market values. The '2008' and '2020' presets are scenario
// ASSUMPTIONS shaped after those crises, not measured historical returns.

/** Asset classes the presets know; positions may use any other string (unshocked unless a scenario names it). */
export type KnownAssetClass = 'us_equity' | 'intl_equity' | 'crypto' | 'rates' | 'commodities' | 'cash';
export type AssetClass = KnownAssetClass | (string & {});

export const KNOWN_ASSET_CLASSES: readonly KnownAssetClass[] = ['us_equity', 'intl_equity', 'crypto', 'rates', 'commodities', 'cash'];

export interface StressScenario {
  name: string;
  description?: string;
  /**
   * Fractional price change per asset class, applied to market value:
   * P&L = marketValue · shock (-0.45 = prices fall 45%). Must be >= -1.
   * 'rates' is the price change of government-bond holdings (a rally in a
   * flight to quality is positive), not a change in yield.
   */
  shocks: Partial<Record<AssetClass, number>>;
  /** Why each number was chosen (documentation). */
  assumptions?: Partial<Record<AssetClass, string>>;
}

export type StressPresetName = '2008' | '2020';

/** Preset scenarios. Every number is an assumption for stress testing, not a historical record. */
export const STRESS_PRESETS: Readonly<Record<StressPresetName, StressScenario>> = {
  '2008': {
    name: '2008',
    description: 'Global-financial-crisis style shock. Scenario assumption, not history.',
    shocks: { us_equity: -0.45, intl_equity: -0.5, crypto: -0.6, rates: 0.15, commodities: -0.4, cash: 0 },
    assumptions: {
      us_equity: 'assumed -45%: a severe broad US equity sell-off of the 2007-09 kind (the peak-to-trough fall then was deeper; this is a stress level, not a measurement)',
      intl_equity: 'assumed -50%: non-US equities assumed to fall somewhat more than US equities in a global banking crisis',
      crypto: 'assumed -60%: crypto did not exist in 2008; assumed to fall more than equities as a high-beta risk asset',
      rates: 'assumed +15%: price gain of long government bonds in a flight to quality with policy-rate cuts',
      commodities: 'assumed -40%: demand collapse hitting energy and industrial metals',
      cash: 'assumed 0%: no price risk',
    },
  },
  '2020': {
    name: '2020',
    description: 'Pandemic-crash style shock. Scenario assumption, not history.',
    shocks: { us_equity: -0.34, intl_equity: -0.33, crypto: -0.5, rates: 0.08, commodities: -0.3, cash: 0 },
    assumptions: {
      us_equity: 'assumed -34%: a fast broad US equity sell-off of the February-March 2020 kind',
      intl_equity: 'assumed -33%: non-US equities assumed to fall about as much as US equities',
      crypto: 'assumed -50%: crypto assumed to sell off hard in a dash for cash',
      rates: 'assumed +8%: price gain of long government bonds as yields fall to record lows',
      commodities: 'assumed -30%: oil-led commodity slump on a demand shock',
      cash: 'assumed 0%: no price risk',
    },
  },
};

export interface StressPosition {
  symbol: string;
  assetClass: AssetClass;
  marketValue: number;
}

export interface StressLine {
  symbol: string;
  assetClass: string;
  marketValue: number;
  /** The shock applied, or null when the scenario has none for this asset class. */
  shock: number | null;
  pnl: number;
}

export interface StressResult {
  scenario: string;
  /** Total P&L in currency (negative = loss). */
  pnl: number;
  /** pnl / net portfolio value; null when the net value is not positive. */
  pnlFraction: number | null;
  byPosition: StressLine[];
  /** Symbols whose asset class the scenario does not shock (counted at 0). */
  unshocked: string[];
}

/** Applies a scenario to positions: P&L = marketValue · shock[assetClass] (0, and listed as unshocked, when the class has no shock). */
export function applyStressScenario(positions: readonly StressPosition[], scenario: StressScenario): StressResult {
  let total = 0;
  let net = 0;
  const byPosition: StressLine[] = [];
  const unshocked: string[] = [];
  for (const p of positions) {
    net += p.marketValue;
    const raw = Object.prototype.hasOwnProperty.call(scenario.shocks, p.assetClass) ? scenario.shocks[p.assetClass] : undefined;
    const shock = raw === undefined ? null : raw;
    const pnl = shock === null ? 0 : p.marketValue * shock;
    if (shock === null) unshocked.push(p.symbol);
    total += pnl;
    byPosition.push({ symbol: p.symbol, assetClass: p.assetClass, marketValue: p.marketValue, shock, pnl });
  }
  return { scenario: scenario.name, pnl: total, pnlFraction: net > 0 ? total / net : null, byPosition, unshocked };
}
