// The contract's command handlers. Commands that change trading (halt,
// resume, kill, cancel, manual orders) are journaled as inputs before they act,
// and their synchronous effect lives in applyCommand so a replay reproduces it.
// The engine is seen through EngineContext (engine-context.ts), not the Engine
// class, so engine.ts -> engine-commands.ts stays one-way.
import type { AlgoRequest, EngineStatus, StateScope } from '../shared/api/contract.js';
import { algoProblem } from './execution/algos/algo-manager.js';
import { ApiFailure, describeZodError, type CommandHandlers } from '../shared/api/protocol.js';
import { MonitorConfig, RiskLimits } from './core/config.js';
import type { EngineContext } from './engine-context.js';
import { buildBacktestHandlers } from './backtest/backtest-commands.js';
import { exportJournal } from './journal/export.js';
import { journalBytes } from './journal/journal-file.js';
import { accountMetrics, portfolioAnalytics } from './risk/account-analytics.js';
import { daysPerYearOf } from './core/annualize.js';
import type { Scope } from './risk/risk-engine.js';
import { LiveClock } from './core/clock.js';
import { LIVE_CONFIRMATION, readSettings, setLiveTrading } from './core/settings.js';
import { credentialStatusAll, readCredentials, removeCredentials, storeCredentials } from './secrets/credentials-off-thread.js';
import { createVenue, credentialIdFor } from './venues/create-venue.js';
import { buildStrategyHandlers } from './strategy/strategy-commands.js';

/** The reason every order closing a position from the UI carries. */
export const CLOSE_REASON = 'close position from UI';
const KILL_WAIT_MS = 5_000;
const KILL_RETRY_MS = 1_000;

export type TradingCommand =
  | { name: 'halt'; args: { reason?: string; scope?: StateScope } }
  /** `gate`: why reconciliation held the account at REDUCING (recorded, so replay does the same). */
  | { name: 'resume'; args: { reason: string; scope?: StateScope; gate?: string } }
  | { name: 'kill'; args: { reason?: string; scope?: StateScope } }
  | { name: 'closePositions'; args: { reason?: string; scope?: StateScope } }
  | { name: 'setRiskLimits'; args: { risk: RiskLimits; monitor: MonitorConfig; changed: string[]; reason: string } }
  | { name: 'cancelOrder'; args: { clientOrderId: string } }
  /** Closing one position from the UI: side and quantity fixed when the command was accepted (replay sends the same). */
  | { name: 'closePosition'; args: { symbol: string; side: 'buy' | 'sell'; qty: number } }
  | { name: 'setStrategyEnabled'; args: { id: string; enabled: boolean; actor: string; reason: string } }
  | { name: 'setStrategyWeight'; args: { id: string; weight: number; actor: string; reason: string } }
  | { name: 'replaceOrder'; args: { clientOrderId: string; qty?: number; limitPrice?: number } }
  | {
      name: 'submitOrder';
      args: { symbol: string; side: 'buy' | 'sell'; type: 'market' | 'limit'; qty: number; limitPrice?: number; timeInForce: 'day' | 'gtc' | 'ioc'; algo?: AlgoRequest };
    };

export function scopeOf(scope: StateScope | undefined): Scope {
  if (!scope) return 'account';
  return 'strategy' in scope ? `strategy:${scope.strategy}` : `instrument:${scope.symbol}`;
}

/** Open orders a scoped command applies to. */
function ordersIn(e: EngineContext, scope: StateScope | undefined): string[] {
  return e.oms
    .openOrders()
    .filter((o) => !scope || ('strategy' in scope ? o.source === scope.strategy : o.symbol === scope.symbol))
    .map((o) => o.clientOrderId);
}

/** The synchronous effect of a trading command (live and replay). */
export function applyCommand(e: EngineContext, c: TradingCommand): unknown {
  switch (c.name) {
    case 'halt':
      e.risk.setState('HALTED', 'operator', c.args.reason ?? 'manual halt', scopeOf(c.args.scope));
      return undefined;
    case 'resume':
      if (c.args.gate && !c.args.scope) {
        // the reconciliation gate: REDUCING until every difference is acknowledged
        e.risk.setState('REDUCING', 'operator', `${c.args.reason}; REDUCING because ${c.args.gate}`, 'account');
        e.holdForReconciliation();
        e.monitor.rearm(); // the operator has resumed: the automatic triggers start afresh
        return undefined;
      }
      e.risk.setState('ACTIVE', 'operator', c.args.reason, scopeOf(c.args.scope));
      return undefined;
    case 'kill': {
      e.risk.setState('HALTED', 'operator', `KILL: ${c.args.reason ?? 'manual kill'}`, scopeOf(c.args.scope));
      const targets = ordersIn(e, c.args.scope);
      // the venue's cancel-all first (account scope), per-order cancels for what remains
      e.oms.cancelMany(targets, !c.args.scope);
      return { targets };
    }
    case 'closePositions': {
      // FLATTEN's second step: verified flattening orders, allowed while HALTED
      const sc = c.args.scope;
      const symbols = sc && 'symbol' in sc ? new Set([sc.symbol]) : undefined;
      return e.reducePositions(1, 'flatten', `FLATTEN: ${c.args.reason ?? 'manual flatten'}`, symbols);
    }
    case 'setRiskLimits':
      e.risk.setLimits(c.args.risk);
      e.monitor.setConfig(c.args.monitor);
      (e.config as { risk: RiskLimits }).risk = c.args.risk;
      (e.config as { monitor: MonitorConfig }).monitor = c.args.monitor;
      e.record('config', { actor: 'operator', reason: c.args.reason, changed: c.args.changed, risk: c.args.risk, monitor: c.args.monitor });
      return undefined;
    case 'cancelOrder':
      // a parent order's cancel stops its algorithm and cancels its children
      return e.algos.cancel(c.args.clientOrderId) ?? e.oms.cancel(c.args.clientOrderId);
    case 'closePosition': {
      const { symbol, side, qty } = c.args;
      const { order, decision } = e.oms.submit({ symbol, side, type: 'market', qty, timeInForce: 'day', source: 'manual', reason: CLOSE_REASON });
      return { approved: decision.approved, clientOrderId: order.clientOrderId, reason: decision.reason };
    }
    case 'setStrategyEnabled':
    case 'setStrategyWeight': {
      const rt = e.signals.runtime(c.args.id);
      if (!rt) return undefined;
      const field = c.name === 'setStrategyEnabled' ? 'enabled' : 'weight';
      if (c.name === 'setStrategyEnabled') rt.enabled = c.args.enabled;
      else rt.baseWeight = c.args.weight;
      const value = c.name === 'setStrategyEnabled' ? c.args.enabled : c.args.weight;
      e.record('config', { actor: c.args.actor, reason: c.args.reason, changed: [`strategies.${c.args.id}.${field}`], strategy: c.args.id, [field]: value });
      return undefined;
    }
    case 'replaceOrder': {
      const r = e.oms.replace(c.args.clientOrderId, { qty: c.args.qty, limitPrice: c.args.limitPrice });
      return { requested: r.requested, reason: r.reason };
    }
    case 'submitOrder': {
      const { algo, ...o } = c.args;
      const { order, decision } = algo
        ? e.algos.submit({ ...o, algo, source: 'manual', reason: `manual order (${algo.kind})` })
        : e.oms.submit({ ...o, source: 'manual', reason: 'manual order' });
      return { accepted: decision.approved, clientOrderId: order.clientOrderId, reason: decision.reason };
    }
  }
}

/** Which fields of a limits change loosen risk (a larger maximum, a smaller minimum, a later trigger). */
const LOOSER_WHEN_SMALLER = new Set(['minNetExposurePct']);
const MONITOR_LOOSER_WHEN_LARGER = new Set([
  'drawdownAlertPct',
  'drawdownReducePct',
  'dailyLossLimitPct',
  'volRegimeThreshold',
  'maxConsecutiveLosses',
  'staleDataSeconds',
  'rejectStormCount',
  'correlationAlert',
]);
const MONITOR_LOOSER_WHEN_SMALLER = new Set(['rejectStormWindowSeconds', 'drawdownCutFraction']);

function classify(kind: 'risk' | 'monitor', key: string, before: number, after: number): 'looser' | 'tighter' | 'same' {
  if (before === after) return 'same';
  if (kind === 'risk') {
    if (key === 'duplicateWindowMs') return after < before ? 'looser' : 'tighter';
    const looser = LOOSER_WHEN_SMALLER.has(key) ? after < before : after > before;
    return looser ? 'looser' : 'tighter';
  }
  if (MONITOR_LOOSER_WHEN_LARGER.has(key)) return after > before ? 'looser' : 'tighter';
  if (MONITOR_LOOSER_WHEN_SMALLER.has(key)) return after < before ? 'looser' : 'tighter';
  return after > before ? 'looser' : 'tighter';
}

/** The argument rules of a manual order (submitOrder and whatIf): a bad one is refused naming the field. */
function checkManualOrder(e: EngineContext, o: { symbol: string; type: 'market' | 'limit'; qty: number; limitPrice?: number; algo?: AlgoRequest }): void {
  if (!e.instrumentsBySymbol.has(o.symbol)) throw new ApiFailure('UNKNOWN_SYMBOL', `unknown symbol '${o.symbol}'`);
  if (o.type === 'limit' && o.limitPrice === undefined) throw new ApiFailure('BAD_ARGS', `field 'limitPrice': required for a limit order`);
  if (o.type === 'market' && o.limitPrice !== undefined) throw new ApiFailure('BAD_ARGS', `field 'limitPrice': a market order takes none`);
  const algoBad = o.algo && algoProblem({ ...o, algo: o.algo });
  if (algoBad) throw new ApiFailure('BAD_ARGS', algoBad);
}

export function buildHandlers(e: EngineContext): CommandHandlers {
  const trading = (c: TradingCommand): unknown => {
    if (e.readOnly) throw new ApiFailure('READ_ONLY', `'${c.name}' refused: this engine shows a journal read-only and does not trade`);
    e.record('input.command', c);
    return applyCommand(e, c);
  };
  return {
    ...buildStrategyHandlers(e.strategyControl, e.learning),
    status: () => e.status(),
    snapshot: () => ({
      status: e.status(),
      account: e.portfolio.account(),
      positions: e.portfolio.positions(),
      orders: e.algos.withParents(e.oms.recent(200)),
      alerts: e.alerts.recent(100),
    }),
    listInstruments: () => [...e.instrumentsBySymbol.values()],
    getBars: async ({ symbol, limit }) => {
      if (!e.instrumentsBySymbol.has(symbol)) throw new ApiFailure('UNKNOWN_SYMBOL', `unknown symbol '${symbol}'`);
      return (await e.bars([symbol], limit)).get(symbol) ?? [];
    },
    halt: ({ reason, scope }) => {
      trading({ name: 'halt', args: { reason, scope } });
      return e.status();
    },
    resume: ({ reason, scope }) => {
      const gate = scope ? undefined : e.reconciliationGate();
      trading({ name: 'resume', args: { reason, scope, ...(gate ? { gate } : {}) } });
      return e.status();
    },
    kill: async ({ reason, scope }) => {
      const r = trading({ name: 'kill', args: { reason, scope } }) as { targets: string[] };
      return waitForKill(e, r.targets, scope);
    },
    flatten: async ({ reason, scope }) => {
      if (scope && 'strategy' in scope) {
        throw new ApiFailure('BAD_ARGS', `field 'scope': positions belong to the account and its instruments, not to a strategy; flatten a symbol or the account`);
      }
      // FLATTEN = KILL (confirmed), then close every position; fills that raced the cancels are closed in a further round
      const killed = trading({ name: 'kill', args: { reason: `FLATTEN: ${reason ?? 'manual flatten'}`, scope } }) as { targets: string[] };
      const k = await waitForKill(e, killed.targets, scope);
      let flattenOrders = 0;
      const deadline = Date.now() + KILL_WAIT_MS;
      for (let round = 0; round < 3; round++) {
        flattenOrders += trading({ name: 'closePositions', args: { reason, scope } }) as number;
        while (e.running && Date.now() < deadline && e.oms.openOrders().some((o) => o.source === 'flatten')) {
          await new Promise((res) => setTimeout(res, 10));
        }
        const left = e.portfolio.positions().filter((p) => !(scope && 'symbol' in scope) || p.symbol === scope.symbol);
        if (left.length === 0 || !e.running || Date.now() >= deadline) break;
      }
      const r = { flattenOrders };
      const sc = scope && 'symbol' in scope ? scope.symbol : undefined;
      const positionsLeft = e.portfolio.positions().filter((p) => !sc || p.symbol === sc).length;
      if (positionsLeft > 0) {
        e.alerts.raise('critical', 'FLATTEN_INCOMPLETE', `FLATTEN: ${positionsLeft} position(s) still open (markets closed or orders unfilled)`, 'risk');
      }
      return { ...k, status: e.status(), flattenOrders: r.flattenOrders, positionsLeft };
    },
    getRiskLimits: () => ({ risk: { ...e.risk.currentLimits }, monitor: { ...e.config.monitor } }),
    setRiskLimits: ({ risk, monitor, confirmLoosening, reason }) => {
      if (e.readOnly) throw new ApiFailure('READ_ONLY', `'setRiskLimits' refused: read-only`);
      const nextRisk = RiskLimits.safeParse({ ...e.risk.currentLimits, ...(risk ?? {}) });
      if (!nextRisk.success) throw new ApiFailure('BAD_LIMIT', `risk limits: ${describeZodError(nextRisk.error)}`);
      const nextMon = MonitorConfig.safeParse({ ...e.config.monitor, ...(monitor ?? {}) });
      if (!nextMon.success) throw new ApiFailure('BAD_LIMIT', `monitor settings: ${describeZodError(nextMon.error)}`);
      const unknown = [
        ...Object.keys(risk ?? {}).filter((k) => !(k in e.risk.currentLimits)).map((k) => `risk.${k}`),
        ...Object.keys(monitor ?? {}).filter((k) => !(k in e.config.monitor)).map((k) => `monitor.${k}`),
      ];
      if (unknown.length) throw new ApiFailure('BAD_LIMIT', `unknown setting(s): ${unknown.join(', ')}`);
      const loosened: string[] = [];
      const tightened: string[] = [];
      const changed: string[] = [];
      const cmp = (kind: 'risk' | 'monitor', before: Record<string, unknown>, after: Record<string, unknown>) => {
        for (const k of Object.keys(after)) {
          const b = before[k];
          const a = after[k];
          if (b === a) continue;
          changed.push(`${kind}.${k}: ${String(b)} -> ${String(a)}`);
          if (typeof a === 'number' && typeof b === 'number') {
            const c = classify(kind, k, b, a);
            if (c === 'looser') loosened.push(`${kind}.${k}`);
            else if (c === 'tighter') tightened.push(`${kind}.${k}`);
          } else loosened.push(`${kind}.${k}`);
        }
      };
      cmp('risk', e.risk.currentLimits as unknown as Record<string, unknown>, nextRisk.data as unknown as Record<string, unknown>);
      cmp('monitor', e.config.monitor as unknown as Record<string, unknown>, nextMon.data as unknown as Record<string, unknown>);
      if (loosened.length && !confirmLoosening) {
        throw new ApiFailure('CONFIRM_REQUIRED', `loosening ${loosened.join(', ')} needs confirmation (confirmLoosening: true)`);
      }
      e.touch('risk');
      if (changed.length) {
        trading({ name: 'setRiskLimits', args: { risk: nextRisk.data, monitor: nextMon.data, changed, reason: reason ?? 'limits edited' } });
        e.alerts.raise(loosened.length ? 'warning' : 'info', 'LIMITS_CHANGED', `risk settings changed by operator: ${changed.join('; ')}`, 'risk');
      }
      return { risk: { ...e.risk.currentLimits }, monitor: { ...e.config.monitor }, loosened, tightened };
    },
    whatIf: (o) => {
      // the same argument rules as submitOrder, so a what-if never approves what a send would refuse
      checkManualOrder(e, o);
      const d = e.risk.check({ symbol: o.symbol, side: o.side, qty: o.qty, limitPrice: o.limitPrice, source: 'manual' }, e.oms.view);
      return { approved: d.approved, reason: d.reason, checks: d.checks };
    },
    riskAnalytics: async () => {
      const r = await portfolioAnalytics(e);
      const var95 = r.var.find((v) => v.confidence === 0.95)?.historical ?? null;
      e.lastVar95 = var95;
      e.touch('risk');
      return r;
    },
    // annualized on the days the account's curve has: every calendar day when it is marked on weekends
    accountMetrics: () => accountMetrics(e.equityCurve, daysPerYearOf(e.equityCurve.map((p) => p[0]))),
    // on a worker thread: a keychain that stalls or asks to be unlocked holds the worker, not the engine
    credentialStatus: () => keychainAsync(credentialStatusAll()),
    setCredentials: async ({ venue, fields }) => {
      const st = await keychainAsync(storeCredentials(venue, fields));
      e.record('credential', { venue, action: 'set', fields: st.fields, actor: 'operator' });
      e.alerts.raise('info', 'CREDENTIALS_CHANGED', `credentials for ${venue} stored in the OS keychain (${st.fields.join(', ')})`, 'settings');
      return st;
    },
    deleteCredentials: async ({ venue }) => {
      const { removed, status } = await keychainAsync(removeCredentials(venue));
      if (removed) e.record('credential', { venue, action: 'delete', fields: [], actor: 'operator' });
      return status;
    },
    testCredentials: async ({ venue, endpoints }) => {
      const id = venue === 'alpaca' ? 'alpaca-paper' : venue;
      try {
        const cfg = { ...e.config, venue: id, endpoints: { ...e.config.endpoints, ...(endpoints ?? {}) }, mode: id === 'alpaca-live' ? ('live' as const) : e.config.mode };
        const creds = await keychainAsync(readCredentials(credentialIdFor(id)));
        const v = createVenue(cfg, new LiveClock(), undefined, creds);
        const acct = await v.getAccount();
        return { ok: true, message: `${id}: connected; equity ${acct.equity.toFixed(2)}, buying power ${acct.buyingPower.toFixed(2)}` };
      } catch (err) {
        return { ok: false, message: `${id}: ${(err as Error).message}` };
      }
    },
    reconciliation: () => e.reconciliation,
    acknowledgeDifference: ({ id }) => {
      if (!e.acknowledgeDifference(id)) throw new ApiFailure('UNKNOWN_DIFFERENCE', `no open reconciliation difference '${id}'`);
      return e.reconciliation;
    },
    acknowledgeAlert: ({ id }) => {
      const r = e.alerts.acknowledge(id, e.now());
      if ('refused' in r) throw new ApiFailure(r.refused, r.message);
      e.record('alert.ack', { id, code: r.alert.code, actor: 'operator' });
      e.touch('alerts');
      return r.alert;
    },
    venueHealth: () => {
      const h = (e.venue as { health?: () => unknown }).health?.();
      const counters: Record<string, number> = {};
      const walk = (prefix: string, v: unknown) => {
        if (typeof v === 'number' && Number.isFinite(v)) counters[prefix] = v;
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
      };
      walk('', h);
      const venueCount = Object.keys(counters).length;
      // the strategies' evaluation interval and the quote cache, next to the venue's counters
      Object.assign(counters, e.signals.counters());
      return {
        venue: e.venue.id,
        counters,
        detail: `${h === undefined ? 'the simulator has no venue counters' : `${venueCount} venue counters`}; strategies, evaluation interval and quote cache below`,
        eventLoop: e.loopLag.report(),
        apiBudget: e.apiBudget(),
        venueLatency: e.venueLatency.report(),
        journalBytes: e.options.dataDir && e.journal ? journalBytes(e.options.dataDir) : null,
      };
    },
    // stale: no data for the limit (data-quality monitor) or no quote for it (the risk monitor, which acted on it)
    dataQuality: () => e.quality.reports().map((r) => ({ ...r, lastTs: r.lastTs ?? null, stale: r.stale || e.monitor.isStale(r.symbol) })),
    getSettings: () => {
      const dir = e.options.dataDir;
      return { liveTradingEnabled: dir ? readSettings(dir).liveTrading.enabled : false, confirmationPhrase: LIVE_CONFIRMATION };
    },
    setLiveTrading: ({ enabled, confirmation }) => {
      const dir = e.options.dataDir;
      if (!dir) throw new ApiFailure('NO_DATA_DIR', 'settings need a data dir');
      if (readSettings(dir).liveTrading.enabled === enabled) return { liveTradingEnabled: enabled, confirmationPhrase: LIVE_CONFIRMATION };
      try {
        setLiveTrading(dir, enabled, confirmation, Date.now());
      } catch (err) {
        throw new ApiFailure((err as { code?: string }).code ?? 'SETTINGS', (err as Error).message);
      }
      e.record('config', { actor: 'operator', changed: [`liveTrading.enabled -> ${enabled}`], reason: 'settings' });
      e.alerts.raise(enabled ? 'warning' : 'info', 'LIVE_TRADING', `live trading ${enabled ? 'ENABLED' : 'disabled'} (takes effect when a live venue is started)`, 'settings');
      return { liveTradingEnabled: enabled, confirmationPhrase: LIVE_CONFIRMATION };
    },
    closePosition: ({ symbol }) => {
      if (e.readOnly) throw new ApiFailure('READ_ONLY', `'closePosition' refused: this engine shows a journal read-only and does not trade`);
      const args = closeOrderFor(e, symbol);
      const r = trading({ name: 'closePosition', args }) as { approved: boolean; clientOrderId: string; reason: string };
      if (!r.approved) throw new ApiFailure('RISK_DENIED', `close ${symbol} denied by the risk engine: ${r.reason}`);
      return { clientOrderId: r.clientOrderId, side: args.side, qty: args.qty };
    },
    cancelOrder: ({ clientOrderId }) => trading({ name: 'cancelOrder', args: { clientOrderId } }) as { requested: boolean; reason: string },
    replaceOrder: ({ clientOrderId, qty, limitPrice }) => {
      if (qty === undefined && limitPrice === undefined) throw new ApiFailure('BAD_ARGS', `give 'qty' and/or 'limitPrice' to modify`);
      return trading({ name: 'replaceOrder', args: { clientOrderId, qty, limitPrice } }) as { requested: boolean; reason: string };
    },
    submitOrder: (o) => {
      checkManualOrder(e, o);
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
    ...buildBacktestHandlers({ bars: (symbols, limit) => e.bars(symbols, limit), knownSymbol: (s) => e.instrumentsBySymbol.has(s) }),
  };
}

/**
 * The opposing market order that closes `symbol`'s position, or a refusal
 * naming why nothing can be sent: no position; open orders on the symbol (on
 * the closing side both could fill and flip the position; on the other side one
 * would re-open it after the close); the symbol's trading state HALTED.
 */
function closeOrderFor(e: EngineContext, symbol: string): { symbol: string; side: 'buy' | 'sell'; qty: number } {
  if (!e.instrumentsBySymbol.has(symbol)) throw new ApiFailure('UNKNOWN_SYMBOL', `unknown symbol '${symbol}'`);
  const pos = e.portfolio.positions().find((p) => p.symbol === symbol);
  if (!pos || pos.qty === 0) throw new ApiFailure('NO_POSITION', `no open position in ${symbol} to close`);
  const side = pos.qty > 0 ? 'sell' : 'buy';
  const open = e.oms.openOrders(symbol);
  if (open.length > 0) {
    // closing side: both could fill and flip the position; the other side: it would grow the position again after the close
    const closing = open.filter((o) => o.side === side).length;
    const parts = [
      closing ? `${closing} ${side} order(s) would also reduce this position` : '',
      open.length - closing ? `${open.length - closing} ${side === 'sell' ? 'buy' : 'sell'} order(s) would grow it again after the close` : '',
    ].filter(Boolean);
    throw new ApiFailure('OPEN_ORDERS', `${open.length} open order(s) on ${symbol}: ${parts.join(', ')}; cancel them first`);
  }
  const state = e.risk.effectiveState('manual', symbol);
  if (state === 'HALTED') throw new ApiFailure('TRADING_HALTED', `trading is HALTED for ${symbol}: a close goes through FLATTEN, or RESUME first`);
  return { symbol, side, qty: Math.abs(pos.qty) };
}

/** Keychain work (on the credentials worker); a keychain or credentials error becomes the API's failure with its code (the UI names the field or says there is no keychain), others stay as they are. */
function keychainAsync<T>(p: Promise<T>): Promise<T> {
  return p.catch((err: unknown) => {
    const code = (err as { code?: string }).code;
    throw code === 'KEYCHAIN_UNAVAILABLE' || code === 'CREDENTIALS_INVALID' || code === 'CREDENTIALS_MISSING' ? new ApiFailure(code, (err as Error).message) : err;
  });
}

/**
 * KILL, part two: wait (retrying the cancels) until the venue has nothing open
 * in scope. With `flattening`, the flatten orders themselves may stay working.
 */
async function waitForKill(
  e: EngineContext,
  targets: string[],
  scope?: StateScope,
  flattening = false,
): Promise<{ status: EngineStatus; canceled: number; stillOpen: number }> {
  const target = new Set(targets);
  const remaining = () => [...target].filter((id) => {
    const o = e.oms.get(id);
    return o !== undefined && ['pending_new', 'accepted', 'partially_filled', 'pending_cancel'].includes(o.status);
  });
  const others = () => (flattening ? [] : ordersIn(e, scope).filter((id) => !target.has(id) && e.oms.get(id)?.source !== 'flatten'));
  const deadline = Date.now() + KILL_WAIT_MS;
  let lastRetry = Date.now();
  while ((remaining().length > 0 || others().length > 0) && e.running && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    if (Date.now() - lastRetry > KILL_RETRY_MS) {
      lastRetry = Date.now();
      for (const id of [...remaining(), ...others()]) e.oms.cancel(id);
    }
  }
  const stillOpen = remaining().length + others().length;
  if (stillOpen > 0) {
    e.alerts.raise('critical', 'KILL_INCOMPLETE', `KILL: ${stillOpen} order(s) still open at the venue after ${KILL_WAIT_MS} ms`, 'risk');
  }
  const canceled = targets.filter((id) => e.oms.get(id)?.status === 'canceled').length;
  return { status: e.status(), canceled, stillOpen };
}
