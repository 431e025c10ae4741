// Order blotter (the body of the dock's Blotter tab): filters by state,
// instrument and strategy; open orders first, then finished ones; execution
// algorithms' children grouped under their parent (collapsible); the rows are
// virtualized (only those in view are in the DOM). Cancel on each cancelable
// order and Cancel all (the open orders shown, after confirmation); both off
// when the engine is read-only. Denied and rejected rows show their reason; a
// row click opens the decision behind the order (same client order id).
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef, useState } from 'react';
import type { Order } from '../../../shared/domain.js';
import { STATE_FILTERS, type BlotterRow, type StateFilter } from '../lib/blotter.js';
import { fmtPrice, fmtQty, fmtTime, DASH } from '../lib/format.js';
import { priceDecimals, useInstrumentMap } from '../lib/instruments.js';
import { isCancelable } from '../lib/orders.js';
import { errorMessage } from '../transport/errors.js';
import { selectBlotterView, setBlotterFilter, toggleCollapsed, useBlotterUi } from '../store/blotter-store.js';
import { openDecision, useDecisionUi } from '../store/decision-store.js';
import { notify, selectSymbol, useDesk } from '../store/desk-store.js';
import { useClient } from './client-context.js';
import { ConfirmModal } from './ConfirmModal.js';
import './data-views.css';

const ID_CHARS = 16;
/** Drawn row height in px (the virtualizer's estimate; rows are one line). */
const ROW_HEIGHT = 21;
const COLUMNS = 13;

/** Client order ids share a long session prefix: show their distinctive tail. */
function shortId(id: string): string {
  return id.length > ID_CHARS ? `…${id.slice(-ID_CHARS)}` : id;
}

function useBlotterView() {
  const orders = useDesk((s) => s.orders);
  const ui = useBlotterUi();
  return useMemo(() => selectBlotterView(orders, ui), [orders, ui]);
}

/** Counts shown in the dock header while the Blotter tab is active. */
export function BlotterSummary() {
  const orders = useDesk((s) => s.orders);
  const status = useDesk((s) => s.status);
  const view = useBlotterView();
  return (
    <span className="muted">
      <b className="open-count">{view.open}</b> open · {view.rows.length} shown of {orders.length}
      {status ? ` · ${status.ordersSubmitted} submitted · ${status.ordersDenied} denied · ${status.fills} fills` : ''}
      {view.hidden > 0 ? ` · ${view.hidden} older hidden` : ''}
    </span>
  );
}

export function OrderBlotter() {
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const anyOrders = useDesk((s) => s.orders.length > 0);
  const openId = useDecisionUi((s) => s.openId);
  const view = useBlotterView();
  const instruments = useInstrumentMap();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: view.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
    getItemKey: (i) => view.rows[i]!.order.clientOrderId,
  });
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div className="dock-pane blotter-pane" data-testid="order-blotter" data-rows={view.rows.length}>
      <BlotterToolbar symbols={view.symbols} sources={view.sources} cancelable={view.rows.map((r) => r.order).filter(isCancelable)} readOnly={readOnly} />
      <div className="blotter-scroll" ref={scrollRef} tabIndex={0} role="region" aria-label="Orders">
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
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {top > 0 && <tr className="virtual-pad" style={{ height: top }} aria-hidden="true" />}
            {items.map((it) => {
              const row = view.rows[it.index]!;
              return <OrderRow key={it.key} row={row} decimals={priceDecimals(instruments, row.order.symbol)} readOnly={readOnly} selected={row.order.clientOrderId === openId} />;
            })}
            {bottom > 0 && <tr className="virtual-pad" style={{ height: bottom }} aria-hidden="true" />}
            {view.rows.length === 0 && (
              <tr>
                <td colSpan={COLUMNS} className="empty">
                  {!anyOrders ? 'No orders yet' : 'No orders match the filter'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function BlotterToolbar({ symbols, sources, cancelable, readOnly }: { symbols: string[]; sources: string[]; cancelable: Order[]; readOnly: boolean }) {
  const filter = useBlotterUi((s) => s.filter);
  const [confirming, setConfirming] = useState(false);
  const client = useClient();
  const cancelAll = async () => {
    if (!client) throw new Error('not connected to the engine');
    const results = await Promise.allSettled(cancelable.map((o) => client.call('cancelOrder', { clientOrderId: o.clientOrderId })));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${cancelable[i]!.clientOrderId}: ${errorMessage(r.reason)}`] : r.value.requested ? [] : [`${cancelable[i]!.clientOrderId}: ${r.value.reason}`]));
    if (failed.length) throw new Error(`${failed.length} of ${cancelable.length} cancel(s) not sent — ${failed.slice(0, 3).join('; ')}`);
    notify('info', `Cancel requested for ${cancelable.length} order(s)`);
  };
  return (
    <div className="blotter-toolbar" role="group" aria-label="Blotter filters">
      <FilterSelect label="State" name="Filter by state" value={filter.state} options={STATE_FILTERS} onChange={(v) => setBlotterFilter({ state: v as StateFilter })} />
      <FilterSelect label="Instrument" name="Filter by instrument" value={filter.symbol} options={['', ...symbols]} onChange={(v) => setBlotterFilter({ symbol: v })} />
      <FilterSelect label="Strategy" name="Filter by strategy" value={filter.source} options={['', ...sources]} onChange={(v) => setBlotterFilter({ source: v })} />
      <button type="button" className="btn btn-xs btn-warning" disabled={readOnly || cancelable.length === 0} title={readOnly ? 'Read-only: trading is off' : 'Cancel every open order shown'} onClick={() => setConfirming(true)}>
        Cancel all ({cancelable.length})
      </button>
      {confirming && (
        <ConfirmModal
          title="Cancel all shown open orders?"
          body={<p>{`Cancel ${cancelable.length} open order(s)${filter.symbol ? ` on ${filter.symbol}` : ''}${filter.source ? ` from ${filter.source}` : ''}. The trading state does not change (KILL also halts).`}</p>}
          confirmLabel={`Cancel ${cancelable.length} order(s)`}
          tone="warning"
          confirmTestId="cancel-all-confirm"
          onConfirm={cancelAll}
          onClose={() => setConfirming(false)}
        />
      )}
    </div>
  );
}

/** A labelled select; '' is shown as "all". */
function FilterSelect({ label, name, value, options, onChange }: { label: string; name: string; value: string; options: readonly string[]; onChange: (v: string) => void }) {
  return (
    <label>
      {label}
      <select aria-label={name} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o === '' ? 'all' : o}
          </option>
        ))}
      </select>
    </label>
  );
}

interface OrderRowProps {
  row: BlotterRow;
  decimals: number | undefined;
  readOnly: boolean;
  selected: boolean;
}

const OrderRow = memo(function OrderRow({ row, decimals, readOnly, selected }: OrderRowProps) {
  const o = row.order;
  return (
    <tr
      data-testid="order-row"
      data-status={o.status}
      data-order-id={o.clientOrderId}
      data-parent-id={o.parentId ?? ''}
      data-depth={row.depth}
      className={`status-${o.status} clickable ${selected ? 'selected' : ''} ${row.depth ? 'child-row' : ''}`}
      title="Open the decision behind this order"
      onClick={() => openDecision(o.clientOrderId)}
    >
      <td className="l mono" title={new Date(o.createdAt).toISOString()}>
        {row.children > 0 && (
          <button
            type="button"
            className="tree-toggle"
            aria-expanded={!row.collapsed}
            aria-label={`${row.collapsed ? 'Show' : 'Hide'} ${row.children} child orders of ${o.clientOrderId}`}
            onClick={(e) => {
              e.stopPropagation();
              toggleCollapsed(o.clientOrderId);
            }}
          >
            {row.collapsed ? '▸' : '▾'}
          </button>
        )}
        {row.depth > 0 && <span className="tree-indent" aria-hidden="true">└</span>}
        {fmtTime(o.createdAt)}
      </td>
      <td className="l mono id-cell" title={o.venueOrderId ? `${o.clientOrderId} · venue ${o.venueOrderId}` : o.clientOrderId}>
        <span className="decision-link" data-testid="order-decision-link">
          {shortId(o.clientOrderId)}
        </span>
        {o.algo && <span className="chip algo-chip">{o.algo.toUpperCase()}</span>}
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
      aria-label={`Cancel order ${id}`}
      disabled={busy || readOnly}
      title={readOnly ? 'Read-only: trading is off' : 'Cancel this order'}
      onClick={() => void cancel()}
    >
      {busy ? '…' : 'Cancel'}
    </button>
  );
}
