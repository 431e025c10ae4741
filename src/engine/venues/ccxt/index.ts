export { CcxtVenue, type CcxtVenueHealth, type CcxtVenueOptions } from './ccxt-venue.js';
export { VenueError, mapCcxtError, rejectCodeFor, retryDelayMs, DEFAULT_RETRY, type RetryPolicy, type VenueErrorCode } from './errors.js';
export { crossCheckPrices, type PriceCrossCheck } from './price-check.js';
export { exchangeClientOrderId, defaultClientOrderIdFormat, type ClientOrderIdFormat } from './client-ids.js';
