// The ccxt error mapping: every error class ccxt exports maps to a typed
// VenueError with a code, a retry decision and a message naming venue,
// endpoint and field; the retry policy's waits; the reject codes.
import { errors } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, mapCcxtError, rejectCodeFor, retryDelayMs, VenueError, type VenueErrorCode } from '../../../../src/engine/venues/ccxt/index.js';

const EXPECTED: Record<string, [VenueErrorCode, boolean]> = {
  BaseError: ['EXCHANGE_ERROR', false],
  ExchangeError: ['EXCHANGE_ERROR', false],
  AuthenticationError: ['AUTH_FAILED', false],
  PermissionDenied: ['PERMISSION_DENIED', false],
  AccountNotEnabled: ['PERMISSION_DENIED', false],
  AccountSuspended: ['ACCOUNT_SUSPENDED', false],
  ArgumentsRequired: ['BAD_REQUEST', false],
  BadRequest: ['BAD_REQUEST', false],
  BadSymbol: ['BAD_SYMBOL', false],
  OperationRejected: ['BAD_REQUEST', false],
  NoChange: ['BAD_REQUEST', false],
  MarginModeAlreadySet: ['BAD_REQUEST', false],
  MarketClosed: ['MARKET_CLOSED', false],
  ManualInteractionNeeded: ['BAD_REQUEST', false],
  RestrictedLocation: ['PERMISSION_DENIED', false],
  InsufficientFunds: ['INSUFFICIENT_FUNDS', false],
  InvalidAddress: ['EXCHANGE_ERROR', false],
  AddressPending: ['EXCHANGE_ERROR', false],
  InvalidOrder: ['INVALID_ORDER', false],
  OrderNotFound: ['ORDER_NOT_FOUND', false],
  OrderNotCached: ['ORDER_NOT_FOUND', false],
  OrderImmediatelyFillable: ['INVALID_ORDER', false],
  OrderNotFillable: ['INVALID_ORDER', false],
  DuplicateOrderId: ['DUPLICATE_CLIENT_ORDER_ID', false],
  ContractUnavailable: ['INVALID_ORDER', false],
  NotSupported: ['NOT_SUPPORTED', false],
  InvalidProxySettings: ['BAD_REQUEST', false],
  ExchangeClosedByUser: ['CLOSED', false],
  OperationFailed: ['NETWORK', true],
  NetworkError: ['NETWORK', true],
  DDoSProtection: ['RATE_LIMITED', true],
  RateLimitExceeded: ['RATE_LIMITED', true],
  ExchangeNotAvailable: ['EXCHANGE_UNAVAILABLE', true],
  OnMaintenance: ['MAINTENANCE', true],
  InvalidNonce: ['INVALID_NONCE', true],
  ChecksumError: ['INVALID_NONCE', true],
  RequestTimeout: ['TIMEOUT', true],
  BadResponse: ['MALFORMED_PAYLOAD', false],
  NullResponse: ['MALFORMED_PAYLOAD', false],
  CancelPending: ['CANCEL_PENDING', true],
  UnsubscribeError: ['EXCHANGE_ERROR', false],
};

const ctx = { venue: 'kraken', endpoint: 'createOrder' };
type ErrorCtor = new (message: string) => Error;
const classes = Object.entries(errors as unknown as Record<string, ErrorCtor>).filter(([name, c]) => typeof c === 'function' && name !== 'default');

describe('mapCcxtError', () => {
  it('has an expectation for every error class ccxt exports', () => {
    expect(classes.length).toBeGreaterThan(35);
    expect(classes.map(([n]) => n).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, Ctor] of classes) {
    it(`${name} -> ${EXPECTED[name]?.[0]}`, () => {
      const ve = mapCcxtError(new Ctor('kraken something happened'), ctx);
      expect(ve).toBeInstanceOf(VenueError);
      expect([ve.code, ve.retryable]).toEqual(EXPECTED[name]);
      expect(ve.source).toBe(name);
      expect(ve.message.startsWith('kraken createOrder: ')).toBe(true);
      expect(ve.message).toContain('kraken something happened');
    });
  }

  it('names the field: from the context, the class, or the message', () => {
    expect(mapCcxtError(new errors.InsufficientFunds('x'), ctx).message).toMatch(/^kraken createOrder: insufficient funds \(field 'amount'\) — x$/);
    expect(mapCcxtError(new errors.AuthenticationError('x'), { ...ctx, endpoint: 'fetchBalance' }).field).toBe('apiKey');
    expect(mapCcxtError(new errors.InvalidOrder('kraken price too precise'), ctx).field).toBe('price');
    expect(mapCcxtError(new errors.BadSymbol('x'), ctx).message).toContain("(field 'symbol')");
    expect(mapCcxtError(new errors.ExchangeError('x'), { ...ctx, field: 'limitPrice' }).field).toBe('limitPrice');
  });

  it('recognises unmapped exchange messages', () => {
    expect(mapCcxtError(new errors.ExchangeError('coinbaseexchange duplicate client_oid'), ctx)).toMatchObject({ code: 'DUPLICATE_CLIENT_ORDER_ID', field: 'clientOrderId' });
    expect(mapCcxtError(new errors.ExchangeError('EOrder:Insufficient funds'), ctx).code).toBe('INSUFFICIENT_FUNDS');
    expect(mapCcxtError(new errors.ExchangeError('Invalid API-key, IP, or permissions'), ctx).code).toBe('AUTH_FAILED');
    expect(mapCcxtError(new errors.ExchangeError('size is too accurate. Smallest unit is 0.001'), ctx)).toMatchObject({ code: 'INVALID_ORDER', field: 'amount' });
    expect(mapCcxtError(new errors.ExchangeError('something else'), ctx).code).toBe('EXCHANGE_ERROR');
  });

  it('a non-ccxt throw out of a ccxt call is a malformed payload, located in the last response', () => {
    const json = [{ currency: 'USD', balance: '10' }, { currency: 'BTC', balance: 'lots' }];
    const ve = mapCcxtError(new SyntaxError('Cannot convert lots to a BigInt'), { ...ctx, endpoint: 'fetchBalance', json });
    expect(ve).toMatchObject({ code: 'MALFORMED_PAYLOAD', retryable: false, field: '[1].balance', ambiguous: true });
    expect(ve.message).toMatch(/^kraken fetchBalance: malformed payload \(field '\[1\]\.balance'\) — response could not be parsed: Cannot convert lots/);
  });

  it('reads Retry-After (seconds or HTTP date) for rate limits and outages', () => {
    expect(mapCcxtError(new errors.RateLimitExceeded('x'), { ...ctx, headers: { 'Retry-After': '3' } }).retryAfterMs).toBe(3_000);
    expect(mapCcxtError(new errors.ExchangeNotAvailable('x'), { ...ctx, headers: { 'retry-after': '0.5' } }).retryAfterMs).toBe(500);
    const date = new Date(Date.now() + 60_000).toUTCString();
    const ms = mapCcxtError(new errors.DDoSProtection('x'), { ...ctx, headers: { 'Retry-After': date } }).retryAfterMs!;
    expect(ms).toBeGreaterThan(50_000);
    expect(ms).toBeLessThanOrEqual(60_000);
    expect(mapCcxtError(new errors.RateLimitExceeded('x'), ctx).retryAfterMs).toBeUndefined();
  });

  it('outcome-unknown errors are marked ambiguous (a write must be looked up before a retry)', () => {
    for (const C of [errors.RequestTimeout, errors.NetworkError, errors.ExchangeNotAvailable, errors.RateLimitExceeded, errors.OnMaintenance]) {
      expect(mapCcxtError(new C('x'), ctx).ambiguous).toBe(true);
    }
    for (const C of [errors.InsufficientFunds, errors.InvalidOrder, errors.AuthenticationError, errors.DuplicateOrderId, errors.BadSymbol]) {
      expect(mapCcxtError(new C('x'), ctx).ambiguous).toBe(false);
    }
  });
});

describe('retry policy', () => {
  const e = (C: ErrorCtor, headers?: Record<string, string>) => mapCcxtError(new C('x'), { ...ctx, headers });
  it('waits exponentially, honours Retry-After, waits longest for maintenance, and caps', () => {
    const p = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 };
    expect([1, 2, 3, 4].map((a) => retryDelayMs(e(errors.RequestTimeout), a, p))).toEqual([100, 200, 400, 800]);
    expect(retryDelayMs(e(errors.RequestTimeout), 10, p)).toBe(5_000);
    expect(retryDelayMs(e(errors.RateLimitExceeded), 1, p, 1_000)).toBe(1_000); // never faster than the exchange's rateLimit
    expect(retryDelayMs(e(errors.RateLimitExceeded, { 'Retry-After': '2' }), 1, p, 1_000)).toBe(2_000);
    expect(retryDelayMs(e(errors.OnMaintenance), 1, p)).toBe(5_000);
    expect(DEFAULT_RETRY.maxAttempts).toBeGreaterThan(1);
  });

  it('maps order-entry errors to the Venue reject codes', () => {
    expect(rejectCodeFor(e(errors.InsufficientFunds), 'buy')).toBe('INSUFFICIENT_BUYING_POWER');
    expect(rejectCodeFor(e(errors.InsufficientFunds), 'sell')).toBe('INSUFFICIENT_POSITION');
    expect(rejectCodeFor(e(errors.DuplicateOrderId), 'buy')).toBe('DUPLICATE_CLIENT_ORDER_ID');
    expect(rejectCodeFor(e(errors.BadSymbol), 'buy')).toBe('UNKNOWN_SYMBOL');
    expect(rejectCodeFor(e(errors.MarketClosed), 'buy')).toBe('MARKET_CLOSED');
    expect(rejectCodeFor(e(errors.OnMaintenance), 'buy')).toBe('MARKET_CLOSED');
    expect(rejectCodeFor(e(errors.InvalidOrder), 'buy')).toBe('INVALID_ORDER');
  });
});
