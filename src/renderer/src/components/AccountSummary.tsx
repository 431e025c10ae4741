// Account figures: equity and total P&L against the starting equity, cash,
// buying power, realized / unrealized P&L, exposure and leverage.
import { fmtMoney, fmtPct, pnlClass } from '../lib/format.js';
import { useDesk } from '../store/desk-store.js';

export function AccountSummary() {
  const a = useDesk((s) => s.account);
  const total = a ? a.equity - a.startingEquity : undefined;
  const totalPct = a && a.startingEquity ? a.equity / a.startingEquity - 1 : undefined;
  const leverage = a && a.equity > 0 ? a.grossExposure / a.equity : undefined;
  return (
    <div className="account" data-testid="account-summary">
      <Stat label="Equity" value={fmtMoney(a?.equity)} big testId="account-equity" />
      <Stat label="Total P&L" value={a ? `${fmtMoney(total, true)} (${fmtPct(totalPct)})` : '—'} cls={pnlClass(total)} big />
      <Stat label="Cash" value={fmtMoney(a?.cash)} />
      <Stat label="Buying power" value={fmtMoney(a?.buyingPower)} />
      <Stat label="Realized P&L" value={fmtMoney(a?.realizedPnl, true)} cls={pnlClass(a?.realizedPnl)} />
      <Stat label="Unrealized P&L" value={fmtMoney(a?.unrealizedPnl, true)} cls={pnlClass(a?.unrealizedPnl)} />
      <Stat label="Gross exposure" value={fmtMoney(a?.grossExposure)} />
      <Stat label="Net exposure" value={fmtMoney(a?.netExposure, true)} />
      <Stat label="Leverage" value={leverage !== undefined ? `${leverage.toFixed(2)}×` : '—'} />
      <Stat label="Starting equity" value={fmtMoney(a?.startingEquity)} />
    </div>
  );
}

function Stat({ label, value, cls, big, testId }: { label: string; value: string; cls?: string; big?: boolean; testId?: string }) {
  return (
    <div className={`stat ${big ? 'stat-big' : ''}`}>
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${cls ?? ''}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
