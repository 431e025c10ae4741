// Public surface of the built-in market simulator.
export { SimVenue, type SimVenueOptions } from './sim-venue.js';
export { SIM_STATE_APP_ID, SIM_STATE_SCHEMA_VERSION, SimStateFileError, SimStateVersionError, SimStateWriteError } from './store.js';
export { SIM_UNIVERSE, FACTORS, LIQUIDITY_TIERS, type SimInstrumentSpec, type FactorId, type LiquidityTier } from './universe.js';
export { CRYPTO_FEE_RATE, STOCK_FEE_RATE, MARGIN_MULTIPLIER } from './account.js';
export { MAX_LEVELS } from './book.js';
export { Rng } from './rng.js';
