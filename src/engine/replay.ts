// `tradedesk replay`: feeds the journal's recorded inputs (quotes, bars, venue
// events, operator commands) through a fresh engine in simulated time, session
// by session, and compares every decision, order, fill and trading-state change
// it makes with the record. The first divergence is reported, naming the build
// that recorded the session and this one when they are not known to be the same.
import type { Bar, Instrument } from '../shared/domain.js';
import type { Clock } from './core/clock.js';
import { asBuild, describeBuild, engineBuild, sameBuild, type EngineBuild } from './core/build-info.js';
import { loadConfig, type EngineConfig } from './core/config.js';
import { isNyseOpen } from './data/calendar.js';
import { applyCommand, type TradingCommand } from './engine-commands.js';
import { MaCrossover } from './strategy/ma-crossover.js';
import { Engine, type JournalSink } from './engine.js';
import type { WarmupRecord } from './strategy/history-warmup.js';
import { readJournal } from './journal/reader.js';
import type { JournalKind, JournalRecord } from './journal/records.js';
import type { SessionSnapshot } from './journal/recovery.js';
import type { Venue, VenueAccount, VenueOpenOrder, VenuePosition } from './venues/venue.js';

/** Records an engine's decisions must reproduce exactly. */
const COMPARED: ReadonlySet<JournalKind> = new Set(['decision', 'order', 'fill', 'trading_state']);

export interface ReplayResult {
  ok: boolean;
  sessions: number;
  inputs: number;
  compared: number;
  /** First divergence, naming the record. */
  divergence?: string;
}

/** A venue that only answers what the record says; outcomes arrive as recorded inputs. */
class ReplayVenue implements Venue {
  readonly id: string;
  constructor(
    venueId: string,
    private readonly list: Instrument[],
    private readonly warm: Record<string, Bar[]>,
  ) {
    // the recorded venue's id: messages that name the venue (alerts, state reasons) must match the record
    this.id = venueId;
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async instruments(): Promise<Instrument[]> {
    return this.list;
  }
  async getBars(symbol: string): Promise<Bar[]> {
    return this.warm[symbol] ?? [];
  }
  isMarketOpen(symbol: string, ts: number): boolean {
    const i = this.list.find((x) => x.symbol === symbol);
    return !!i && (i.calendar === '24x7' || isNyseOpen(ts));
  }
  async submitOrder(): Promise<void> {}
  async cancelOrder(): Promise<void> {}
  async replaceOrder(): Promise<void> {}
  async getAccount(): Promise<VenueAccount> {
    return { cash: 0, equity: 0, buyingPower: 0 };
  }
  async getPositions(): Promise<VenuePosition[]> {
    return [];
  }
  async getOpenOrders(): Promise<VenueOpenOrder[]> {
    return [];
  }
}

class Collector implements JournalSink {
  readonly produced: Array<{ kind: JournalKind; ts: number; data: string }> = [];
  append(ts: number, kind: JournalKind, payload: unknown): void {
    if (COMPARED.has(kind)) this.produced.push({ kind, ts, data: JSON.stringify(payload) });
  }
}

interface SessionStart {
  sessionId: string;
  /** Absent in journals written before engines recorded it (read through asBuild). */
  build?: unknown;
  venue: string;
  config: EngineConfig;
  instruments: Instrument[];
  snapshot: SessionSnapshot;
}

function describe(kind: string, data: string): string {
  const d = JSON.parse(data) as Record<string, unknown>;
  const id = d.clientOrderId ?? d.id ?? '';
  return `${kind}${id ? ` ${String(id)}` : ''} ${data.length > 300 ? `${data.slice(0, 300)}...` : data}`;
}

/**
 * Fields a later build adds to a record kind. A journal written before one has
 * none: the replayed record is compared without it (absent in the recorded one),
 * so an older journal still replays record for record.
 */
const ADDED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  // a real execution's span of the order's cumulative quantity
  fill: ['span'],
};

/** The produced record's data as the recording's build would have written it (ADDED_FIELDS the recorded one lacks left out). */
function asRecorded(kind: string, recorded: string, produced: string): string {
  const added = ADDED_FIELDS[kind];
  if (!added) return produced;
  const want = JSON.parse(recorded) as Record<string, unknown>;
  const got = JSON.parse(produced) as Record<string, unknown>;
  let changed = false;
  for (const f of added) {
    if (!(f in want) && f in got) {
      delete got[f];
      changed = true;
    }
  }
  return changed ? JSON.stringify(got) : produced;
}

/** Records replayed between two yields to the event loop. */
const REPLAY_YIELD_EVERY = 2_000;

export async function replayJournal(dataDir: string): Promise<ReplayResult> {
  const result: ReplayResult = { ok: true, sessions: 0, inputs: 0, compared: 0 };
  let engine: Engine | undefined;
  let collector: Collector | undefined;
  let expected: JournalRecord[] = [];
  let pendingStart: { rec: JournalRecord; start: SessionStart } | undefined;
  const early: JournalRecord[] = [];
  /** The session's start-up history was applied (later `input.warmup` records are late symbols). */
  let startupApplied = false;
  /** The build that recorded the session being replayed. */
  let recordedBuild: EngineBuild | undefined;
  /** A divergence, with the two builds named when they are not known to be the same one. */
  const diverged = (d: string): ReplayResult => {
    const now = engineBuild();
    const note = sameBuild(recordedBuild, now) ? '' : ` (recorded by ${describeBuild(recordedBuild)}, replayed by ${describeBuild(now)}: a change of the engine's rules since the recording can explain a difference)`;
    return { ...result, ok: false, divergence: d + note };
  };

  const compare = (final: boolean): string | undefined => {
    if (!collector) return undefined;
    while (expected.length && collector.produced.length) {
      const want = expected.shift()!;
      const got = collector.produced.shift()!;
      result.compared++;
      if (want.kind !== got.kind || want.ts !== got.ts || (want.data !== got.data && want.data !== asRecorded(want.kind, want.data, got.data))) {
        return `record seq ${want.seq}: recorded ${describe(want.kind, want.data)} at ${want.ts}, but replay produced ${describe(got.kind, got.data)} at ${got.ts}`;
      }
    }
    if (final && expected.length) return `record seq ${expected[0]!.seq}: recorded ${describe(expected[0]!.kind, expected[0]!.data)}, but replay produced nothing`;
    if (final && collector.produced.length) return `after the last record, replay produced ${describe(collector.produced[0]!.kind, collector.produced[0]!.data)} that the journal does not have`;
    return undefined;
  };

  const finish = async (): Promise<string | undefined> => {
    const d = compare(true);
    if (engine) await engine.stop();
    engine = undefined;
    collector = undefined;
    expected = [];
    return d;
  };

  /** `warm`: the session's first `input.warmup` record; none recorded = every symbol without history (as before). */
  const begin = async (rec0: WarmupRecord | undefined): Promise<void> => {
    const { rec, start } = pendingStart!;
    pendingStart = undefined;
    result.sessions++;
    collector = new Collector();
    const config = loadConfig({ ...start.config, sim: { ...start.config.sim, speed: 'max' } });
    // a session recorded before the signal strategies (its config has no `strategies` section) was
    // traded by the Strategy-API moving-average crossover alone: replay it with that
    const legacy = !('strategies' in (start.config as object));
    engine = new Engine(config, {
      ...(legacy ? { strategies: config.strategy.enabled ? [new MaCrossover(config.strategy)] : [] } : {}),
      venue: (_clock: Clock) => new ReplayVenue(start.venue, start.instruments, rec0?.bars ?? {}),
      journal: collector,
      replay: { start: rec.ts, snapshot: start.snapshot, sessionId: start.sessionId },
    });
    await engine.prepare();
    // the history that arrived at start; a symbol missing from it joins at its own later record. A
    // session recorded before symbols waited for their history (no strategy.warmupTimeoutMs) and
    // without a warm-up record began every symbol cold; a newer one waits for its records.
    startupApplied = rec0 !== undefined || !('warmupTimeoutMs' in ((start.config as Partial<EngineConfig>).strategy ?? {}));
    if (startupApplied) engine.applyHistory(rec0 ?? { bars: Object.fromEntries(start.instruments.map((i) => [i.symbol, []])) }, true);
    for (const r of early.splice(0)) {
      const c = JSON.parse(r.data) as { state: 'connected' | 'disconnected'; reason: string | null; active: boolean };
      engine.clock.advanceTo(r.ts);
      engine.onConnection(c.state, c.reason ?? undefined, c.active);
      result.inputs++;
    }
  };

  let sinceYield = 0;
  for (const r of readJournal(dataDir)) {
    // a long replay yields to the event loop now and then, so its host stays responsive
    if (++sinceYield >= REPLAY_YIELD_EVERY) {
      sinceYield = 0;
      await new Promise((res) => setImmediate(res));
    }
    if (r.kind === 'session.start') {
      const d = await finish();
      if (d) return diverged(d);
      pendingStart = { rec: r, start: JSON.parse(r.data) as SessionStart };
      // a record's build as written; anything else reads as unrecorded
      recordedBuild = asBuild(pendingStart.start.build);
      continue;
    }
    if (pendingStart) {
      // the session begins at its warm-up record (alerts may come before it)
      if (r.kind === 'input.warmup') {
        await begin(JSON.parse(r.data) as WarmupRecord);
        continue;
      }
      // the connection at start comes before the warm-up: it is applied once the session begins
      if (r.kind === 'input.connection') {
        early.push(r);
        continue;
      }
      if (!r.kind.startsWith('input.') && !COMPARED.has(r.kind)) continue;
      await begin(undefined);
    }
    if (!engine) continue;
    const e = engine;
    const advance = () => e.clock.advanceTo(r.ts);
    switch (r.kind) {
      case 'input.quote':
        advance();
        e.bus.publish('quote', JSON.parse(r.data));
        result.inputs++;
        break;
      case 'input.bar':
        advance();
        e.bus.publish('bar', JSON.parse(r.data));
        result.inputs++;
        break;
      case 'input.venue_update':
        advance();
        e.bus.publish('venueOrderUpdate', JSON.parse(r.data));
        result.inputs++;
        break;
      case 'input.venue_fill':
        advance();
        e.bus.publish('venueFill', JSON.parse(r.data));
        result.inputs++;
        break;
      case 'input.warmup':
        // a symbol's history that arrived after the start (or the start-up batch after early inputs): it joins here, as it did
        advance();
        e.applyHistory(JSON.parse(r.data) as WarmupRecord, !startupApplied);
        startupApplied = true;
        result.inputs++;
        break;
      case 'input.connection': {
        advance();
        const c = JSON.parse(r.data) as { state: 'connected' | 'disconnected'; reason: string | null; active: boolean };
        e.onConnection(c.state, c.reason ?? undefined, c.active);
        result.inputs++;
        break;
      }
      case 'input.adopt_order':
        advance();
        e.oms.adopt(JSON.parse(r.data));
        result.inputs++;
        break;
      case 'input.adjust_position': {
        advance();
        const a = JSON.parse(r.data) as { symbol: string; qty: number; price: number };
        e.portfolio.adjust(a.symbol, a.qty, a.price);
        result.inputs++;
        break;
      }
      case 'input.command':
        advance();
        applyCommand(e, JSON.parse(r.data) as TradingCommand);
        result.inputs++;
        break;
      default:
        if (r.kind === 'trading_state') {
          // reconciliation with a live venue is not replayed; the state changes it made are applied as recorded
          const c = JSON.parse(r.data) as { to: 'ACTIVE' | 'REDUCING' | 'HALTED'; actor: string; reason: string; scope?: string };
          if (c.actor === 'reconcile') {
            advance();
            e.risk.setState(c.to, c.actor, c.reason, (c.scope ?? 'account') as never);
          }
        }
        if (COMPARED.has(r.kind)) expected.push(r);
    }
    const d = compare(false);
    if (d) {
      await engine.stop();
      return diverged(d);
    }
  }
  if (pendingStart) await begin(undefined);
  const d = await finish();
  if (d) return diverged(d);
  if (result.sessions === 0) return { ...result, ok: false, divergence: `no recorded session in ${dataDir}` };
  return result;
}
