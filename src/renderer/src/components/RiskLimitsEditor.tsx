// Settings › Risk limits (a tab of the Settings dialog): one field per
// pre-trade limit and per risk-monitor setting, loaded fresh from
// getRiskLimits each time the tab opens. Each changed
// field says whether it tightens or loosens risk. Save sends only the changed
// fields to setRiskLimits; if the engine answers CONFIRM_REQUIRED (a change
// loosens a limit) a confirmation names the loosened fields and takes an
// optional reason, then saves again with confirmLoosening. BAD_LIMIT errors
// are shown next to the field they name.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RiskSettings } from '../../../shared/api/contract.js';
import { direction, fieldsInMessage, messageFor, metaOf, orderedKeys, readable, type Direction, type LimitKind } from '../lib/limits.js';
import { notify, useDesk } from '../store/desk-store.js';
import { closeSettings, setRiskSettings } from '../store/risk-store.js';
import { errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';
import { ConfirmModal } from './ConfirmModal.js';

type Form = Record<LimitKind, Record<string, string>>;
type Values = Record<string, number | string>;

interface Change {
  kind: LimitKind;
  key: string;
  before: number | string;
  after: number | string;
  dir: Direction;
}

const id = (kind: LimitKind, key: string) => `${kind}.${key}`;

function codeOf(e: unknown): string | null {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : null;
}

function toForm(s: RiskSettings): Form {
  const f = (v: Values) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  return { risk: f(s.risk), monitor: f(s.monitor) };
}

/** The typed value in the type the engine holds (numbers stay numbers), or NaN when not a number. */
function parseField(before: number | string, text: string): number | string {
  if (typeof before === 'string') return text.trim();
  const t = text.trim().replace(/,/g, '');
  return t === '' ? NaN : Number(t);
}

/** The Risk limits tab; `onBusy` tells the dialog not to close while saving or confirming. */
export function RiskLimitsEditor({ onBusy }: { onBusy: (busy: boolean) => void }) {
  const client = useClient();
  const readOnly = useDesk((s) => s.status?.readOnly ?? false);
  const [base, setBase] = useState<RiskSettings | null>(null);
  const [form, setForm] = useState<Form>({ risk: {}, monitor: {} });
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirm, setConfirm] = useState<{ loosened: Change[]; risk: Values; monitor: Values } | null>(null);

  useEffect(() => {
    if (!client) {
      setLoadError('Not connected to the engine');
      return;
    }
    let live = true;
    client.call('getRiskLimits', {}).then(
      (s) => {
        if (!live) return;
        setRiskSettings(s);
        setBase(s);
        setForm(toForm(s));
      },
      (e: unknown) => live && setLoadError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const close = useCallback(() => closeSettings(), []);
  useEffect(() => onBusy(saving || confirm !== null), [onBusy, saving, confirm]);

  const { changes, invalid } = useMemo(() => {
    const out: Change[] = [];
    const bad: string[] = [];
    if (!base) return { changes: out, invalid: bad };
    for (const kind of ['risk', 'monitor'] as const) {
      const values: Values = base[kind];
      for (const key of Object.keys(values)) {
        const before = values[key]!;
        const after = parseField(before, form[kind][key] ?? '');
        if (typeof after === 'number' && Number.isNaN(after)) {
          bad.push(id(kind, key));
          continue;
        }
        if (after !== before) out.push({ kind, key, before, after, dir: direction(kind, key, before, after) });
      }
    }
    return { changes: out, invalid: bad };
  }, [base, form]);
  const changeOf = useMemo(() => new Map(changes.map((c) => [id(c.kind, c.key), c])), [changes]);

  const setField = (kind: LimitKind, key: string, text: string) => {
    setForm((f) => ({ ...f, [kind]: { ...f[kind], [key]: text } }));
    setErrors((e) => {
      if (!(id(kind, key) in e)) return e;
      const next = { ...e };
      delete next[id(kind, key)];
      return next;
    });
    setGeneral(null);
  };

  const saved = (r: RiskSettings & { loosened: string[]; tightened: string[] }) => {
    setRiskSettings(r);
    const parts = [r.tightened.length ? `tightened ${r.tightened.join(', ')}` : '', r.loosened.length ? `loosened ${r.loosened.join(', ')}` : ''].filter(Boolean);
    notify('info', `Risk limits saved${parts.length ? `: ${parts.join('; ')}` : ''}.`);
    close();
  };

  /** BAD_LIMIT: errors next to the named fields; anything else (or no field named) goes to the footer. */
  const showFailure = (e: unknown) => {
    const msg = errorMessage(e);
    if (codeOf(e) === 'BAD_LIMIT') {
      const named = fieldsInMessage(msg).filter((f) => base && f.key in base[f.kind]);
      if (named.length) {
        setErrors(Object.fromEntries(named.map((f) => [id(f.kind, f.key), messageFor(msg, f.key)])));
        setGeneral(`Not saved: ${named.length === 1 ? 'a value is' : 'values are'} not accepted.`);
        return;
      }
    }
    setGeneral(`Not saved: ${msg}`);
  };

  const save = async () => {
    if (!client || !base) return;
    setGeneral(null);
    if (invalid.length) {
      setErrors(Object.fromEntries(invalid.map((k) => [k, 'Enter a number'])));
      return;
    }
    if (changes.length === 0) {
      setGeneral('Nothing changed.');
      return;
    }
    const risk: Values = {};
    const monitor: Values = {};
    for (const c of changes) (c.kind === 'risk' ? risk : monitor)[c.key] = c.after;
    setSaving(true);
    setErrors({});
    try {
      saved(await client.call('setRiskLimits', { risk: risk as Record<string, number>, monitor, confirmLoosening: false }));
    } catch (e) {
      if (codeOf(e) === 'CONFIRM_REQUIRED') {
        // The engine decides what loosens; its message names the fields.
        const named = new Set(fieldsInMessage(errorMessage(e)).map((f) => id(f.kind, f.key)));
        const loosened = named.size ? changes.filter((c) => named.has(id(c.kind, c.key))) : changes.filter((c) => c.dir === 'looser');
        setConfirm({ loosened: loosened.length ? loosened : changes, risk, monitor });
      } else showFailure(e);
    } finally {
      setSaving(false);
    }
  };

  const confirmLoosening = async (reason: string) => {
    if (!client || !confirm) return;
    try {
      const r = await client.call('setRiskLimits', {
        risk: confirm.risk as Record<string, number>,
        monitor: confirm.monitor,
        confirmLoosening: true,
        ...(reason ? { reason } : {}),
      });
      saved(r);
    } catch (e) {
      if (codeOf(e) === 'BAD_LIMIT') {
        showFailure(e);
        return; // closes the confirmation; the errors show on the fields
      }
      throw new Error(`Not saved: ${errorMessage(e)}`);
    }
  };

  const tighter = changes.filter((c) => c.dir === 'tighter').length;
  const looser = changes.filter((c) => c.dir === 'looser').length;

  return (
    <>
      <div className="settings-pane" data-testid="limits-editor" data-loaded={base !== null}>
        <p className="settings-lede">
          {readOnly ? 'Read-only: the engine shows a journal; limits cannot be changed.' : 'Changes apply at once to every new order. Loosening a limit asks for confirmation.'}
        </p>
        {loadError && (
          <div className="modal-error" role="alert">
            Could not load the limits: {loadError}
          </div>
        )}
        {!base && !loadError && <div className="rsec-empty">Loading limits…</div>}
        {base && (
          <div className="lim-columns">
            {(['risk', 'monitor'] as const).map((kind) => (
              <fieldset key={kind} className="lim-col" data-testid={`limits-${kind}`}>
                <legend>{kind === 'risk' ? 'Pre-trade limits' : 'Risk monitor'}</legend>
                {orderedKeys(kind, base[kind]).map((key) => {
                  const meta = metaOf(kind, key);
                  const c = changeOf.get(id(kind, key));
                  const err = errors[id(kind, key)];
                  const text = form[kind][key] ?? '';
                  const parsed = parseField(base[kind][key]!, text);
                  return (
                    <div key={key} className={`lim-row ${c ? `chg-${c.dir}` : ''} ${err ? 'has-error' : ''}`}>
                      <label className="lim-label" htmlFor={`lim-${kind}-${key}`}>
                        <span className="lim-name">{meta.label}</span>
                        <span className="lim-hint">{meta.hint}</span>
                      </label>
                      <input
                        id={`lim-${kind}-${key}`}
                        className={`ctl-input lim-input ${err ? 'invalid' : ''}`}
                        data-testid="limit-field"
                        data-key={key}
                        data-kind={kind}
                        inputMode={meta.unit === 'text' ? 'text' : 'decimal'}
                        autoComplete="off"
                        value={text}
                        readOnly={readOnly}
                        aria-invalid={err ? true : undefined}
                        onChange={(e) => setField(kind, key, e.target.value)}
                        onKeyDown={(e) => e.key === 'Enter' && void save()}
                      />
                      <span className="lim-aux">
                        {c && !err ? (
                          <span className={`dir-chip dir-${c.dir}`} data-testid="limit-direction" data-key={key} data-direction={c.dir} title={`was ${String(c.before)}`}>
                            {c.dir === 'tighter' ? '▼ tighter' : '▲ looser'}
                          </span>
                        ) : (
                          <span className="muted">{typeof parsed === 'number' ? readable(meta.unit, parsed) : ''}</span>
                        )}
                      </span>
                      {err && (
                        <div className="lim-error" role="alert" data-testid="limit-error" data-key={key} data-kind={kind}>
                          {err}
                        </div>
                      )}
                    </div>
                  );
                })}
              </fieldset>
            ))}
          </div>
        )}
        <div className="lim-footer">
          <span className="lim-summary" data-testid="limits-summary">
            {changes.length === 0 ? (
              <span className="muted">No changes</span>
            ) : (
              <>
                {changes.length} change{changes.length === 1 ? '' : 's'}
                {tighter > 0 && <span className="dir-chip dir-tighter">{tighter} tighter</span>}
                {looser > 0 && <span className="dir-chip dir-looser">{looser} looser</span>}
              </>
            )}
          </span>
          {general && (
            <span className="lim-general" role="alert" data-testid="limits-error">
              {general}
            </span>
          )}
          <div className="modal-actions">
            <button type="button" className="btn btn-ghost" disabled={saving || changes.length === 0} onClick={() => base && (setForm(toForm(base)), setErrors({}), setGeneral(null))}>
              Reset
            </button>
            <button type="button" className="btn btn-ghost" data-testid="limits-cancel" disabled={saving} onClick={close}>
              Close
            </button>
            <button type="button" className="btn btn-primary" data-testid="limits-save" disabled={!base || saving || !client || readOnly} onClick={() => void save()}>
              {saving ? 'Saving…' : 'Save'}
            </button>
          </div>
        </div>
      </div>
      {confirm && (
        <ConfirmModal
          title="Loosen risk limits?"
          tone="warning"
          confirmLabel={`Loosen ${confirm.loosened.length} limit${confirm.loosened.length === 1 ? '' : 's'}`}
          confirmTestId="limits-confirm"
          reasonTestId="limits-reason"
          reasonLabel="Reason (optional, journaled with the change)"
          reasonRequired={false}
          body={
            <>
              <p>These changes allow more risk than the current limits:</p>
              <ul className="loosen-list" data-testid="limits-loosened">
                {confirm.loosened.map((c) => (
                  <li key={id(c.kind, c.key)} data-key={c.key} data-kind={c.kind}>
                    <b>{metaOf(c.kind, c.key).label}</b> <span className="muted">({c.kind}.{c.key})</span>{' '}
                    <span className="mono">
                      {String(c.before)} → {String(c.after)}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          }
          onConfirm={confirmLoosening}
          onClose={() => setConfirm(null)}
        />
      )}
    </>
  );
}
