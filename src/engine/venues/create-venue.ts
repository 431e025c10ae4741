// Builds the venue the config asks for: the built-in simulator (whose account
// and market live in <data-dir>/sim-venue.sqlite when a data dir is given),
// Alpaca (paper or live) or a ccxt exchange, with credentials read from the OS
// keychain (never from config, argv or the journal) and endpoints overridable.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { EngineConfig, SimConfig } from '../core/config.js';
import { TradedeskError } from '../core/errors.js';
import { getCredentials, type CredentialsFor, type VenueCredentials } from '../secrets/credentials.js';
import { AlpacaVenue } from './alpaca/alpaca-venue.js';
import { CcxtVenue } from './ccxt/ccxt-venue.js';
import { SimVenue } from './sim/sim-venue.js';
import type { Venue } from './venue.js';

export const SIM_STATE_FILE = 'sim-venue.sqlite';

/** US stocks and ETFs traded on Alpaca by default: within the free IEX feed's 30 symbols. */
export const DEFAULT_ALPACA_SYMBOLS = ['SPY', 'QQQ', 'IWM', 'TLT', 'IEF', 'GLD', 'USO', 'DBC', 'AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'JPM', 'XOM', 'JNJ', 'PG', 'KO', 'WMT', 'UNH', 'BAC', 'CVX', 'HD'];
export const DEFAULT_CCXT_SYMBOLS = ['BTC/USD', 'ETH/USD', 'SOL/USD'];

export function simStateFile(dataDir: string): string {
  return join(dataDir, SIM_STATE_FILE);
}

export function createSimVenue(clock: Clock, cfg: SimConfig, dataDir?: string): Venue {
  return dataDir ? new SimVenue(clock, cfg, undefined, { stateFile: simStateFile(dataDir) }) : new SimVenue(clock, cfg);
}

/** The simulated time the persisted simulator reached, if it has a state file. */
export function simResumeTime(dataDir: string): number | undefined {
  const file = simStateFile(dataDir);
  return existsSync(file) ? SimVenue.persistedTime(file) : undefined;
}

export class MissingCredentialsError extends TradedeskError {
  constructor(venue: string) {
    super(
      'CREDENTIALS_MISSING',
      `no credentials for ${venue} in the OS keychain: add them with \`tradedesk credentials set --venue ${venue}\` (secrets are read from stdin) or in Settings`,
    );
  }
}

/** True for venues that trade somewhere else than the built-in simulator. */
export function isBrokerVenue(venue: string): boolean {
  return venue !== 'sim';
}

/** The keychain entry a venue's credentials live under. */
export function credentialIdFor(venue: string): string {
  if (venue === 'alpaca-paper') return 'alpaca';
  return venue;
}

/**
 * The venue of a config. A broker venue's credentials are read from the
 * keychain here, unless `known` gives them (read already, off the engine's
 * thread; null: none stored).
 */
export function createVenue(config: EngineConfig, clock: Clock, dataDir: string | undefined, known?: VenueCredentials | null): Venue {
  const v = config.venue;
  if (v === 'sim') return createSimVenue(clock, config.sim, dataDir);
  const e = config.endpoints;
  if (v === 'alpaca-paper' || v === 'alpaca-live') {
    const creds = known !== undefined ? (known as CredentialsFor<'alpaca'> | null) : getCredentials(credentialIdFor(v) as 'alpaca' | 'alpaca-live');
    if (!creds) throw new MissingCredentialsError(credentialIdFor(v));
    return new AlpacaVenue({
      keyId: creds.keyId,
      secretKey: creds.secretKey,
      paper: v === 'alpaca-paper',
      endpoints: { rest: e.rest, data: e.data, stream: e.stream, dataStream: e['data-stream'] },
      symbols: config.symbols.length ? config.symbols : DEFAULT_ALPACA_SYMBOLS,
      clock,
    });
  }
  const exchangeId = v.slice('ccxt:'.length);
  const creds = known !== undefined ? (known as CredentialsFor<`ccxt:${string}`> | null) : getCredentials(v as `ccxt:${string}`);
  if (!creds) throw new MissingCredentialsError(v);
  const urls: Record<string, string> = {};
  if (e.rest) {
    urls.public = e.rest;
    urls.private = e.rest;
    urls.rest = e.rest;
  }
  if (e.stream) urls.ws = e.stream;
  return new CcxtVenue({
    exchangeId,
    apiKey: creds.apiKey,
    secret: creds.secret,
    password: creds.password,
    sandbox: config.ccxtSandbox,
    urls: Object.keys(urls).length ? urls : undefined,
    symbols: config.symbols.length ? config.symbols : DEFAULT_CCXT_SYMBOLS,
    clock,
  });
}
