// Journal export: pick a format (CSV / JSON lines) and a kind of record, then
// exportJournal runs on the engine and the content downloads as a file. An
// engine without a journal (NO_JOURNAL) or any other failure shows inline.
import { useState } from 'react';
import type { CommandArgs } from '../../../shared/api/contract.js';
import { downloadText } from '../lib/download.js';
import { notify, useDesk } from '../store/desk-store.js';
import { errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';

type Format = CommandArgs<'exportJournal'>['format'];
type Kind = NonNullable<CommandArgs<'exportJournal'>['kind']>;

const FORMATS: { value: Format; label: string }[] = [
  { value: 'csv', label: 'CSV' },
  { value: 'jsonl', label: 'JSON lines' },
];
const KINDS: Kind[] = ['decisions', 'orders', 'fills', 'alerts', 'all'];

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? ((e as { code?: string }).code ?? undefined) : undefined;
}

export function ExportControl() {
  const client = useClient();
  const connected = useDesk((s) => s.connection === 'open');
  const journal = useDesk((s) => s.status?.journal);
  const [format, setFormat] = useState<Format>('csv');
  const [kind, setKind] = useState<Kind>('decisions');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ short: string; full: string } | null>(null);

  const run = async () => {
    if (!client) return;
    setBusy(true);
    setError(null);
    try {
      const r = await client.call('exportJournal', { format, kind });
      downloadText(r.content, r.filename, r.mime);
      notify('info', `Exported ${r.records} ${kind === 'all' ? 'journal' : kind} record${r.records === 1 ? '' : 's'} to ${r.filename}`);
    } catch (e) {
      const noJournal = codeOf(e) === 'NO_JOURNAL';
      const full = noJournal
        ? 'Nothing to export: this engine keeps no journal (it was started without a data folder).'
        : `Export failed: ${errorMessage(e)}`;
      setError({ short: noJournal ? 'No journal: this engine keeps none' : full, full });
      notify('error', full);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="export" title={journal ? `Export from the journal in ${journal}` : 'Export journal records'}>
      <span className="export-label">Export</span>
      <select
        className="ctl-select"
        aria-label="Export format"
        data-testid="export-format"
        value={format}
        onChange={(e) => setFormat(e.target.value as Format)}
      >
        {FORMATS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <select className="ctl-select" aria-label="Records to export" data-testid="export-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
        {KINDS.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-xs btn-export" data-testid="export-button" disabled={!client || !connected || busy} onClick={() => void run()}>
        {busy ? '…' : '⤓ Export'}
      </button>
      {error && (
        <span className="export-error" role="alert" data-testid="export-error" title={error.full}>
          {error.short}
        </span>
      )}
    </div>
  );
}
