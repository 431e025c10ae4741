// What the journal holds: one record per event, in one hash chain. `kind`
// names the event; `data` is its JSON payload. Secrets never appear here.

export const JOURNAL_SCHEMA_VERSION = 1;
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
  | 'fill'
  /** A real execution recognized as already counted (by an inferred fill or the venue's cumulative): not applied again. */
  | 'fill.covered'
  | 'trading_state'
  | 'alert'
  | 'config'
  | 'credential'
  | 'reconcile';

export interface JournalRecord {
  seq: number;
  ts: number;
  kind: JournalKind;
  /** JSON text of the payload, exactly as hashed. */
  data: string;
  prev: string;
  hash: string;
}

/** Kinds committed durably (fsync) before the engine goes on: write-ahead of the venue. */
export const DURABLE_KINDS: ReadonlySet<JournalKind> = new Set(['order', 'fill', 'trading_state', 'session.start', 'credential', 'config']);

export const GENESIS_PREV = '0'.repeat(64);
