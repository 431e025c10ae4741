// Instrument list: last mid (from quotes, else the last bar close) and change
// against the open of the loaded history; a filter box; a click selects the
// chart symbol, a double click also opens the order ticket.
import { memo, useMemo, useState } from 'react';
import type { Instrument, Quote } from '../../../shared/domain.js';
import { decimalsForTick, fmtPct, fmtPrice, pnlClass } from '../lib/format.js';
import { selectSymbol, useDesk } from '../store/desk-store.js';
import { setSideTab } from '../store/risk-store.js';
import { Panel } from './Panel.js';

export function Watchlist() {
  const instruments = useDesk((s) => s.instruments);
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    if (!f) return instruments;
    return instruments.filter((i) => i.symbol.toLowerCase().includes(f) || i.name.toLowerCase().includes(f) || i.sector.toLowerCase().includes(f));
  }, [instruments, filter]);
  const extra = (
    <>
      <span className="muted">{filter ? `${shown.length}/` : ''}{instruments.length} </span>
      <input
        className="watch-filter"
        type="search"
        placeholder="Filter…"
        value={filter}
        aria-label="Filter instruments"
        data-testid="watchlist-filter"
        onChange={(e) => setFilter(e.target.value)}
      />
    </>
  );
  return (
    <Panel title="Watchlist" extra={extra} className="area-watch" testId="watchlist">
      <table className="grid-table watch-table">
        <thead>
          <tr>
            <th className="l">Symbol</th>
            <th>Last</th>
            <th>Chg</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((i) => (
            <WatchRow key={i.symbol} instrument={i} />
          ))}
          {shown.length === 0 && (
            <tr>
              <td colSpan={3} className="empty">
                {instruments.length === 0 ? 'No instruments yet' : 'No match'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Panel>
  );
}

function mid(q: Quote | undefined): number | undefined {
  if (!q || !(q.bid > 0) || !(q.ask > 0)) return undefined;
  return (q.bid + q.ask) / 2;
}

const WatchRow = memo(function WatchRow({ instrument }: { instrument: Instrument }) {
  const { symbol } = instrument;
  const quote = useDesk((s) => s.quotes[symbol]);
  const lastClose = useDesk((s) => s.bars[symbol]?.at(-1)?.close);
  const ref = useDesk((s) => s.refPrice[symbol]);
  const selected = useDesk((s) => s.selected === symbol);
  const last = mid(quote) ?? lastClose;
  const change = last !== undefined && ref ? last / ref - 1 : undefined;
  const d = decimalsForTick(instrument.tickSize);
  return (
    <tr
      className={`watch-row ${selected ? 'selected' : ''}`}
      data-testid="watch-row"
      data-symbol={symbol}
      data-calendar={instrument.calendar}
      aria-selected={selected}
      onClick={() => selectSymbol(symbol)}
      onDoubleClick={() => {
        selectSymbol(symbol);
        setSideTab('ticket');
      }}
      title={`${instrument.name} · ${instrument.sector}${quote ? ` · bid ${fmtPrice(quote.bid, d)} / ask ${fmtPrice(quote.ask, d)}` : ''} · double-click to trade`}
    >
      <td className="l">
        <div className="sym">{symbol}</div>
        <div className="sym-name">{instrument.name}</div>
      </td>
      <td className="num">{fmtPrice(last, d)}</td>
      <td className={`num ${pnlClass(change)}`}>{fmtPct(change)}</td>
    </tr>
  );
});
