// Manual order ticket: the watchlist's symbol, side, type, quantity, limit
// price (prefilled from the quote, rounded to the tick) and time in force. As
// the fields change a debounced whatIf shows every pre-trade check with its
// value and limit BEFORE anything is sent; Send goes through submitOrder (the
// same checks, on the engine) and shows accepted or denied with the reason.
// Execution: Direct, or a TWAP / VWAP / Iceberg parent (lib/ticket-algo.ts).
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CommandResult, ManualOrder, RiskCheck } from '../../../shared/api/contract.js';
import type { Instrument, OrderSide, OrderType, Quote, TimeInForce } from '../../../shared/domain.js';
import { checkLabel, checkLimit, checkValue, failedFirst } from '../lib/checks.js';
import { decimalsForTick, fmtMoney, fmtPrice, fmtQty } from '../lib/format.js';
import { useInstrumentMap } from '../lib/instruments.js';
import { selectSymbol, useDesk } from '../store/desk-store.js';
import { useRiskUi } from '../store/risk-store.js';
import { setTicket, useTicket } from '../store/ticket-store.js';
import { buildAlgo, EXEC_CHOICES, type AlgoFieldErrors, type ExecChoice } from '../lib/ticket-algo.js';
import { errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';
import './order-ticket-algo.css';
import './order-ticket-theme.css';

export const WHATIF_DEBOUNCE_MS = 250;

type WhatIf = CommandResult<'whatIf'>;

function roundToTick(price: number, inst: Instrument | undefined): string {
  const tick = inst?.tickSize ?? 0.01;
  const d = decimalsForTick(tick) ?? 2;
  return (Math.round(price / tick) * tick).toFixed(d);
}

function midOf(q: Quote | undefined): number | undefined {
  return q && q.bid > 0 && q.ask > 0 ? (q.bid + q.ask) / 2 : undefined;
}

function parsePositive(text: string): number | null {
  const t = text.trim().replace(/,/g, '');
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) && n > 0 ? n : NaN;
}

/** The order the fields describe, or why they do not describe one yet. */
function buildOrder(
  symbol: string | null,
  side: OrderSide,
  type: OrderType,
  tif: TimeInForce,
  qtyText: string,
  limitText: string,
): { order: ManualOrder | null; qtyError: string | null; limitError: string | null } {
  const qty = parsePositive(qtyText);
  const limit = type === 'limit' ? parsePositive(limitText) : null;
  const qtyError = qty === null ? null : Number.isNaN(qty) ? 'Quantity must be a positive number' : null;
  const limitError = type !== 'limit' || limit === null ? null : Number.isNaN(limit) ? 'Limit price must be a positive number' : null;
  if (!symbol || qty === null || Number.isNaN(qty) || (type === 'limit' && (limit === null || Number.isNaN(limit)))) {
    return { order: null, qtyError, limitError };
  }
  const order: ManualOrder = { symbol, side, type, qty, timeInForce: tif };
  if (type === 'limit' && limit !== null) order.limitPrice = limit;
  return { order, qtyError, limitError };
}

export function OrderTicket() {
  const client = useClient();
  const connected = useDesk((s) => s.connection === 'open' && s.synced);
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const instruments = useDesk((s) => s.instruments);
  const symbol = useDesk((s) => s.selected);
  const quote = useDesk((s) => (s.selected ? s.quotes[s.selected] : undefined));
  const lastClose = useDesk((s) => (s.selected ? s.bars[s.selected]?.at(-1)?.close : undefined));
  const position = useDesk((s) => s.positions.find((p) => p.symbol === s.selected)?.qty ?? 0);
  const stateKey = useDesk((s) => JSON.stringify(s.status?.scopedStates ?? []));
  const limitsAt = useRiskUi((s) => s.settingsAt);
  const byId = useInstrumentMap();
  const inst = symbol ? byId.get(symbol) : undefined;
  const d = decimalsForTick(inst?.tickSize);
  const t = useTicket();
  const ref = midOf(quote) ?? lastClose;

  // Prefill the limit price from the quote once per symbol / side / type, unless typed by hand.
  const filledFor = useRef('');
  const prevSymbol = useRef(symbol);
  useEffect(() => {
    if (prevSymbol.current !== symbol) {
      prevSymbol.current = symbol;
      if (useTicket.getState().limitTouched) setTicket({ limitTouched: false });
      filledFor.current = '';
    }
  }, [symbol]);
  const fillKey = `${symbol}|${t.side}|${t.type}`;
  useEffect(() => {
    if (t.type !== 'limit' || t.limitTouched || ref === undefined || filledFor.current === fillKey) return;
    filledFor.current = fillKey;
    setTicket({ limit: roundToTick(ref, inst) });
  }, [fillKey, t.type, t.limitTouched, ref, inst]);

  const { order, qtyError, limitError } = useMemo(
    () => buildOrder(symbol, t.side, t.type, t.tif, t.qty, t.limit),
    [symbol, t.side, t.type, t.tif, t.qty, t.limit],
  );
  const { algo, errors: algoErrors } = useMemo(
    () => buildAlgo({ exec: t.exec, durationMin: t.durationMin, sliceSec: t.sliceSec, capPct: t.capPct, displayQty: t.displayQty }, t.type, order?.qty ?? null),
    [t.exec, t.durationMin, t.sliceSec, t.capPct, t.displayQty, t.type, order?.qty],
  );
  const algoOk = t.exec === 'direct' || algo !== undefined;
  const ticketOrder: ManualOrder | null = order && algoOk ? (algo ? { ...order, algo } : order) : null;
  const orderKey = ticketOrder ? JSON.stringify(ticketOrder) : '';

  // Live what-if: debounced, only the newest answer is shown.
  const [refresh, setRefresh] = useState(0);
  const [whatIf, setWhatIf] = useState<{ key: string; result: WhatIf | null; error: string | null } | null>(null);
  const [checking, setChecking] = useState(false);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    if (!client || !connected || !ticketOrder) {
      setChecking(false);
      return;
    }
    setChecking(true);
    const timer = setTimeout(() => {
      client.call('whatIf', ticketOrder).then(
        (result) => {
          if (my !== seq.current) return;
          setWhatIf({ key: orderKey, result, error: null });
          setChecking(false);
        },
        (e: unknown) => {
          if (my !== seq.current) return;
          setWhatIf({ key: orderKey, result: null, error: errorMessage(e) });
          setChecking(false);
        },
      );
    }, WHATIF_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `ticketOrder` is derived from orderKey; a trading state or a limits change re-checks it.
  }, [client, connected, orderKey, stateKey, limitsAt, refresh]);
  const current = whatIf && whatIf.key === orderKey && ticketOrder ? whatIf : null;

  const [sending, setSending] = useState(false);
  const send = async () => {
    if (!client || !ticketOrder) return;
    setSending(true);
    try {
      const r = await client.call('submitOrder', ticketOrder);
      setTicket({ result: { ...r, symbol: ticketOrder.symbol, side: ticketOrder.side, qty: ticketOrder.qty }, sendError: null });
    } catch (e) {
      setTicket({ result: null, sendError: errorMessage(e) });
    } finally {
      setSending(false);
      setRefresh((n) => n + 1);
    }
  };

  const qtyNum = order?.qty ?? null;
  const px = t.type === 'limit' ? (order?.limitPrice ?? null) : (ref ?? null);
  const notional = qtyNum !== null && px !== null ? qtyNum * px : null;
  const canSend = client !== null && connected && !readOnly && ticketOrder !== null && !sending;
  const verdict = current?.result ?? null;
  const failed = verdict ? verdict.checks.filter((c) => !c.passed) : [];

  return (
    <div className="ticket" data-testid="order-ticket" data-symbol={symbol ?? ''}>
      <div className="tk-head">
        <label className="tk-symbol">
          <span className="tk-label">Symbol</span>
          <select
            className="ctl-select tk-select"
            data-testid="ticket-symbol"
            value={symbol ?? ''}
            onChange={(e) => selectSymbol(e.target.value)}
            title="The ticket trades the watchlist selection"
          >
            {instruments.map((i) => (
              <option key={i.symbol} value={i.symbol}>
                {i.symbol}
              </option>
            ))}
          </select>
        </label>
        <div className="tk-quote">
          <button
            type="button"
            className="tk-px tk-bid"
            title="Use the bid as the limit price"
            disabled={!quote}
            onClick={() => quote && setTicket({ type: 'limit', limit: roundToTick(quote.bid, inst), limitTouched: true })}
          >
            <span>Bid</span>
            {fmtPrice(quote?.bid, d)}
          </button>
          <button
            type="button"
            className="tk-px tk-ask"
            title="Use the ask as the limit price"
            disabled={!quote}
            onClick={() => quote && setTicket({ type: 'limit', limit: roundToTick(quote.ask, inst), limitTouched: true })}
          >
            <span>Ask</span>
            {fmtPrice(quote?.ask, d)}
          </button>
        </div>
        <div className="tk-pos" data-testid="ticket-position" data-qty={position}>
          <span className="tk-label">Position</span>
          <b className={position > 0 ? 'up' : position < 0 ? 'down' : 'flat'}>{fmtQty(position, true)}</b>
        </div>
      </div>

      <div className="tk-grid">
        <div className="tk-field">
          <span className="tk-label">Side</span>
          <div className="seg" role="radiogroup" aria-label="Side" data-testid="ticket-side" data-value={t.side}>
            {(['buy', 'sell'] as const).map((s) => (
              <button
                key={s}
                type="button"
                role="radio"
                aria-checked={t.side === s}
                data-option={s}
                className={`seg-btn seg-${s} ${t.side === s ? 'on' : ''}`}
                onClick={() => setTicket({ side: s })}
              >
                {s}
              </button>
            ))}
          </div>
        </div>
        <div className="tk-field">
          <span className="tk-label">Type</span>
          <div className="seg" role="radiogroup" aria-label="Order type" data-testid="ticket-type" data-value={t.type}>
            {(['market', 'limit'] as const).map((ty) => (
              <button
                key={ty}
                type="button"
                role="radio"
                aria-checked={t.type === ty}
                data-option={ty}
                className={`seg-btn ${t.type === ty ? 'on' : ''}`}
                onClick={() => setTicket({ type: ty })}
              >
                {ty}
              </button>
            ))}
          </div>
        </div>
        <label className="tk-field">
          <span className="tk-label">TIF</span>
          <select className="ctl-select tk-select" data-testid="ticket-tif" value={t.tif} onChange={(e) => setTicket({ tif: e.target.value as TimeInForce })}>
            <option value="day">DAY</option>
            <option value="gtc">GTC</option>
            <option value="ioc">IOC</option>
          </select>
        </label>
        <label className="tk-field">
          <span className="tk-label">Quantity{inst ? <span className="muted"> · lot {fmtQty(inst.lotSize)}</span> : null}</span>
          <input
            className={`ctl-input tk-input ${qtyError ? 'invalid' : ''}`}
            data-testid="ticket-qty"
            inputMode="decimal"
            autoComplete="off"
            placeholder="0"
            value={t.qty}
            onChange={(e) => setTicket({ qty: e.target.value })}
          />
        </label>
        <label className="tk-field">
          <span className="tk-label">
            Limit price
            {t.type === 'limit' && ref !== undefined && (
              <button
                type="button"
                className="tk-refill"
                title="Refill from the current mid"
                onClick={(e) => {
                  e.preventDefault();
                  setTicket({ limit: roundToTick(ref, inst), limitTouched: false });
                }}
              >
                ↺ mid
              </button>
            )}
          </span>
          <input
            className={`ctl-input tk-input ${limitError ? 'invalid' : ''}`}
            data-testid="ticket-limit"
            inputMode="decimal"
            autoComplete="off"
            disabled={t.type !== 'limit'}
            placeholder={t.type === 'limit' ? '0.00' : 'market'}
            value={t.type === 'limit' ? t.limit : ''}
            onChange={(e) => setTicket({ limit: e.target.value, limitTouched: true })}
          />
        </label>
        <div className="tk-field">
          <span className="tk-label">Notional ≈</span>
          <span className="tk-notional" data-testid="ticket-notional">
            {notional !== null ? fmtMoney(notional) : '—'}
          </span>
        </div>
      </div>
      {(qtyError || limitError) && <div className="tk-invalid">{qtyError ?? limitError}</div>}
      <AlgoFieldsRow exec={t.exec} type={t.type} errors={algoErrors} />

      <div className="tk-actions">
        <button
          type="button"
          className={`btn tk-send send-${t.side}`}
          data-testid="ticket-send"
          disabled={!canSend}
          onClick={() => void send()}
          title={readOnly ? 'Read-only: trading is off' : 'Submit through the risk engine (the same checks as the what-if)'}
        >
          {sending
            ? 'Sending…'
            : `${t.side} ${order ? fmtQty(order.qty) : ''} ${symbol ?? ''} ${t.type === 'limit' ? `@ ${fmtPrice(order?.limitPrice, d)}` : 'MKT'}${t.exec === 'direct' ? '' : ` · ${t.exec.toUpperCase()}`}`}
        </button>
        <div
          className={`tk-verdict ${verdict ? (verdict.approved ? 'ok' : 'bad') : ''}`}
          data-testid="whatif-verdict"
          data-approved={verdict ? verdict.approved : ''}
          data-pending={checking}
        >
          {!order && <span className="muted">Enter a quantity{t.type === 'limit' ? ' and a limit price' : ''} to check the order.</span>}
          {order && !algoOk && <span className="muted">Fix the execution settings to check the order.</span>}
          {order && current?.error && <span className="down">What-if failed: {current.error}</span>}
          {order && verdict && verdict.approved && <span>✓ All {verdict.checks.length} pre-trade checks pass</span>}
          {order && verdict && !verdict.approved && (
            <span title={verdict.reason}>
              ✗ {failed.length} of {verdict.checks.length} checks fail: {verdict.reason}
            </span>
          )}
          {ticketOrder && !current && <span className="muted">Checking…</span>}
        </div>
      </div>

      {t.sendError && (
        <div className="tk-result bad" role="alert" data-testid="ticket-result" data-accepted="false">
          <b>NOT SENT</b> {t.sendError}
        </div>
      )}
      {t.result && !t.sendError && (
        <div
          className={`tk-result ${t.result.accepted ? 'ok' : 'bad'}`}
          role="status"
          data-testid="ticket-result"
          data-accepted={t.result.accepted}
          data-order-id={t.result.clientOrderId}
        >
          <b>{t.result.accepted ? 'ACCEPTED' : 'DENIED'}</b>
          <span>
            {t.result.side.toUpperCase()} {fmtQty(t.result.qty)} {t.result.symbol}
          </span>
          <span className="tk-result-reason" title={t.result.reason}>
            {t.result.reason}
          </span>
          <span className="muted mono" title={t.result.clientOrderId}>
            {t.result.clientOrderId.split('-').slice(-2).join('-')}
          </span>
        </div>
      )}

      {order && verdict && <CheckTable checks={verdict.checks} stale={checking} />}
    </div>
  );
}

/** One algorithm field: its label, the input, and the reason it is refused beside it. */
function AlgoInput({ field, label, placeholder, error }: { field: 'durationMin' | 'sliceSec' | 'capPct' | 'displayQty'; label: string; placeholder: string; error?: string }) {
  const value = useTicket((s) => s[field]);
  const errId = `tk-err-${field}`;
  return (
    <label className="tk-field">
      <span className="tk-label">{label}</span>
      <input
        className={`ctl-input tk-input ${error ? 'invalid' : ''}`}
        data-testid={`ticket-${field}`}
        inputMode="decimal"
        autoComplete="off"
        placeholder={placeholder}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errId : undefined}
        onChange={(e) => setTicket({ [field]: e.target.value })}
      />
      {error && (
        <span className="tk-field-error" id={errId} data-testid={`ticket-${field}-error`}>
          {error}
        </span>
      )}
    </label>
  );
}

/** The Execution choice and the fields the chosen algorithm takes (blank = the engine's default). */
function AlgoFieldsRow({ exec, type, errors }: { exec: ExecChoice; type: OrderType; errors: AlgoFieldErrors }) {
  return (
    <div className="tk-grid tk-algo" data-testid="ticket-algo" data-exec={exec}>
      <label className="tk-field">
        <span className="tk-label">Execution</span>
        <select
          className={`ctl-select tk-select ${errors.exec ? 'invalid' : ''}`}
          data-testid="ticket-exec"
          value={exec}
          aria-invalid={errors.exec ? true : undefined}
          aria-describedby={errors.exec ? 'tk-err-exec' : undefined}
          onChange={(e) => setTicket({ exec: e.target.value as ExecChoice })}
          title="Direct sends one order; an algorithm works it as a parent that sends child orders"
        >
          {EXEC_CHOICES.map((c) => (
            <option key={c.value} value={c.value} disabled={c.value === 'iceberg' && type !== 'limit'}>
              {c.label}
              {c.value === 'iceberg' && type !== 'limit' ? ' (limit only)' : ''}
            </option>
          ))}
        </select>
        {errors.exec && (
          <span className="tk-field-error" id="tk-err-exec" data-testid="ticket-exec-error">
            {errors.exec}
          </span>
        )}
      </label>
      {(exec === 'twap' || exec === 'vwap') && (
        <>
          <AlgoInput field="durationMin" label="Duration (min)" placeholder="30" error={errors.durationMin} />
          <AlgoInput field="sliceSec" label="Slice (s)" placeholder="60" error={errors.sliceSec} />
          <AlgoInput field="capPct" label="Participation cap (%)" placeholder="10" error={errors.capPct} />
        </>
      )}
      {exec === 'iceberg' && <AlgoInput field="displayQty" label="Display quantity" placeholder="10% of qty" error={errors.displayQty} />}
    </div>
  );
}

function CheckTable({ checks, stale }: { checks: readonly RiskCheck[]; stale: boolean }) {
  const rows = failedFirst(checks);
  return (
    <table className={`grid-table whatif-table ${stale ? 'stale' : ''}`} aria-busy={stale} data-testid="whatif-checks">
      <thead>
        <tr>
          <th className="l">Pre-trade check</th>
          <th>Value</th>
          <th>Limit</th>
          <th className="c">Result</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.check} className={c.passed ? '' : 'check-failed'} data-testid="whatif-check" data-check={c.check} data-passed={c.passed} title={c.passed ? undefined : c.message}>
            <td className="l">{checkLabel(c.check)}</td>
            <td className="num">{checkValue(c)}</td>
            <td className="num muted">{checkLimit(c)}</td>
            <td className="c">
              <span className={`verdict ${c.passed ? 'pass' : 'fail'}`}>{c.passed ? 'PASS' : 'FAIL'}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
