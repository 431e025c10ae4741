// One horizontal risk gauge: label and limit text on the left, a track with an
// optional allowed band, a fill (from a start point to the value), limit marks
// and a needle, and the value on the right. The numeric value is published as
// data-value for tests and tooling ('' when unknown).
import type { ReactNode } from 'react';

export type Tone = 'ok' | 'warn' | 'bad' | 'idle';

export interface GaugeMark {
  at: number;
  tone: 'warn' | 'bad' | 'neutral';
  title: string;
}

interface GaugeProps {
  testId: string;
  label: ReactNode;
  /** Limit description under the label. */
  limit: ReactNode;
  value: number | null;
  display: string;
  /** Small text under the value. */
  sub?: ReactNode;
  min: number;
  max: number;
  /** The fill starts here (0 for most gauges). */
  origin?: number;
  band?: { from: number; to: number };
  marks?: GaugeMark[];
  needle?: boolean;
  tone: Tone;
  /** Colors the fill by sign instead of by tone (P&L). */
  fillSign?: boolean;
  title?: string;
  /** Extra data-* attributes (name without the prefix). */
  data?: Record<string, string | number | boolean>;
}

function pos(v: number, min: number, max: number): number {
  if (!(max > min)) return 0;
  return Math.min(100, Math.max(0, ((v - min) / (max - min)) * 100));
}

export function Gauge({ testId, label, limit, value, display, sub, min, max, origin = 0, band, marks = [], needle, tone, fillSign, title, data }: GaugeProps) {
  const known = value !== null && Number.isFinite(value);
  const a = pos(origin, min, max);
  const b = known ? pos(value, min, max) : a;
  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <div className={`gauge tone-${known ? tone : 'idle'}`} data-testid={testId} data-value={known ? String(value) : ''} title={title} {...attrs}>
      <div className="gauge-head">
        <div className="gauge-label">{label}</div>
        <div className="gauge-limit">{limit}</div>
      </div>
      <div className="gauge-track" aria-hidden="true">
        {band && <div className="gauge-band" style={{ left: `${pos(band.from, min, max)}%`, width: `${pos(band.to, min, max) - pos(band.from, min, max)}%` }} />}
        {origin > min && origin < max && <div className="gauge-zero" style={{ left: `${a}%` }} />}
        {known && (
          <div
            className={`gauge-fill ${fillSign ? (value >= origin ? 'fill-up' : 'fill-down') : ''}`}
            style={{ left: `${Math.min(a, b)}%`, width: `${Math.max(Math.abs(b - a), 0.6)}%` }}
          />
        )}
        {marks.map((m) => (
          <div key={`${m.title}-${m.at}`} className={`gauge-mark mark-${m.tone}`} style={{ left: `${pos(m.at, min, max)}%` }} title={m.title} />
        ))}
        {known && needle && <div className="gauge-needle" style={{ left: `${b}%` }} />}
      </div>
      <div className="gauge-value">
        <div className="gauge-num">{display}</div>
        {sub !== undefined && <div className="gauge-sub">{sub}</div>}
      </div>
    </div>
  );
}
