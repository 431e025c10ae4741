// Decision detail drawer: the whole chain of one decision — inputs (feature
// values, regime and the trading mode it switched to), the strategies' signals
// with their reasons, scores, weights and learning influence, the ensemble's
// debate (support and attack arguments) and target, every risk
// check with value, limit and pass/fail, each state of the order it produced,
// its fills and the realized outcome. Opened from a decision row, a blotter
// row or a chart marker; Esc, × or a click outside closes it. An algorithm
// parent lists its children, a child links to its parent (DecisionChildren.tsx).
import { useEffect, type MouseEvent } from 'react';
import type { DecisionDetail, RiskCheck } from '../../../shared/api/contract.js';
import { DASH, fmtDateTime, fmtMoney, fmtNum, fmtPrice, fmtQty, fmtStamp, pnlClass } from '../lib/format.js';
import { priceDecimals, useInstrumentMap } from '../lib/instruments.js';
import { useDecisionDetail } from '../lib/use-decisions.js';
import { closeDecision, useDecisionUi } from '../store/decision-store.js';
import { selectSymbol } from '../store/desk-store.js';
import { AlgoChildren, ParentLink } from './DecisionChildren.js';
import { Section } from './decision-section.js';
import './decision-outcome.css';

const valueFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

function fmtCheckValue(v: number | string): string {
  return typeof v === 'number' ? (Number.isFinite(v) ? valueFmt.format(v) : String(v)) : v;
}

export function DecisionDrawer() {
  const id = useDecisionUi((s) => s.openId);
  useEffect(() => {
    if (id === null) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeDecision();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [id]);
  if (id === null) return null;
  return (
    <div className="drawer-backdrop" onMouseDown={(e) => e.target === e.currentTarget && closeDecision()}>
      <DrawerBody id={id} />
    </div>
  );
}

function DrawerBody({ id }: { id: string }) {
  const { data, error, code, loaded } = useDecisionDetail(id);
  const instruments = useInstrumentMap();
  const s = data?.summary;
  const d = s ? priceDecimals(instruments, s.symbol) : undefined;
  return (
    <aside
      className="drawer"
      role="dialog"
      aria-label="Decision detail"
      data-testid="decision-detail"
      data-decision-id={id}
      data-loaded={data ? 'true' : 'false'}
      data-outcome={s?.outcome ?? ''}
    >
      <header className="drawer-head">
        <span className="drawer-kicker">Decision</span>
        {s ? (
          <>
            <button type="button" className="link-btn sym" title="Show on the chart" onClick={() => selectSymbol(s.symbol)}>
              {s.symbol}
            </button>
            <span className={`side-${s.action}`}>{s.action.toUpperCase()}</span>
            <span className="drawer-order">
              {fmtQty(s.qty)} @ {s.limitPrice !== null ? fmtPrice(s.limitPrice, d) : 'MKT'}
            </span>
            <span className={`outcome-pill oc-${s.outcome}`}>{s.outcome}</span>
            {s.status !== s.outcome && <span className={`status-pill st-${s.status}`}>{s.status.replace('_', ' ')}</span>}
          </>
        ) : (
          <span className="muted">{loaded ? 'unavailable' : 'loading…'}</span>
        )}
        <button type="button" className="drawer-close" aria-label="Close" data-testid="decision-close" onClick={closeDecision}>
          ×
        </button>
      </header>
      <div className="drawer-sub mono">
        <span title="Decision id = client order id">{id}</span>
        {s && (
          <>
            <span>{fmtDateTime(s.ts)}</span>
            <span>strategy {s.strategy}</span>
          </>
        )}
      </div>
      {error && (
        <div className="inline-error" role="alert" data-testid="decision-detail-error">
          {code === 'UNKNOWN_DECISION' ? `No decision is recorded for order ${id}. ` : ''}
          {error}
        </div>
      )}
      {data && <ParentLink order={data.orderStates[0]} />}
      {data && <Chain detail={data} />}
      {data && (
        // focusable: it scrolls, and keyboard users must reach it
        <div className="drawer-body" role="region" aria-label="Decision chain" tabIndex={0}>
          <Inputs detail={data} />
          <Signals detail={data} />
          <Debate detail={data} />
          <Checks checks={data.checks} />
          <OrderStates detail={data} decimals={d} />
          <AlgoChildren detail={data} decimals={d} />
          <Fills detail={data} decimals={d} />
          <Outcome detail={data} decimals={d} />
        </div>
      )}
    </aside>
  );
}

/** The chain at a glance: each step with its count or verdict. */
function Chain({ detail }: { detail: DecisionDetail }) {
  const failed = detail.checks.filter((c) => !c.passed).length;
  const s = detail.summary;
  const steps: { label: string; value: string; tone: string; href: string }[] = [
    { label: 'Inputs', value: `${Object.keys(detail.features).length} features`, tone: '', href: 'inputs' },
    { label: 'Signals', value: `${detail.signals.length}`, tone: '', href: 'signals' },
    ...(detail.debate ? [{ label: 'Debate', value: `${detail.debate.length} args`, tone: '', href: 'debate' }] : []),
    {
      label: 'Risk',
      value: failed ? `${failed} failed` : `${detail.checks.length} passed`,
      tone: failed ? 'bad' : 'good',
      href: 'checks',
    },
    { label: 'Order', value: s.status.replace('_', ' '), tone: s.outcome === 'denied' ? 'bad' : '', href: 'order' },
    { label: 'Fills', value: `${detail.fills.length}`, tone: '', href: 'fills' },
    { label: 'Outcome', value: s.realizedPnl !== 0 ? fmtMoney(s.realizedPnl, true) : DASH, tone: pnlClass(s.realizedPnl), href: 'outcome' },
  ];
  return (
    <ol className="chain">
      {steps.map((st) => (
        <li key={st.label} className={`chain-step ${st.tone}`}>
          <a href={`#decision-${st.href}`} onClick={(e) => scrollTo(e, st.href)}>
            <span className="chain-label">{st.label}</span>
            <span className="chain-value">{st.value}</span>
          </a>
        </li>
      ))}
    </ol>
  );
}

function scrollTo(e: MouseEvent, section: string): void {
  e.preventDefault();
  document.getElementById(`decision-${section}`)?.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function Inputs({ detail }: { detail: DecisionDetail }) {
  const features = Object.entries(detail.features);
  return (
    <Section
      id="inputs"
      title="Inputs"
      extra={
        <span data-testid="decision-regime">
          regime <b>{detail.regime ?? DASH}</b>
          {detail.regimeReady === false && <span className="muted"> (warming up)</span>}
          {detail.mode && (
            <span data-testid="decision-mode">
              {' · mode '}
              <b>{detail.mode}</b>
              {detail.sizeMultiplier !== undefined && ` · size ×${fmtNum(detail.sizeMultiplier)}`}
            </span>
          )}
        </span>
      }
    >
      {features.length ? (
        <dl className="features">
          {features.map(([name, value]) => (
            <div key={name} className="feature" data-testid="decision-feature" data-name={name} data-value={value}>
              <dt>{name}</dt>
              <dd className="num">{fmtNum(value)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="empty">No feature values recorded (manual or system order)</p>
      )}
    </Section>
  );
}

function Signals({ detail }: { detail: DecisionDetail }) {
  const t = detail.target;
  return (
    <Section
      id="signals"
      title="Signals"
      extra={
        detail.net !== undefined ? (
          <span data-testid="decision-net">
            net vote <b className={pnlClass(detail.net)}>{fmtNum(detail.net)}</b>
            {t && ` → target ${fmtQty(t.qty)} from ${fmtQty(t.current)} (${fmtNum(t.fraction * 100)}% of equity, vol ×${fmtNum(t.volScale)})`}
          </span>
        ) : undefined
      }
    >
      {detail.signals.length ? (
        <table className="grid-table dtable">
          <thead>
            <tr>
              <th className="l">Strategy</th>
              <th className="l">Score</th>
              <th>Conf.</th>
              <th title="Strategy score: alpha · regime fit · diversification · drawdown">Strategy score</th>
              <th title="Configured base weight / learned weight">Base / learned</th>
              <th title="Learning influence in force">Influence</th>
              <th title="Debate multiplier">Debate</th>
              <th>Weight</th>
              <th>Score × weight</th>
            </tr>
          </thead>
          <tbody>
            {detail.signals.map((sg, i) => (
              <SignalRow key={`${sg.strategy}-${i}`} sg={sg} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">No strategy signals (manual or system order, or every signal had expired)</p>
      )}
      {t && t.notes.length > 0 && (
        <ul className="decision-notes" data-testid="decision-constraints">
          {t.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </Section>
  );
}

type SignalEntry = DecisionDetail['signals'][number];

function SignalRow({ sg }: { sg: SignalEntry }) {
  const sc = sg.scores;
  return (
    <>
      <tr data-testid="decision-signal" data-strategy={sg.strategy}>
        <td className="l">{sg.strategy}</td>
        <td className="l">
          <ScoreBar score={sg.score} />
        </td>
        <td className="num">{sg.confidence !== undefined ? fmtNum(sg.confidence) : DASH}</td>
        <td className="num" title={sc ? `alpha ${fmtNum(sc.alpha)} (${sc.judged} judged) · regime fit ${fmtNum(sc.regimeFit)} · diversification ${fmtNum(sc.diversification)} · drawdown ${fmtNum(sc.drawdown)}` : undefined}>
          {sc ? fmtNum(sc.total) : DASH}
        </td>
        <td className="num">
          {sg.baseWeight !== undefined ? fmtNum(sg.baseWeight) : DASH} / {sg.learnedWeight !== undefined && sg.learnedWeight !== null ? fmtNum(sg.learnedWeight) : DASH}
        </td>
        <td className="num" data-testid="decision-influence">
          {sg.influence !== undefined ? fmtNum(sg.influence) : DASH}
        </td>
        <td className="num">{sg.debateMultiplier !== undefined ? `×${fmtNum(sg.debateMultiplier)}` : DASH}</td>
        <td className="num">{fmtNum(sg.weight)}</td>
        <td className={`num ${pnlClass(sg.score * sg.weight)}`}>{fmtNum(sg.score * sg.weight)}</td>
      </tr>
      {sg.reasons && sg.reasons.length > 0 && (
        <tr className="signal-reasons" data-testid="decision-reasons">
          <td className="l muted" colSpan={9}>
            {sg.reasons.join(' · ')}
            {sg.ageBars !== undefined && sg.horizonBars !== undefined && ` (signal ${sg.ageBars} of ${sg.horizonBars} bars old)`}
          </td>
        </tr>
      )}
    </>
  );
}

function Debate({ detail }: { detail: DecisionDetail }) {
  if (!detail.debate) return null;
  const support = detail.debate.filter((a) => a.stance === 'support').length;
  return (
    <Section id="debate" title="Debate" extra={`${support} for · ${detail.debate.length - support} against`}>
      {detail.debate.length ? (
        <ul className="debate">
          {detail.debate.map((a, i) => (
            <li key={i} className={`debate-arg ${a.stance === 'support' ? 'up' : 'down'}`} data-testid="decision-argument" data-stance={a.stance} data-rule={a.rule}>
              <b>{a.stance === 'support' ? '+' : '−'}</b> <span className="mono">{a.strategy}</span>: {a.text}
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">No arguments: nothing spoke for or against these signals</p>
      )}
    </Section>
  );
}

/** A score in [-1, 1] as a bar growing left (sell) or right (buy) of the middle. */
function ScoreBar({ score }: { score: number }) {
  const w = Math.min(1, Math.abs(score)) * 50;
  return (
    <span className="score">
      <span className="score-track">
        <span className={`score-fill ${score >= 0 ? 'pos' : 'neg'}`} style={score >= 0 ? { left: '50%', width: `${w}%` } : { right: '50%', width: `${w}%` }} />
      </span>
      <span className={`num ${pnlClass(score)}`}>{fmtNum(score)}</span>
    </span>
  );
}

function Checks({ checks }: { checks: RiskCheck[] }) {
  const failed = checks.filter((c) => !c.passed).length;
  return (
    <Section id="checks" title="Risk checks" extra={<span className={failed ? 'down' : 'up'}>{failed ? `${failed} failed` : 'all passed'}</span>}>
      <table className="grid-table dtable">
        <thead>
          <tr>
            <th className="l">Check</th>
            <th>Value</th>
            <th>Limit</th>
            <th className="l">Result</th>
            <th className="l">Message</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((c) => (
            <tr key={c.check} data-testid="decision-check" data-check={c.check} data-passed={String(c.passed)} className={c.passed ? '' : 'check-failed'}>
              <td className="l mono">{c.check}</td>
              <td className="num" data-testid="check-value">
                {fmtCheckValue(c.value)}
              </td>
              <td className="num" data-testid="check-limit">
                {fmtCheckValue(c.limit)}
              </td>
              <td className="l">
                <span className={`verdict ${c.passed ? 'pass' : 'fail'}`}>{c.passed ? 'PASS' : 'FAIL'}</span>
              </td>
              <td className="l wrap">{c.message}</td>
            </tr>
          ))}
          {checks.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                No risk checks recorded
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Section>
  );
}

function OrderStates({ detail, decimals }: { detail: DecisionDetail; decimals: number | undefined }) {
  const first = detail.orderStates[0];
  const last = detail.orderStates.at(-1);
  return (
    <Section
      id="order"
      title="Order"
      extra={
        first ? (
          <span>
            {first.type} · {first.timeInForce} · source {first.source}
            {last?.venueOrderId ? ` · venue ${last.venueOrderId}` : ''}
          </span>
        ) : undefined
      }
    >
      <table className="grid-table dtable">
        <thead>
          <tr>
            <th className="l">Time (UTC)</th>
            <th className="l">Status</th>
            <th>Filled</th>
            <th>Avg fill</th>
            <th className="l">Reason</th>
          </tr>
        </thead>
        <tbody>
          {detail.orderStates.map((o, i, all) => (
            <tr key={i} data-testid="decision-order-state" data-status={o.status}>
              <td className="l mono" title={fmtDateTime(o.updatedAt)}>
                {fmtStamp(o.updatedAt)}
              </td>
              <td className="l">
                <span className={`status-pill st-${o.status}`}>{o.status.replace('_', ' ')}</span>
              </td>
              <td className="num">
                {fmtQty(o.filledQty)} / {fmtQty(o.qty)}
              </td>
              <td className="num">{o.filledQty > 0 ? fmtPrice(o.avgFillPrice, decimals) : DASH}</td>
              <td className="l wrap" title={o.reason}>
                {i > 0 && all[i - 1]!.reason === o.reason ? <span className="muted">〃</span> : o.reason}
              </td>
            </tr>
          ))}
          {detail.orderStates.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                No order states recorded
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Section>
  );
}

function Fills({ detail, decimals }: { detail: DecisionDetail; decimals: number | undefined }) {
  return (
    <Section id="fills" title="Fills" extra={<span>{detail.fills.length}</span>}>
      {detail.fills.length ? (
        <table className="grid-table dtable">
          <thead>
            <tr>
              <th className="l">Time (UTC)</th>
              <th>Qty</th>
              <th>Price</th>
              <th>Fee</th>
              <th>Notional</th>
            </tr>
          </thead>
          <tbody>
            {detail.fills.map((f) => (
              <tr key={f.fillId} data-testid="decision-fill" data-fill-id={f.fillId}>
                <td className="l mono" title={fmtDateTime(f.ts)}>
                  {fmtStamp(f.ts)}
                </td>
                <td className="num">{fmtQty(f.qty)}</td>
                <td className="num">{fmtPrice(f.price, decimals)}</td>
                <td className="num">{fmtMoney(f.fee)}</td>
                <td className="num">{fmtMoney(f.qty * f.price)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">{detail.summary.outcome === 'denied' ? 'Denied by risk: never sent, no fills' : 'No fills yet'}</p>
      )}
    </Section>
  );
}

function Outcome({ detail, decimals }: { detail: DecisionDetail; decimals: number | undefined }) {
  const s = detail.summary;
  const fees = detail.fills.reduce((a, f) => a + f.fee, 0);
  return (
    <Section id="outcome" title="Outcome">
      <div className="outcome-grid" data-testid="decision-outcome-detail">
        <Stat label="Filled" value={`${fmtQty(s.filledQty)} / ${fmtQty(s.qty)}`} />
        <Stat label="Avg fill" value={s.filledQty > 0 ? fmtPrice(s.avgFillPrice, decimals) : DASH} />
        <Stat label="Fees" value={fmtMoney(fees)} />
        <Stat label="Realized P&L (net of fees)" value={fmtMoney(s.realizedPnl, true)} cls={pnlClass(s.realizedPnl)} testId="decision-realized" />
      </div>
      <p className="outcome-reason">
        <span className="muted">Reason </span>
        {s.reason}
      </p>
    </Section>
  );
}

function Stat({ label, value, cls, testId }: { label: string; value: string; cls?: string; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${cls ?? ''}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
