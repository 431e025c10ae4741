// The contract's command handlers. Commands that change trading (halt,
// resume, kill, cancel, manual orders) are journaled as inputs before they act,
// and their synchronous effect lives in applyCommand so a replay reproduces it.
import type { EngineStatus } from '../shared/api/contract.js';
import { ApiFailure, type CommandHandlers } from '../shared/api/protocol.js';
import type { Engine } from './engine.js';
import { exportJournal } from './journal/export.js';

const KILL_WAIT_MS = 5_000;
const KILL_RETRY_MS = 1_000;

export type TradingCommand =
  | { name: 'halt'; args: { reason?: string } }
  | { name: 'resume'; args: { reason: string } }
  | { name: 'kill'; args: { reason?: string } }
  | { name: 'cancelOrder'; args: { clientOrderId: string } }
  | {
      name: 'submitOrder';
      args: { symbol: string; side: 'buy' | 'sell'; type: 'market' | 'limit'; qty: number; limitPrice?: number; timeInForce: 'day' | 'gtc' | 'ioc' };
    };

/** The synchronous effect of a trading command (live and replay). */
export function applyCommand(e: Engine, c: TradingCommand): unknown {
  switch (c.name) {
    case 'halt':
      e.risk.setState('HALTED', 'operator', c.args.reason ?? 'manual halt');
      return undefined;
    case 'resume':
      e.risk.setState('ACTIVE', 'operator', c.args.reason);
      return undefined;
    case 'kill': {
      e.risk.setState('HALTED', 'operator', `KILL: ${c.args.reason ?? 'manual kill'}`);
      const targets = e.oms.openOrders().map((o) => o.clientOrderId);
      for (const id of targets) e.oms.cancel(id);
      return targets;
    }
    case 'cancelOrder':
      return e.oms.cancel(c.args.clientOrderId);
    case 'submitOrder': {
      const o = c.args;
      const { order, decision } = e.oms.submit({ ...o, source: 'manual', reason: 'manual order' });
      return { accepted: decision.approved, clientOrderId: order.clientOrderId, reason: decision.reason };
    }
  }
}

export function buildHandlers(e: Engine): CommandHandlers {
  const trading = (c: TradingCommand): unknown => {
    if (e.readOnly) throw new ApiFailure('READ_ONLY', `'${c.name}' refused: this engine shows a journal read-only and does not trade`);
    e.record('input.command', c);
    return applyCommand(e, c);
  };
  return {
    status: () => e.status(),
    snapshot: () => ({
      status: e.status(),
      account: e.portfolio.account(),
      positions: e.portfolio.positions(),
      orders: e.oms.recent(200),
      alerts: e.alerts.recent(100),
    }),
    listInstruments: () => [...e.instrumentsBySymbol.values()],
    getBars: async ({ symbol, limit }) => {
      if (!e.instrumentsBySymbol.has(symbol)) throw new ApiFailure('UNKNOWN_SYMBOL', `unknown symbol '${symbol}'`);
      return e.venue.getBars(symbol, limit);
    },
    halt: ({ reason }) => {
      trading({ name: 'halt', args: { reason } });
      return e.status();
    },
    resume: ({ reason }) => {
      trading({ name: 'resume', args: { reason } });
      return e.status();
    },
    kill: async ({ reason }) => {
      const targets = trading({ name: 'kill', args: { reason } }) as string[];
      return waitForKill(e, targets);
    },
    cancelOrder: ({ clientOrderId }) => trading({ name: 'cancelOrder', args: { clientOrderId } }) as { requested: boolean; reason: string },
    submitOrder: (o) => {
      if (!e.instrumentsBySymbol.has(o.symbol)) throw new ApiFailure('UNKNOWN_SYMBOL', `unknown symbol '${o.symbol}'`);
      if (o.type === 'limit' && o.limitPrice === undefined) throw new ApiFailure('BAD_ARGS', `field 'limitPrice': required for a limit order`);
      if (o.type === 'market' && o.limitPrice !== undefined) throw new ApiFailure('BAD_ARGS', `field 'limitPrice': a market order takes none`);
      return trading({ name: 'submitOrder', args: o }) as { accepted: boolean; clientOrderId: string; reason: string };
    },
    listDecisions: (q) => e.decisions.list(q),
    getDecision: ({ id }) => {
      const d = e.decisions.get(id);
      if (!d) throw new ApiFailure('UNKNOWN_DECISION', `no decision '${id}' in this session's decision log`);
      return d;
    },
    exportJournal: ({ format, kind }) => {
      const dir = e.options.dataDir;
      if (!dir) throw new ApiFailure('NO_JOURNAL', 'this engine keeps no journal (started without a data dir)');
      e.journal?.flush?.();
      let content = '';
      const records = exportJournal(dir, format, kind, (s) => (content += s));
      const stamp = new Date(e.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
      return {
        filename: `tradedesk-${kind}-${stamp}.${format}`,
        mime: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        content,
        records,
      };
    },
  };
}

/** KILL, part two: wait (retrying the cancels) until the venue has nothing open. */
async function waitForKill(e: Engine, targets: string[]): Promise<{ status: EngineStatus; canceled: number; stillOpen: number }> {
  const deadline = Date.now() + KILL_WAIT_MS;
  let lastRetry = Date.now();
  while (e.oms.openCount > 0 && e.running && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    if (Date.now() - lastRetry > KILL_RETRY_MS) {
      lastRetry = Date.now();
      for (const o of e.oms.openOrders()) e.oms.cancel(o.clientOrderId);
    }
  }
  const stillOpen = e.oms.openCount;
  if (stillOpen > 0) {
    e.alerts.raise('critical', 'KILL_INCOMPLETE', `KILL: ${stillOpen} order(s) still open at the venue after ${KILL_WAIT_MS} ms`, 'risk');
  }
  const canceled = targets.filter((id) => e.oms.get(id)?.status === 'canceled').length;
  return { status: e.status(), canceled, stillOpen };
}
