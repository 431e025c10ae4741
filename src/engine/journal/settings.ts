// The journal settings (the config's `journal` section): whether durable
// records (orders, fills, trading-state changes) are group-committed — one
// fsync for every durable record of a short window, each order still sent only
// after its record is on disk — and the window's size in time and count.
// 'auto' groups them only where the engine runs on the wall clock (a broker
// venue); on simulated time (the simulator, replays) each durable record is
// committed before the engine goes on, so the order of events never depends on
// the disk. A backtest's journal groups them (run-backtest.ts): it is no
// write-ahead gate there, so the disk cannot change the run.
import { z } from 'zod';

/** Durable group commit defaults (when it is on): a group stays open at most 2 ms, or until it holds 256 durable records. */
export const DURABLE_GROUP_MS = 2;
export const DURABLE_GROUP_RECORDS = 256;

export const JournalSettings = z.object({
  groupCommit: z.enum(['auto', 'on', 'off']),
  /** Wall-clock ms an open durable group waits at most for more records (a waiting order closes it when the current synchronous job ends). */
  durableGroupMs: z.number().int().min(1).max(1_000),
  /** Durable records that close the open group at once. */
  durableGroupRecords: z.number().int().min(1).max(100_000),
});
export type JournalSettings = z.infer<typeof JournalSettings>;

export const DEFAULT_JOURNAL_SETTINGS: JournalSettings = { groupCommit: 'auto', durableGroupMs: DURABLE_GROUP_MS, durableGroupRecords: DURABLE_GROUP_RECORDS };

/** The journal's durable-commit options for an engine; `wallClock` is true on a broker venue. */
export function durableCommitOptions(s: JournalSettings, wallClock: boolean): { durableGroupMs: number; durableGroupRecords?: number } {
  const on = s.groupCommit === 'on' || (s.groupCommit === 'auto' && wallClock);
  return on ? { durableGroupMs: s.durableGroupMs, durableGroupRecords: s.durableGroupRecords } : { durableGroupMs: 0 };
}
