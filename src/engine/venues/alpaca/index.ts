// Alpaca venue: the Venue interface on Alpaca through @alpacahq/alpaca-trade-api.
export { AlpacaVenue, type AlpacaVenueHealth, type AlpacaMarketStatus } from './alpaca-venue.js';
export { type AlpacaVenueOptions, type AlpacaEndpoints, IEX_SYMBOL_LIMIT } from './options.js';
export { VenueError, type AlpacaErrorCode, toVenueError } from './errors.js';
export { fetchAlpacaBars, ALPACA_TIMEFRAMES, type AlpacaTimeframe, type AlpacaBarsRequest, type AlpacaBarsResult } from './bars.js';
export { assetToInstrument } from './mapping.js';
