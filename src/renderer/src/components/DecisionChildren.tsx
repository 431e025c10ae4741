// Decision detail, execution algorithms: a parent order's children (each with
// side, quantity, status, filled, average price and its fills; a click opens
// the child's own detail), and for a child order the line back to its parent.
import type { DecisionDetail } from '../../../shared/api/contract.js';
import type { Order } from '../../../shared/domain.js';
import { DASH, fmtDateTime, fmtPrice, fmtQty, fmtStamp } from '../lib/format.js';
import { openDecision } from '../store/decision-store.js';
import { Section } from './decision-section.js';
import './decision-children.css';

function shortId(id: string): string {
  return id.split('-').slice(-2).join('-');
}

/** The line to the parent, when this order is an algorithm's child. */
export function ParentLink({ order }: { order: Order | undefined }) {
  if (!order?.parentId) return null;
  const parentId = order.parentId;
  return (
    <div className="drawer-parent" data-testid="decision-parent" data-parent-id={parentId}>
      <span className="muted">Child order of algorithm parent</span>{' '}
      <button type="button" className="link-btn mono" title={`Open the parent order ${parentId}`} onClick={() => openDecision(parentId)}>
        {shortId(parentId)}
      </button>
    </div>
  );
}

/** A parent's children, oldest first, each followed by its fills. */
export function AlgoChildren({ detail, decimals }: { detail: DecisionDetail; decimals: number | undefined }) {
  const algo = detail.orderStates.at(-1)?.algo ?? detail.orderStates[0]?.algo;
  const children = detail.children;
  if (!algo && !children?.length) return null;
  const list = children ?? [];
  const filled = list.reduce((a, c) => a + c.order.filledQty, 0);
  return (
    <Section
      id="children"
      title={`Children${algo ? ` · ${algo.toUpperCase()}` : ''}`}
      extra={
        <span>
          {list.length} sent · {fmtQty(filled)} filled
        </span>
      }
    >
      {list.length ? (
        <table className="grid-table dtable" data-testid="decision-children">
          <thead>
            <tr>
              <th className="l">Child order</th>
              <th className="l">Side</th>
              <th>Qty</th>
              <th className="l">Status</th>
              <th>Filled</th>
              <th>Avg price</th>
            </tr>
          </thead>
          <tbody>
            {list.map(({ order: o, fills }) => [
              <tr key={o.clientOrderId} data-testid="decision-child" data-order-id={o.clientOrderId} data-status={o.status}>
                <td className="l mono">
                  <button type="button" className="link-btn mono" title={`Open the child order ${o.clientOrderId}`} onClick={() => openDecision(o.clientOrderId)}>
                    {shortId(o.clientOrderId)}
                  </button>
                </td>
                <td className={`l side-${o.side}`}>{o.side.toUpperCase()}</td>
                <td className="num">{fmtQty(o.qty)}</td>
                <td className="l">
                  <span className={`status-pill st-${o.status}`}>{o.status.replace('_', ' ')}</span>
                </td>
                <td className="num">{fmtQty(o.filledQty)}</td>
                <td className="num">{o.filledQty > 0 ? fmtPrice(o.avgFillPrice, decimals) : DASH}</td>
              </tr>,
              ...fills.map((f) => (
                <tr key={f.fillId} className="child-fill" data-testid="decision-child-fill" data-order-id={o.clientOrderId} data-fill-id={f.fillId}>
                  <td className="l mono muted" title={fmtDateTime(f.ts)}>
                    ↳ fill {fmtStamp(f.ts)}
                  </td>
                  <td />
                  <td className="num">{fmtQty(f.qty)}</td>
                  <td />
                  <td />
                  <td className="num">{fmtPrice(f.price, decimals)}</td>
                </tr>
              )),
            ])}
          </tbody>
        </table>
      ) : (
        <p className="empty">No child orders sent yet</p>
      )}
    </Section>
  );
}
