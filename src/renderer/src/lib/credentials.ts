// Venue credential metadata for Settings › Brokers: which venues always show,
// their labels, the fields each takes (names only: the UI never holds a
// stored value), the ccxt id rule of the contract, and which field an
// engine error names.
export const BASE_VENUES = ['alpaca', 'alpaca-live'] as const;

export interface FieldSpec {
  name: string;
  label: string;
  required: boolean;
}

const ALPACA_FIELDS: readonly FieldSpec[] = [
  { name: 'keyId', label: 'API key ID', required: true },
  { name: 'secretKey', label: 'API secret key', required: true },
];

const CCXT_FIELDS: readonly FieldSpec[] = [
  { name: 'apiKey', label: 'API key', required: true },
  { name: 'secret', label: 'API secret', required: true },
  { name: 'password', label: 'Passphrase (only if the exchange issued one)', required: false },
];

/** The exchange id after 'ccxt:' as the contract accepts it. */
export const CCXT_ID = /^[a-z0-9]+$/;

export function fieldsOf(venue: string): readonly FieldSpec[] {
  return venue.startsWith('ccxt:') ? CCXT_FIELDS : ALPACA_FIELDS;
}

export function venueLabel(venue: string): string {
  if (venue === 'alpaca') return 'Alpaca paper';
  if (venue === 'alpaca-live') return 'Alpaca live';
  if (venue.startsWith('ccxt:')) return `${venue.slice(5)} (ccxt)`;
  return venue;
}

/** True for a venue whose keys trade real money. */
export function isLiveVenue(venue: string): boolean {
  return venue === 'alpaca-live';
}

/** Venues in display order: Alpaca paper, Alpaca live, then ccxt exchanges by id. */
export function sortVenues(venues: Iterable<string>): string[] {
  const all = new Set<string>([...BASE_VENUES, ...venues]);
  const rank = (v: string) => (v === 'alpaca' ? 0 : v === 'alpaca-live' ? 1 : 2);
  return [...all].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * The field a CREDENTIALS_INVALID message names ("alpaca credentials: secretKey
 * is required …", "unknown field \"x\""), if it is one of the venue's fields.
 */
export function fieldInError(venue: string, message: string): string | null {
  const m = /credentials: (?:unknown field ")?([A-Za-z]+)/.exec(message);
  const name = m?.[1];
  return name && fieldsOf(venue).some((f) => f.name === name) ? name : null;
}
