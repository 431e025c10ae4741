// Positions with marks, live P&L and weight (market value over equity), under
// the account summary (the Account tab of the right column). A row click shows
// the instrument on the chart; Close (after confirmation) asks the engine to
// close that position with a market order through the risk engine, and a
// refusal is shown next to that row's button. The table scrolls on its own
// (both ways, header kept) so every column is reachable in a narrow column.
import { useState } from 'react';
import type { Position } from '../../../shared/domain.js';
import { fmtMoney, fmtPct, fmtPrice, fmtQty, pnlClass } from '../lib/format.js';
import { priceDecimals, useInstrumentMap } from '../lib/instruments.js';
import { selectSymbol, useDesk } from '../store/desk-store.js';
import { errorMessage } from '../transport/errors.js';
import { AccountSummary } from './AccountSummary.js';
import './positions.css';
import { useClient } from './client-context.js';
import { ConfirmModal } from './ConfirmModal.js';
import './data-views.css';

const COLUMNS = 8;

export function PositionsTable() {
  const positions = useDesk((s) => s.positions);
  const selected = useDesk((s) => s.selected);
  const equity = useDesk((s) => s.account?.equity ?? 0);
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const instruments = useInstrumentMap();
  const client = useClient();
  const [closing, setClosing] = useState<Position | null>(null);
  /** Per symbol: the engine's refusal of the last close, or the order it sent. */
  const [outcome, setOutcome] = useState<Record<string, { ok: boolean; text: string }>>({});
  const rows = [...positions].sort((a, b) => Math.abs(b.marketValue) - Math.abs(a.marketValue));

  const close = async (p: Position) => {
    if (!client) throw new Error('not connected to the engine');
    try {
      const r = await client.call('closePosition', { symbol: p.symbol });
      setOutcome((o) => ({ ...o, [p.symbol]: { ok: true, text: `${r.side} ${fmtQty(r.qty)} sent` } }));
    } catch (e) {
      setOutcome((o) => ({ ...o, [p.symbol]: { ok: false, text: errorMessage(e) } }));
    }
  };

  return (
    <div className="positions-pane">
      <AccountSummary />
      <div className="positions-scroll" role="region" aria-label="Positions" tabIndex={0} data-testid="positions-scroll">
      <table className="grid-table positions-table" data-testid="positions-table">
        <thead>
          <tr>
            <th className="l">Symbol</th>
            <th>Qty</th>
            <th title="Mark (average price on hover)">Mark</th>
            <th>Mkt value</th>
            <th>Weight</th>
            <th>Unrl P&L</th>
            <th>Rlzd P&L</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => {
            const d = priceDecimals(instruments, p.symbol);
            const result = outcome[p.symbol];
            return [
              <tr
                key={p.symbol}
                data-testid="position-row"
                data-symbol={p.symbol}
                className={`clickable ${p.symbol === selected ? 'selected' : ''}`}
                onClick={() => selectSymbol(p.symbol)}
              >
                <td className="l sym">
                  <span className={`side-mark ${p.qty > 0 ? 'long' : p.qty < 0 ? 'short' : 'flat'}`}>{p.qty > 0 ? 'L' : p.qty < 0 ? 'S' : '–'}</span>
                  {p.symbol}
                </td>
                <td className={`num ${p.qty < 0 ? 'down' : ''}`}>{fmtQty(p.qty)}</td>
                <td className="num" title={`average price ${fmtPrice(p.avgPrice, d)}`}>
                  {fmtPrice(p.markPrice, d)}
                </td>
                <td className="num">{fmtMoney(p.marketValue)}</td>
                <td className="num" data-testid="position-weight">
                  {equity > 0 ? fmtPct(p.marketValue / equity) : '—'}
                </td>
                <td className={`num ${pnlClass(p.unrealizedPnl)}`}>{fmtMoney(p.unrealizedPnl, true)}</td>
                <td className={`num ${pnlClass(p.realizedPnl)}`}>{fmtMoney(p.realizedPnl, true)}</td>
                <td className="action-col position-action" onClick={(e) => e.stopPropagation()}>
                  <button
                    type="button"
                    className="btn btn-xs"
                    aria-label={`Close position ${p.symbol}`}
                    disabled={readOnly || !client || p.qty === 0}
                    title={readOnly ? 'Read-only: trading is off' : `Close ${p.symbol} with a market order`}
                    onClick={() => setClosing(p)}
                  >
                    Close
                  </button>
                </td>
              </tr>,
              result && (
                <tr key={`${p.symbol}:close`} className="close-result-row" data-symbol={p.symbol}>
                  <td colSpan={COLUMNS} className={result.ok ? 'close-sent' : 'close-refused'} role={result.ok ? 'status' : 'alert'} data-testid="close-result">
                    {`Close ${p.symbol}: ${result.text}`}
                  </td>
                </tr>
              ),
            ];
          })}
          {Object.entries(outcome)
            .filter(([sym]) => !rows.some((p) => p.symbol === sym))
            .map(([sym, r]) => (
              <tr key={`${sym}:close`} className="close-result-row" data-symbol={sym}>
                <td colSpan={COLUMNS} className={r.ok ? 'close-sent' : 'close-refused'} role={r.ok ? 'status' : 'alert'} data-testid="close-result">
                  {`Close ${sym}: ${r.text}`}
                </td>
              </tr>
            ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={COLUMNS} className="empty">
                No positions
              </td>
            </tr>
          )}
        </tbody>
      </table>
      </div>
      {closing && (
        <ConfirmModal
          title={`Close ${closing.symbol}?`}
          body={
            <p>
              {`${closing.qty > 0 ? 'Sell' : 'Buy'} ${fmtQty(Math.abs(closing.qty))} ${closing.symbol} at market, through the pre-trade risk checks.`}
            </p>
          }
          confirmLabel={`Close ${closing.symbol}`}
          tone="danger"
          confirmTestId="close-position-confirm"
          onConfirm={() => close(closing)}
          onClose={() => setClosing(null)}
        />
      )}
    </div>
  );
}
