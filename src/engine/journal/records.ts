// What the journal holds: one record per event, in one hash chain. `kind`
// names the event; `data` is its JSON payload. Secrets never appear here.

/** The schema this version writes. Schema 1 files are still read, verified and continued. */
export const JOURNAL_SCHEMA_VERSION = 2;
/** The oldest schema this version reads. */
export const JOURNAL_OLDEST_SCHEMA = 1;
export const JOURNAL_APP_ID = 'tradedesk-journal';

export type JournalKind =
  /** A session began: config, session id, what was restored. */
  | 'session.start'
  | 'session.stop'
  /** Inputs that drove decisions (enough to replay). */
  | 'input.warmup'
  | 'input.quote'
  | 'input.bar'
  | 'input.venue_update'
  | 'input.venue_fill'
  | 'input.command'
  | 'input.connection'
  | 'input.adopt_order'
  | 'input.adjust_position'
  /** Decisions and their consequences. */
  | 'decision'
  | 'order'
  /** A modify of an open order, approved and about to be sent: { clientOrderId, qty, limitPrice?, decisionId } (durable: written ahead of the venue). */
  | 'order.modify'
  | 'fill'
  /** A real execution recognized as already counted (by an inferred fill or the venue's cumulative): not applied again. */
  | 'fill.covered'
  /** A held fill reconciliation did not apply (more than the venue's count still lacks): { fillId, clientOrderId, qty, price, venueFilledQty, reason }. */
  | 'fill.dropped'
  | 'trading_state'
  | 'alert'
  /** The operator acknowledged an alert: { id, code, actor }. */
  | 'alert.ack'
  | 'config'
  | 'credential'
  | 'reconcile'
  /** An execution algorithm's parent: start, each child, finish with its reason (execution/algos). */
  | 'algo';

export interface JournalRecord {
  seq: number;
  ts: number;
  kind: JournalKind;
  /** JSON text of the payload, exactly as hashed. */
  data: string;
  /** The record's chain hash: 32 bytes (schema 2) or 64 hex characters (schema 1). */
  hash: Buffer | string;
}

/** A record as a file stores it: schema 1 rows also hold the previous hash (hex). */
export interface StoredRecord extends JournalRecord {
  prev?: string;
}

export function hashHex(hash: Buffer | string): string {
  return typeof hash === 'string' ? hash : hash.toString('hex');
}

/** Kinds committed durably (fsync) before the engine goes on: write-ahead of the venue. */
export const DURABLE_KINDS: ReadonlySet<JournalKind> = new Set(['order', 'order.modify', 'fill', 'trading_state', 'session.start', 'credential', 'config']);

/** The hex of the genesis "previous hash" (32 zero bytes), as the anchor stores heads. */
export const GENESIS_PREV = '0'.repeat(64);

/**
 * Kinds that are recorded inputs: many, and never read to rebuild state. Schema 2
 * indexes only the other kinds (a partial index with this exact condition; a query
 * must repeat it verbatim for SQLite to use the index).
 */
export const STATE_KINDS_SQL = "kind NOT LIKE 'input.%'";
