// The simulator's tradable universe: US stocks and ETFs on the NYSE calendar and
// crypto pairs trading 24/7, each with its price-model parameters (start price,
// annual vol, factor betas, liquidity tier, jump rate).
import type { Instrument } from '../../../shared/domain.js';

/** Common return factors; each instrument loads on some of them (betas). */
export const FACTORS = [
  { id: 'market', annualVol: 0.15 },
  { id: 'tech', annualVol: 0.12 },
  { id: 'financials', annualVol: 0.12 },
  { id: 'energy', annualVol: 0.18 },
  { id: 'defensive', annualVol: 0.08 },
  { id: 'rates', annualVol: 0.08 },
  { id: 'commodity', annualVol: 0.18 },
  { id: 'crypto', annualVol: 0.5 },
] as const;
export type FactorId = (typeof FACTORS)[number]['id'];

export type LiquidityTier = 1 | 2 | 3 | 4;

/** Quoting parameters per liquidity tier (1 = most liquid). */
export const LIQUIDITY_TIERS: Record<LiquidityTier, { spreadBps: number; displayNotional: number; tradesPerSecond: number }> = {
  1: { spreadBps: 1, displayNotional: 400_000, tradesPerSecond: 0.6 },
  2: { spreadBps: 3, displayNotional: 120_000, tradesPerSecond: 0.3 },
  3: { spreadBps: 8, displayNotional: 40_000, tradesPerSecond: 0.12 },
  4: { spreadBps: 16, displayNotional: 12_000, tradesPerSecond: 0.06 },
};

export interface SimInstrumentSpec {
  instrument: Instrument;
  /** Price at the start of the simulation (history start). */
  price: number;
  /** Annualised volatility (per trading year for stocks, per calendar year for crypto). */
  annualVol: number;
  betas: Partial<Record<FactorId, number>>;
  tier: LiquidityTier;
  /** Poisson jump intensity per (trading/calendar) year and jump size standard deviation (log). */
  jumpsPerYear: number;
  jumpSd: number;
}

type Row = [symbol: string, name: string, sector: string, price: number, vol: number, tier: LiquidityTier, betas: Partial<Record<FactorId, number>>];

const ETFS: Row[] = [
  ['SPY', 'SPDR S&P 500 ETF', 'Index ETF', 680, 0.16, 1, { market: 1.0 }],
  ['QQQ', 'Invesco QQQ Trust', 'Index ETF', 610, 0.21, 1, { market: 1.1, tech: 0.6 }],
  ['IWM', 'iShares Russell 2000 ETF', 'Index ETF', 245, 0.22, 2, { market: 1.2, financials: 0.2 }],
  ['TLT', 'iShares 20+ Year Treasury Bond ETF', 'Rates ETF', 89, 0.15, 2, { rates: 1.7, market: -0.15 }],
  ['IEF', 'iShares 7-10 Year Treasury Bond ETF', 'Rates ETF', 96, 0.07, 3, { rates: 0.8, market: -0.05 }],
  ['GLD', 'SPDR Gold Shares', 'Commodity ETF', 380, 0.16, 2, { commodity: 0.45, rates: 0.4, market: 0.05 }],
  ['USO', 'United States Oil Fund', 'Commodity ETF', 72, 0.35, 3, { commodity: 1.3, energy: 0.5, market: 0.3 }],
  ['DBC', 'Invesco DB Commodity Index Fund', 'Commodity ETF', 22, 0.18, 3, { commodity: 0.85, market: 0.2 }],
];

const STOCKS: Row[] = [
  ['AAPL', 'Apple Inc.', 'Technology', 270, 0.27, 1, { market: 1.1, tech: 0.8 }],
  ['MSFT', 'Microsoft Corp.', 'Technology', 480, 0.24, 1, { market: 1.0, tech: 0.8 }],
  ['NVDA', 'NVIDIA Corp.', 'Technology', 185, 0.5, 1, { market: 1.6, tech: 1.4 }],
  ['AMZN', 'Amazon.com Inc.', 'Consumer Discretionary', 230, 0.32, 1, { market: 1.2, tech: 0.7 }],
  ['GOOGL', 'Alphabet Inc.', 'Communication Services', 300, 0.3, 2, { market: 1.1, tech: 0.8 }],
  ['META', 'Meta Platforms Inc.', 'Communication Services', 650, 0.38, 2, { market: 1.3, tech: 1.0 }],
  ['JPM', 'JPMorgan Chase & Co.', 'Financials', 310, 0.24, 2, { market: 1.0, financials: 1.0 }],
  ['BAC', 'Bank of America Corp.', 'Financials', 53, 0.28, 2, { market: 1.1, financials: 1.2 }],
  ['V', 'Visa Inc.', 'Financials', 330, 0.21, 2, { market: 0.9, financials: 0.6 }],
  ['XOM', 'Exxon Mobil Corp.', 'Energy', 115, 0.26, 2, { market: 0.7, energy: 1.0, commodity: 0.3 }],
  ['CVX', 'Chevron Corp.', 'Energy', 150, 0.25, 2, { market: 0.7, energy: 1.0, commodity: 0.3 }],
  ['JNJ', 'Johnson & Johnson', 'Health Care', 205, 0.17, 2, { market: 0.5, defensive: 1.0 }],
  ['UNH', 'UnitedHealth Group Inc.', 'Health Care', 330, 0.3, 3, { market: 0.6, defensive: 0.8 }],
  ['LLY', 'Eli Lilly and Co.', 'Health Care', 1000, 0.32, 3, { market: 0.7, defensive: 0.7 }],
  ['PG', 'Procter & Gamble Co.', 'Consumer Staples', 150, 0.16, 2, { market: 0.5, defensive: 1.0 }],
  ['KO', 'Coca-Cola Co.', 'Consumer Staples', 70, 0.15, 2, { market: 0.5, defensive: 1.0 }],
  ['WMT', 'Walmart Inc.', 'Consumer Staples', 110, 0.19, 2, { market: 0.6, defensive: 0.8 }],
  ['HD', 'Home Depot Inc.', 'Consumer Discretionary', 350, 0.24, 3, { market: 1.0, financials: 0.3 }],
  ['CAT', 'Caterpillar Inc.', 'Industrials', 550, 0.3, 3, { market: 1.1, commodity: 0.3 }],
  ['DIS', 'Walt Disney Co.', 'Communication Services', 112, 0.28, 3, { market: 1.0 }],
];

type CryptoRow = [base: string, name: string, price: number, vol: number, tier: LiquidityTier, cryptoBeta: number, tickSize: number, lotSize: number];

const CRYPTO: CryptoRow[] = [
  ['BTC', 'Bitcoin', 90_000, 0.55, 2, 1.0, 0.01, 0.0001],
  ['ETH', 'Ether', 3_000, 0.7, 2, 1.15, 0.01, 0.001],
  ['SOL', 'Solana', 135, 0.9, 3, 1.3, 0.01, 0.01],
  ['ADA', 'Cardano', 0.42, 0.9, 4, 1.25, 0.0001, 1],
  ['DOGE', 'Dogecoin', 0.145, 1.0, 4, 1.3, 0.00001, 1],
  ['AVAX', 'Avalanche', 13.5, 0.95, 4, 1.3, 0.001, 0.01],
  ['LINK', 'Chainlink', 13.2, 0.9, 4, 1.25, 0.001, 0.01],
  ['LTC', 'Litecoin', 82, 0.75, 4, 1.05, 0.01, 0.001],
];

function equitySpec([symbol, name, sector, price, vol, tier, betas]: Row, etf: boolean): SimInstrumentSpec {
  return {
    instrument: {
      symbol,
      name,
      assetClass: 'us_equity',
      sector,
      tickSize: 0.01,
      lotSize: 1,
      minNotional: 1,
      shortable: true,
      calendar: 'nyse',
    },
    price,
    annualVol: vol,
    betas,
    tier,
    jumpsPerYear: etf ? 3 : 8,
    jumpSd: etf ? 0.005 : 0.01,
  };
}

function cryptoSpec([base, name, price, vol, tier, beta, tickSize, lotSize]: CryptoRow): SimInstrumentSpec {
  return {
    instrument: {
      symbol: `${base}/USD`,
      name: `${name} / US Dollar`,
      assetClass: 'crypto',
      sector: 'Crypto',
      tickSize,
      lotSize,
      minNotional: 1,
      shortable: false,
      calendar: '24x7',
    },
    price,
    annualVol: vol,
    betas: { crypto: beta, market: 0.25 },
    tier,
    jumpsPerYear: 25,
    jumpSd: 0.015,
  };
}

/** The full simulated universe, stocks and ETFs first, then crypto. */
export const SIM_UNIVERSE: readonly SimInstrumentSpec[] = [
  ...ETFS.map((r) => equitySpec(r, true)),
  ...STOCKS.map((r) => equitySpec(r, false)),
  ...CRYPTO.map(cryptoSpec),
];
