// Hooks that query the decision log through the client: a filtered list and
// one decision's detail. They re-query when their arguments change, on
// reconnect and on the throttled decision tick (at most once per second).
// Each hook keeps at most one query in flight: a refresh asked for meanwhile
// runs once the answer is in, so a slow engine never gets a queue of them and
// an answer is never thrown away just because a newer tick arrived.
import { useEffect, useRef, useState } from 'react';
import type { CommandArgs, DecisionDetail, DecisionSummary } from '../../../shared/api/contract.js';
import { TERMINAL_STATUSES, type OrderStatus } from '../../../shared/domain.js';
import { useClient } from '../components/client-context.js';
import { useDesk } from '../store/desk-store.js';
import { noteStrategies, useDecisionUi } from '../store/decision-store.js';
import type { RendererClient } from '../transport/renderer-client.js';
import { errorMessage } from '../transport/errors.js';

export type DecisionListArgs = CommandArgs<'listDecisions'>;

export interface QueryState<T> {
  data: T;
  error: string | null;
  /** Error code of the last failure (e.g. UNKNOWN_DECISION), or null. */
  code: string | null;
  /** True once an answer (or an error) for the current arguments arrived. */
  loaded: boolean;
}

function codeOf(e: unknown): string | null {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : null;
}

/**
 * Runs `fetch(key)` when `key` or `refresh` changes, one query at a time.
 * `merge` folds an answer into the previous data of the same key.
 */
function useSerialQuery<T>(
  key: string | null,
  refresh: number,
  empty: T,
  fetch: (client: RendererClient, key: string) => Promise<T>,
  merge: (prev: T, next: T) => T = (_p, n) => n,
): QueryState<T> {
  const client = useClient();
  const connected = useDesk((s) => s.connection === 'open');
  const [state, setState] = useState<QueryState<T> & { key: string | null }>({ data: empty, error: null, code: null, loaded: false, key: null });
  const live = useRef({ key, busy: false, again: false, mounted: true });
  live.current.key = key;
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const mergeRef = useRef(merge);
  mergeRef.current = merge;

  useEffect(() => {
    const l = live.current;
    l.mounted = true;
    return () => {
      l.mounted = false;
    };
  }, []);

  useEffect(() => {
    if (!client || !connected || key === null) return;
    const l = live.current;
    const run = (k: string): void => {
      l.busy = true;
      l.again = false;
      const done = (apply: () => void) => {
        l.busy = false;
        if (!l.mounted) return;
        if (k === l.key) apply();
        // Asked again meanwhile, or the arguments changed: one more query.
        if (l.key !== null && (l.again || k !== l.key)) run(l.key);
      };
      fetchRef.current(client, k).then(
        (data) =>
          done(() =>
            setState((s) => ({ data: s.key === k ? mergeRef.current(s.data, data) : data, error: null, code: null, loaded: true, key: k })),
          ),
        (e: unknown) => done(() => setState((s) => ({ ...s, error: errorMessage(e), code: codeOf(e), loaded: true, key: k, data: s.key === k ? s.data : empty }))),
      );
    };
    if (l.busy) l.again = true;
    else run(key);
    // `empty` is a module constant of each caller.
  }, [client, connected, key, refresh]);

  // Data of other arguments is never shown as the answer to these.
  if (state.key !== key) return { data: empty, error: null, code: null, loaded: false };
  return state;
}

function sameSummary(a: DecisionSummary, b: DecisionSummary): boolean {
  return (
    a.id === b.id &&
    a.status === b.status &&
    a.filledQty === b.filledQty &&
    a.avgFillPrice === b.avgFillPrice &&
    a.realizedPnl === b.realizedPnl &&
    a.reason === b.reason &&
    a.outcome === b.outcome
  );
}

/** Keeps the previous object for rows that did not change, so memoized rows skip rendering. */
export function reuseRows(prev: readonly DecisionSummary[], next: DecisionSummary[]): DecisionSummary[] {
  if (prev.length === 0) return next;
  const byId = new Map(prev.map((r) => [r.id, r]));
  let changed = prev.length !== next.length;
  const out = next.map((r, i) => {
    const old = byId.get(r.id);
    const keep = old && sameSummary(old, r) ? old : r;
    if (keep !== prev[i]) changed = true;
    return keep;
  });
  return changed ? out : (prev as DecisionSummary[]);
}

const NO_ROWS: DecisionSummary[] = [];

const listDecisions = async (client: RendererClient, key: string): Promise<DecisionSummary[]> => {
  const rows = await client.call('listDecisions', JSON.parse(key) as DecisionListArgs);
  noteStrategies(rows.map((r) => r.strategy));
  return rows;
};

/** The decisions matching `args` (null pauses querying), newest first. */
export function useDecisionList(args: DecisionListArgs | null): QueryState<DecisionSummary[]> {
  const tick = useDecisionUi((s) => s.tick);
  return useSerialQuery(args ? JSON.stringify(args) : null, tick, NO_ROWS, listDecisions, reuseRows);
}

const getDecision = (client: RendererClient, id: string): Promise<DecisionDetail | null> => client.call('getDecision', { id });

function isFinal(d: DecisionDetail | null): boolean {
  return d !== null && TERMINAL_STATUSES.has(d.summary.status as OrderStatus);
}

/** One decision's full chain; re-queried on the tick until its order is finished. */
export function useDecisionDetail(id: string | null): QueryState<DecisionDetail | null> {
  const tick = useDecisionUi((s) => s.tick);
  const finalRef = useRef<{ id: string | null; final: boolean }>({ id: null, final: false });
  // Once the order is finished, later ticks change nothing: stop re-querying.
  const final = finalRef.current.id === id && finalRef.current.final;
  const state = useSerialQuery(id, final ? -1 : tick, null, getDecision);
  if (state.data) finalRef.current = { id, final: isFinal(state.data) };
  return state;
}
