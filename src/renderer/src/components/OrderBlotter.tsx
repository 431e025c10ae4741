// Order blotter (the body of the dock's Blotter tab): open orders first, then
// the most recent finished ones; status colored; Cancel on cancelable orders
// (off when the engine is read-only); denied/rejected rows show their reason;
// a row click opens the decision that produced the order (same client order id).
import { memo, useMemo, useState } from 'react';
import type { Order } from '../../../shared/domain.js';
import { fmtPrice, fmtQty, fmtTime, DASH } from '../lib/format.js';
import { priceDecimals, useInstrumentMap } from '../lib/instruments.js';
import { blotterRows, isCancelable } from '../lib/orders.js';
import { errorMessage } from '../transport/errors.js';
import { openDecision, useDecisionUi } from '../store/decision-store.js';
import { notify, selectSymbol, useDesk } from '../store/desk-store.js';
import { useClient } from './client-context.js';

const MAX_FINISHED_ROWS = 250;
const ID_CHARS = 16;

/** Client order ids share a long session prefix: show their distinctive tail. */
function shortId(id: string): string {
  return id.length > ID_CHARS ? `…${id.slice(-ID_CHARS)}` : id;
}

/** Counts shown in the dock header while the Blotter tab is active. */
export function BlotterSummary() {
  const orders = useDesk((s) => s.orders);
  const status = useDesk((s) => s.status);
  const { open, hidden } = useMemo(() => blotterRows(orders, MAX_FINISHED_ROWS), [orders]);
  return (
    <span className="muted">
      <b className="open-count">{open}</b> open · {orders.length} total
      {status ? ` · ${status.ordersSubmitted} submitted · ${status.ordersDenied} denied · ${status.fills} fills` : ''}
      {hidden > 0 ? ` · ${hidden} older hidden` : ''}
    </span>
  );
}

export function OrderBlotter() {
  const orders = useDesk((s) => s.orders);
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const openId = useDecisionUi((s) => s.openId);
  const { rows } = useMemo(() => blotterRows(orders, MAX_FINISHED_ROWS), [orders]);
  const instruments = useInstrumentMap();
  return (
    <div className="dock-pane" data-testid="order-blotter">
      <table className="grid-table blotter">
        <thead>
          <tr>
            <th className="l">Time</th>
            <th className="l">Id</th>
            <th className="l">Symbol</th>
            <th className="l">Side</th>
            <th className="l">Type</th>
            <th>Qty</th>
            <th>Filled</th>
            <th>Limit</th>
            <th>Avg fill</th>
            <th className="l">Status</th>
            <th className="l">Source</th>
            <th className="l reason-col">Reason</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((o) => (
            <OrderRow
              key={o.clientOrderId}
              order={o}
              decimals={priceDecimals(instruments, o.symbol)}
              readOnly={readOnly}
              selected={o.clientOrderId === openId}
            />
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={13} className="empty">
                No orders yet
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

interface OrderRowProps {
  order: Order;
  decimals: number | undefined;
  readOnly: boolean;
  selected: boolean;
}

const OrderRow = memo(function OrderRow({ order: o, decimals, readOnly, selected }: OrderRowProps) {
  return (
    <tr
      data-testid="order-row"
      data-status={o.status}
      data-order-id={o.clientOrderId}
      className={`status-${o.status} clickable ${selected ? 'selected' : ''}`}
      title="Open the decision behind this order"
      onClick={() => openDecision(o.clientOrderId)}
    >
      <td className="l mono" title={new Date(o.createdAt).toISOString()}>
        {fmtTime(o.createdAt)}
      </td>
      <td className="l mono id-cell" title={o.venueOrderId ? `${o.clientOrderId} · venue ${o.venueOrderId}` : o.clientOrderId}>
        <span className="decision-link" data-testid="order-decision-link">
          {shortId(o.clientOrderId)}
        </span>
      </td>
      <td
        className="l sym clickable"
        title="Show on the chart"
        onClick={(e) => {
          e.stopPropagation();
          selectSymbol(o.symbol);
        }}
      >
        {o.symbol}
      </td>
      <td className={`l side-${o.side}`}>{o.side.toUpperCase()}</td>
      <td className="l">
        {o.type}
        <span className="muted"> {o.timeInForce}</span>
      </td>
      <td className="num">{fmtQty(o.qty)}</td>
      <td className="num">{o.filledQty > 0 ? fmtQty(o.filledQty) : DASH}</td>
      <td className="num">{o.limitPrice !== undefined ? fmtPrice(o.limitPrice, decimals) : DASH}</td>
      <td className="num">{o.filledQty > 0 ? fmtPrice(o.avgFillPrice, decimals) : DASH}</td>
      <td className="l">
        <span className={`status-pill st-${o.status}`} data-testid="order-status">
          {o.status.replace('_', ' ')}
        </span>
      </td>
      <td className="l muted">{o.source}</td>
      <td className="l reason-col" title={o.reason}>
        {o.reason}
      </td>
      <td className="action-col" onClick={(e) => e.stopPropagation()}>
        {isCancelable(o) ? (
          <CancelButton id={o.clientOrderId} readOnly={readOnly} />
        ) : o.status === 'pending_cancel' ? (
          <span className="muted">canceling…</span>
        ) : null}
      </td>
    </tr>
  );
});

function CancelButton({ id, readOnly }: { id: string; readOnly: boolean }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const cancel = async () => {
    if (!client) return;
    setBusy(true);
    try {
      const r = await client.call('cancelOrder', { clientOrderId: id });
      if (!r.requested) notify('error', `Cancel ${id} not sent: ${r.reason}`);
    } catch (e) {
      notify('error', `Cancel ${id} failed: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      className="btn btn-xs"
      data-testid="cancel-order"
      disabled={busy || readOnly}
      title={readOnly ? 'Read-only: trading is off' : 'Cancel this order'}
      onClick={() => void cancel()}
    >
      {busy ? '…' : 'Cancel'}
    </button>
  );
}
