// Positions with marks and P&L, under the account summary (the Account tab of
// the right column). A row click shows the instrument on the chart.
import { fmtMoney, fmtPrice, fmtQty, pnlClass } from '../lib/format.js';
import { priceDecimals, useInstrumentMap } from '../lib/instruments.js';
import { selectSymbol, useDesk } from '../store/desk-store.js';
import { AccountSummary } from './AccountSummary.js';

export function PositionsTable() {
  const positions = useDesk((s) => s.positions);
  const selected = useDesk((s) => s.selected);
  const instruments = useInstrumentMap();
  const rows = [...positions].sort((a, b) => Math.abs(b.marketValue) - Math.abs(a.marketValue));
  return (
    <>
      <AccountSummary />
      <table className="grid-table positions-table" data-testid="positions-table">
        <thead>
          <tr>
            <th className="l">Symbol</th>
            <th>Qty</th>
            <th>Avg</th>
            <th>Mark</th>
            <th>Mkt value</th>
            <th>Unrl P&L</th>
            <th>Rlzd P&L</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => {
            const d = priceDecimals(instruments, p.symbol);
            return (
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
                <td className="num">{fmtPrice(p.avgPrice, d)}</td>
                <td className="num">{fmtPrice(p.markPrice, d)}</td>
                <td className="num">{fmtMoney(p.marketValue)}</td>
                <td className={`num ${pnlClass(p.unrealizedPnl)}`}>{fmtMoney(p.unrealizedPnl, true)}</td>
                <td className={`num ${pnlClass(p.realizedPnl)}`}>{fmtMoney(p.realizedPnl, true)}</td>
              </tr>
            );
          })}
          {rows.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                No positions
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
