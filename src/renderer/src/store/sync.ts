// Wires a client to the store: on every (re)connect it takes a snapshot, lists
// instruments and loads bar history (selected symbol first); between snapshots
// it applies validated events through the frame batcher. It also loads the
// risk limits once per connection (for the gauges before any 'risk' event).
import type { RendererClient } from '../transport/renderer-client.js';
import { errorMessage } from '../transport/errors.js';
import {
  applyBatch,
  applySnapshot,
  notify,
  setConnection,
  setHistory,
  setInstruments,
  setProblem,
  useDesk,
} from './desk-store.js';
import { FrameBatcher, type BatchStats } from './frame-batcher.js';
import { loadRiskSettings } from './risk-store.js';

export const HISTORY_LIMIT = 300;
/** Histories loaded at once after the selected symbol's. */
const HISTORY_LANES = 4;

/** Live counters of the running sync (events in, store updates out). */
export const syncStats: BatchStats = { events: 0, flushes: 0 };

export function startSync(client: RendererClient): () => void {
  useDesk.setState({ transport: client.transport });
  const batcher = new FrameBatcher((batch) => {
    applyBatch(batch);
    syncStats.events = batcher.stats.events;
    syncStats.flushes = batcher.stats.flushes;
  });
  let generation = 0;
  const loading = new Set<string>();

  const loadHistory = async (symbol: string, gen: number): Promise<void> => {
    if (loading.has(symbol) || useDesk.getState().historyLoaded[symbol]) return;
    loading.add(symbol);
    try {
      const bars = await client.call('getBars', { symbol, limit: HISTORY_LIMIT });
      if (gen === generation) setHistory(symbol, bars);
    } catch (e) {
      if (gen === generation) console.warn(`[tradedesk] history for ${symbol} failed:`, errorMessage(e));
    } finally {
      loading.delete(symbol);
    }
  };

  const onOpen = async (): Promise<void> => {
    const gen = ++generation;
    useDesk.setState({ historyLoaded: {} });
    try {
      const [snapshot, instruments] = await Promise.all([client.call('snapshot', {}), client.call('listInstruments', {})]);
      if (gen !== generation) return;
      applySnapshot(snapshot);
      setInstruments(instruments);
      // Limits for the risk gauges until the first 'risk' event (the engine sends none while flat).
      void loadRiskSettings(client);
      const selected = useDesk.getState().selected;
      if (selected) await loadHistory(selected, gen);
      // the rest a few at a time (one after another left the watchlist's Chg blank for a while)
      const rest = instruments.map((i) => i.symbol);
      const lane = async (): Promise<void> => {
        for (let s = rest.shift(); s !== undefined && gen === generation; s = rest.shift()) await loadHistory(s, gen);
      };
      await Promise.all(Array.from({ length: HISTORY_LANES }, lane));
    } catch (e) {
      if (gen === generation) notify('error', `Could not load the engine snapshot: ${errorMessage(e)}`);
    }
  };

  const offEvent = client.onEvent((event) => batcher.push(event));
  const offProblem = client.onProblem(setProblem);
  const offConn = client.onConnection((state) => {
    setConnection(state);
    if (state === 'open') void onOpen();
    else generation++;
  });
  const offSelect = useDesk.subscribe((s, prev) => {
    if (s.selected && s.selected !== prev.selected && s.connection === 'open') void loadHistory(s.selected, generation);
  });

  return () => {
    offEvent();
    offProblem();
    offConn();
    offSelect();
    batcher.dispose();
    client.close();
  };
}
