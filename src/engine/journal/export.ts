// `journal export`: writes journal records as CSV or JSON lines, filtered by
// kind (decisions, orders, fills, alerts, or all).
import { readJournal } from './reader.js';
import { hashHex, type JournalKind, type JournalRecord } from './records.js';

export const EXPORT_KINDS = {
  decisions: ['decision'],
  orders: ['order', 'order.modify'],
  fills: ['fill'],
  alerts: ['alert', 'alert.ack'],
  all: null,
} as const satisfies Record<string, readonly JournalKind[] | null>;
export type ExportKind = keyof typeof EXPORT_KINDS;
export type ExportFormat = 'csv' | 'jsonl';

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function flat(r: JournalRecord): Record<string, unknown> {
  const data = JSON.parse(r.data) as unknown;
  const base: Record<string, unknown> = { seq: r.seq, ts: r.ts, time: new Date(r.ts).toISOString(), kind: r.kind };
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    for (const [k, v] of Object.entries(data)) base[k in base ? `data_${k}` : k] = v;
  } else base.data = data;
  return base;
}

/** Streams the export to `write`; returns the number of records written. */
export function exportJournal(dataDir: string, format: ExportFormat, kind: ExportKind, write: (chunk: string) => void): number {
  const kinds = EXPORT_KINDS[kind];
  const filter = kinds ? new Set<JournalKind>(kinds) : undefined;
  let n = 0;
  if (format === 'jsonl') {
    for (const r of readJournal(dataDir, filter)) {
      write(`${JSON.stringify({ seq: r.seq, ts: r.ts, kind: r.kind, data: JSON.parse(r.data), hash: hashHex(r.hash) })}\n`);
      n++;
    }
    return n;
  }
  // CSV: columns are the union of fields, found in a first pass
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of readJournal(dataDir, filter)) {
    for (const k of Object.keys(flat(r))) {
      if (seen.has(k)) continue;
      seen.add(k);
      columns.push(k);
    }
  }
  if (columns.length === 0) columns.push('seq', 'ts', 'time', 'kind');
  write(`${columns.join(',')}\n`);
  for (const r of readJournal(dataDir, filter)) {
    const row = flat(r);
    write(`${columns.map((c) => csvCell(row[c])).join(',')}\n`);
    n++;
  }
  return n;
}
