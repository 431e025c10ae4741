// Client order ids as the exchange sees them. Most exchanges take the engine's
// id as is; some insist on a format (Coinbase Exchange: a UUID). The mapping is
// deterministic, so the same engine id always maps to the same exchange id and
// an order can be looked up by it after a timeout or a restart.
import { createHash } from 'node:crypto';

export type ClientOrderIdFormat = 'raw' | 'uuid';

/** Exchanges whose client order id must be a UUID. */
const UUID_EXCHANGES: ReadonlySet<string> = new Set(['coinbaseexchange']);

export function defaultClientOrderIdFormat(exchangeId: string): ClientOrderIdFormat {
  return UUID_EXCHANGES.has(exchangeId) ? 'uuid' : 'raw';
}

/** Name-based UUID (RFC 4122 version-5 layout, SHA-1). */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update(`tradedesk:${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function exchangeClientOrderId(clientOrderId: string, format: ClientOrderIdFormat): string {
  return format === 'uuid' ? nameUuid(clientOrderId) : clientOrderId;
}
