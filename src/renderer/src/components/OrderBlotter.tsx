// Order blotter: open orders first, then the most recent finished ones; status
// colored; Cancel on cancelable orders; denied/rejected rows show their reason.
import { memo, useMemo, useState } from 'react';
import type { Order } from '../../../shared/domain.js';
import { fmtPrice, fmtQty, fmtTime, DASH } from '../lib/format.js';
import { priceDecimals, useInstrumentMap } from '../lib/instruments.js';
import { blotterRows, isCancelable } from '../lib/orders.js';
import { errorMessage } from '../transport/errors.js';
import { notify, selectSymbol, useDesk } from '../store/desk-store.js';
import { useClient } from './client-context.js';
import { Panel } from './Panel.js';

const MAX_FINISHED_ROWS = 250;
const ID_CHARS = 16;

/** Client order ids share a long session prefix: show their distinctive tail. */
function shortId(id: string): string {
  return id.length > ID_CHARS ? `…${id.slice(-ID_CHARS)}` : id;
}

export function OrderBlotter() {
  const orders = useDesk((s) => s.orders);
  const status = useDesk((s) => s.status);
  const { rows, open, hidden } = useMemo(() => blotterRows(orders, MAX_FINISHED_ROWS), [orders]);
  const instruments = useInstrumentMap();
  const extra = (
    <span className="muted">
      <b className="open-count">{open}</b> open · {orders.length} total
      {status ? ` · ${status.ordersSubmitted} submitted · ${status.ordersDenied} denied · ${status.fills} fills` : ''}
      {hidden > 0 ? ` · ${hidden} older hidden` : ''}
    </span>
  );
  return (
    <Panel title="Orders" extra={extra} className="area-blotter" testId="order-blotter">
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
            <OrderRow key={o.clientOrderId} order={o} decimals={priceDecimals(instruments, o.symbol)} />
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
    </Panel>
  );
}

const OrderRow = memo(function OrderRow({ order: o, decimals }: { order: Order; decimals: number | undefined }) {
  return (
    <tr data-testid="order-row" data-status={o.status} data-order-id={o.clientOrderId} className={`status-${o.status}`}>
      <td className="l mono" title={new Date(o.createdAt).toISOString()}>
        {fmtTime(o.createdAt)}
      </td>
      <td className="l mono id-cell" title={o.venueOrderId ? `${o.clientOrderId} · venue ${o.venueOrderId}` : o.clientOrderId}>
        {shortId(o.clientOrderId)}
      </td>
      <td className="l sym clickable" onClick={() => selectSymbol(o.symbol)}>
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
      <td className="action-col">{isCancelable(o) ? <CancelButton id={o.clientOrderId} /> : o.status === 'pending_cancel' ? <span className="muted">canceling…</span> : null}</td>
    </tr>
  );
});

function CancelButton({ id }: { id: string }) {
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
    <button type="button" className="btn btn-xs" data-testid="cancel-order" disabled={busy} onClick={() => void cancel()}>
      {busy ? '…' : 'Cancel'}
    </button>
  );
}
