// The decision log (the dock's Decisions tab): every trade decision, newest
// first, filtered on the engine by free text, symbol, strategy, action and
// outcome. It re-queries when a filter changes and on the decision tick (at
// most once per second while orders change); a row click opens the detail.
import { memo, useEffect, useMemo, useState } from 'react';
import type { DecisionSummary } from '../../../shared/api/contract.js';
import { DASH, fmtDateTime, fmtMoney, fmtPrice, fmtQty, fmtStamp, pnlClass } from '../lib/format.js';
import { priceDecimals, useInstrumentMap } from '../lib/instruments.js';
import { useDecisionList, type DecisionListArgs } from '../lib/use-decisions.js';
import {
  clearDecisionFilters,
  NO_FILTERS,
  openDecision,
  setDecisionFilter,
  useDecisionUi,
  type DecisionFilters,
} from '../store/decision-store.js';
import { selectSymbol, useDesk } from '../store/desk-store.js';
import './decision-outcome.css';

export const DECISION_LIMIT = 500;
const TEXT_DEBOUNCE_MS = 250;

export function toQuery(f: DecisionFilters, limit = DECISION_LIMIT): DecisionListArgs {
  const q: DecisionListArgs = { limit };
  if (f.text.trim()) q.text = f.text.trim();
  if (f.symbol) q.symbol = f.symbol;
  if (f.strategy) q.strategy = f.strategy;
  if (f.action) q.action = f.action;
  if (f.outcome) q.outcome = f.outcome;
  return q;
}

export function useDecisionRows() {
  const filters = useDecisionUi((s) => s.filters);
  const query = useMemo(() => toQuery(filters), [filters]);
  return useDecisionList(query);
}

/** Header slot while the Decisions tab is active: how many rows and whether filtered. */
export function DecisionSummaryLine({ shown, loaded }: { shown: number; loaded: boolean }) {
  const filters = useDecisionUi((s) => s.filters);
  const filtered = Object.keys(filters).some((k) => filters[k as keyof DecisionFilters] !== NO_FILTERS[k as keyof DecisionFilters]);
  return (
    <span className="muted" data-testid="decision-count" data-count={shown}>
      {loaded ? (
        <>
          <b className="open-count">{shown}</b> decision{shown === 1 ? '' : 's'}
          {filtered ? ' matching' : ''}
          {shown >= DECISION_LIMIT ? ` (newest ${DECISION_LIMIT})` : ''}
        </>
      ) : (
        'loading…'
      )}
    </span>
  );
}

function FilterBar() {
  const filters = useDecisionUi((s) => s.filters);
  const strategies = useDecisionUi((s) => s.strategies);
  const instruments = useDesk((s) => s.instruments);
  const [text, setText] = useState(filters.text);

  // The search box commits after a short pause, not per keystroke.
  useEffect(() => {
    if (text === filters.text) return;
    const t = setTimeout(() => setDecisionFilter('text', text), TEXT_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, filters.text]);

  const strategyChoices = filters.strategy && !strategies.includes(filters.strategy) ? [...strategies, filters.strategy] : strategies;
  const any = text !== '' || filters.symbol || filters.strategy || filters.action || filters.outcome;
  return (
    <div className="filter-bar" role="search">
      <input
        className="ctl-input filter-search"
        type="search"
        placeholder="Search id, symbol, strategy, status, reason…"
        aria-label="Search decisions"
        data-testid="decision-search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && setDecisionFilter('text', text)}
      />
      <select
        className="ctl-select"
        aria-label="Symbol"
        data-testid="decision-filter-symbol"
        value={filters.symbol}
        onChange={(e) => setDecisionFilter('symbol', e.target.value)}
      >
        <option value="">All symbols</option>
        {instruments.map((i) => (
          <option key={i.symbol} value={i.symbol}>
            {i.symbol}
          </option>
        ))}
      </select>
      <select
        className="ctl-select"
        aria-label="Strategy"
        data-testid="decision-filter-strategy"
        value={filters.strategy}
        onChange={(e) => setDecisionFilter('strategy', e.target.value)}
      >
        <option value="">All strategies</option>
        {strategyChoices.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <select
        className="ctl-select"
        aria-label="Action"
        data-testid="decision-filter-action"
        value={filters.action}
        onChange={(e) => setDecisionFilter('action', e.target.value as DecisionFilters['action'])}
      >
        <option value="">Buy & sell</option>
        <option value="buy">Buy</option>
        <option value="sell">Sell</option>
      </select>
      <select
        className="ctl-select"
        aria-label="Outcome"
        data-testid="decision-filter-outcome"
        value={filters.outcome}
        onChange={(e) => setDecisionFilter('outcome', e.target.value as DecisionFilters['outcome'])}
      >
        <option value="">Any outcome</option>
        <option value="submitted">Submitted</option>
        <option value="denied">Denied</option>
      </select>
      <button
        type="button"
        className="btn btn-xs btn-ghost"
        data-testid="decision-clear"
        disabled={!any}
        onClick={() => {
          setText('');
          clearDecisionFilters();
        }}
      >
        Clear
      </button>
    </div>
  );
}

export function DecisionLog({ rows, error, loaded }: { rows: DecisionSummary[]; error: string | null; loaded: boolean }) {
  const instruments = useInstrumentMap();
  const openId = useDecisionUi((s) => s.openId);
  return (
    <div className="dock-pane" data-testid="decision-log">
      <FilterBar />
      {error && (
        <div className="inline-error" role="alert" data-testid="decision-error">
          Decision log unavailable: {error}
        </div>
      )}
      <table className="grid-table blotter decisions-table">
        <thead>
          <tr>
            <th className="l">Time (UTC)</th>
            <th className="l">Instrument</th>
            <th className="l">Strategy</th>
            <th className="l">Action</th>
            <th>Qty</th>
            <th>Limit</th>
            <th className="l">Outcome</th>
            <th className="l">Status</th>
            <th>Filled</th>
            <th>Rlzd P&L</th>
            <th className="l reason-col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <DecisionRow key={d.id} d={d} decimals={priceDecimals(instruments, d.symbol)} selected={d.id === openId} />
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={11} className="empty">
                {!loaded ? 'Loading decisions…' : error ? DASH : 'No decisions match'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

const DecisionRow = memo(function DecisionRow({ d, decimals, selected }: { d: DecisionSummary; decimals: number | undefined; selected: boolean }) {
  return (
    <tr
      data-testid="decision-row"
      data-decision-id={d.id}
      data-outcome={d.outcome}
      data-symbol={d.symbol}
      data-action={d.action}
      data-status={d.status}
      data-ts={d.ts}
      className={`clickable outcome-${d.outcome} ${selected ? 'selected' : ''}`}
      onClick={() => openDecision(d.id)}
    >
      <td className="l mono" title={fmtDateTime(d.ts)}>
        {fmtStamp(d.ts)}
      </td>
      <td
        className="l sym clickable"
        title="Show on the chart"
        onClick={(e) => {
          e.stopPropagation();
          selectSymbol(d.symbol);
        }}
      >
        {d.symbol}
      </td>
      <td className="l">{d.strategy}</td>
      <td className={`l side-${d.action}`}>{d.action.toUpperCase()}</td>
      <td className="num">{fmtQty(d.qty)}</td>
      <td className="num">{d.limitPrice !== null ? fmtPrice(d.limitPrice, decimals) : <span className="muted">MKT</span>}</td>
      <td className="l">
        <span className={`outcome-pill oc-${d.outcome}`} data-testid="decision-outcome">
          {d.outcome}
        </span>
      </td>
      <td className="l">
        <span className={`status-pill st-${d.status}`}>{d.status.replace('_', ' ')}</span>
      </td>
      <td className="num" title={d.filledQty > 0 ? `avg ${fmtPrice(d.avgFillPrice, decimals)}` : undefined}>
        {d.filledQty > 0 ? `${fmtQty(d.filledQty)} @ ${fmtPrice(d.avgFillPrice, decimals)}` : DASH}
      </td>
      <td className={`num ${pnlClass(d.realizedPnl)}`}>{d.realizedPnl !== 0 ? fmtMoney(d.realizedPnl, true) : DASH}</td>
      <td className="l reason-col" title={d.reason} data-testid="decision-reason">
        {d.reason}
      </td>
    </tr>
  );
});
