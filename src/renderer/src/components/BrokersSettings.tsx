// Settings › Brokers: one row per venue (Alpaca paper, Alpaca live, every
// ccxt exchange with stored keys, plus one added here by id) showing which
// fields the OS keychain holds and since when: names only, never a value.
// Add/Replace opens password fields; Test connects with the stored keys;
// Remove asks first. A keychain that does not answer shows the engine's
// message (it says how to fix it).
import { useCallback, useEffect, useState } from 'react';
import type { CredentialStatus } from '../../../shared/api/contract.js';
import { CCXT_ID, isLiveVenue, sortVenues, venueLabel } from '../lib/credentials.js';
import { fmtDateTime } from '../lib/format.js';
import { errorCode, errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';
import { ConfirmModal } from './ConfirmModal.js';
import { CredentialForm } from './CredentialForm.js';

type TestState = { running: true } | { running: false; ok: boolean; message: string };

export function BrokersSettings({ onBusy }: { onBusy: (busy: boolean) => void }) {
  const client = useClient();
  const [statuses, setStatuses] = useState<Record<string, CredentialStatus> | null>(null);
  const [loadError, setLoadError] = useState<{ code: string | null; text: string } | null>(null);
  /** ccxt venues added here by id that have nothing stored yet. */
  const [added, setAdded] = useState<string[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const [removing, setRemoving] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [ccxtId, setCcxtId] = useState('');
  const [ccxtError, setCcxtError] = useState<string | null>(null);

  useEffect(() => onBusy(saving || removing !== null), [onBusy, saving, removing]);

  const load = useCallback(async () => {
    if (!client) {
      setLoadError({ code: null, text: 'Not connected to the engine' });
      return;
    }
    try {
      const list = await client.call('credentialStatus', {});
      setStatuses(Object.fromEntries(list.map((s) => [s.venue, s])));
      setLoadError(null);
    } catch (e) {
      setLoadError({ code: errorCode(e), text: errorMessage(e) });
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  const venues = sortVenues([...Object.keys(statuses ?? {}), ...added]);

  const onSaved = (st: CredentialStatus) => {
    setStatuses((s) => ({ ...(s ?? {}), [st.venue]: st }));
    setTests((t) => omit(t, st.venue));
    setEditing(null);
    void load();
  };

  const test = async (venue: string) => {
    if (!client) return;
    setTests((t) => ({ ...t, [venue]: { running: true } }));
    let r: TestState;
    try {
      const res = await client.call('testCredentials', { venue });
      r = { running: false, ok: res.ok, message: res.message };
    } catch (e) {
      r = { running: false, ok: false, message: errorMessage(e) };
    }
    setTests((t) => ({ ...t, [venue]: r }));
  };

  const remove = async (venue: string) => {
    if (!client) return;
    try {
      const st = await client.call('deleteCredentials', { venue });
      setStatuses((s) => ({ ...(s ?? {}), [venue]: st }));
      setTests((t) => omit(t, venue));
      setAdded((a) => a.filter((v) => v !== venue));
      if (editing === venue) setEditing(null);
      void load();
    } catch (e) {
      throw new Error(`Not removed: ${errorMessage(e)}`);
    }
  };

  const addCcxt = () => {
    const id = ccxtId.trim().toLowerCase().replace(/^ccxt:/, '');
    if (!CCXT_ID.test(id)) {
      setCcxtError('Enter a ccxt exchange id: lower-case letters and digits, e.g. kraken');
      return;
    }
    const venue = `ccxt:${id}`;
    setAdded((a) => (a.includes(venue) ? a : [...a, venue]));
    setEditing(venue);
    setCcxtId('');
    setCcxtError(null);
  };

  return (
    <div className="settings-pane" data-testid="brokers-settings" data-loaded={statuses !== null}>
      <p className="settings-lede">
        API keys are kept in the OS keychain, never in Tradedesk's files. This window shows which fields are stored, never their values; a stored secret is
        never sent back to it.
      </p>
      {loadError && (
        <div className="settings-error" role="alert" data-testid="broker-error" data-code={loadError.code ?? ''}>
          {loadError.code === 'KEYCHAIN_UNAVAILABLE' ? <b>No OS keychain. </b> : <b>Could not read the stored keys. </b>}
          {loadError.text}
        </div>
      )}
      <div className="brk-list">
        {venues.map((venue) => {
          // a venue added here but not stored yet is known to be empty once the list loaded
          const st = statuses ? (statuses[venue] ?? { venue, present: false, fields: [], updatedAt: null }) : null;
          const t = tests[venue];
          const present = st?.present ?? false;
          return (
            <div key={venue} className={`brk-row ${present ? 'brk-present' : ''}`} data-testid="broker-row" data-venue={venue} data-present={st ? String(present) : 'unknown'}>
              <div className="brk-main">
                <div className="brk-venue">
                  <span className="brk-name">{venueLabel(venue)}</span>
                  <span className="brk-id mono">{venue}</span>
                  {isLiveVenue(venue) && <span className="brk-live">REAL MONEY</span>}
                </div>
                <div className="brk-stored">
                  {st === null ? (
                    <span className="muted">{loadError ? 'unknown' : 'checking…'}</span>
                  ) : present ? (
                    <>
                      <span className="brk-state on">Stored</span>
                      <span className="brk-fields" data-testid="broker-fields">
                        {st.fields.map((f) => (
                          <span key={f} className="chip mono">
                            {f}
                          </span>
                        ))}
                      </span>
                    </>
                  ) : (
                    <span className="brk-state">Not set</span>
                  )}
                </div>
                <div className="brk-updated muted" data-testid="broker-updated">
                  {st?.updatedAt ? `updated ${fmtDateTime(st.updatedAt)}` : ''}
                </div>
                <div className="brk-actions">
                  <button
                    type="button"
                    className="btn btn-xs btn-primary"
                    data-testid="broker-add"
                    disabled={!client || editing === venue}
                    onClick={() => setEditing(venue)}
                  >
                    {present ? 'Replace' : 'Add'}
                  </button>
                  <button
                    type="button"
                    className="btn btn-xs"
                    data-testid="broker-test"
                    disabled={!client || !present || t?.running === true}
                    title={present ? 'Connect with the stored keys and read the account' : 'Nothing stored to test'}
                    onClick={() => void test(venue)}
                  >
                    {t?.running ? 'Testing…' : 'Test'}
                  </button>
                  <button type="button" className="btn btn-xs btn-danger-outline" data-testid="broker-remove" disabled={!client || !present} onClick={() => setRemoving(venue)}>
                    Remove
                  </button>
                </div>
              </div>
              {t && !t.running && (
                <div className={`brk-result ${t.ok ? 'ok' : 'bad'}`} role="status" data-testid="broker-test-result" data-ok={String(t.ok)}>
                  <b>{t.ok ? 'OK' : 'FAILED'}</b> <span className="brk-result-msg">{t.message}</span>
                </div>
              )}
              {editing === venue && client && (
                <CredentialForm
                  client={client}
                  venue={venue}
                  stored={st?.present ? st.fields : []}
                  onSaving={setSaving}
                  onSaved={onSaved}
                  onKeychainError={(text) => setLoadError({ code: 'KEYCHAIN_UNAVAILABLE', text })}
                  onCancel={() => {
                    setEditing(null);
                    if (!present) setAdded((a) => a.filter((v) => v !== venue));
                  }}
                />
              )}
            </div>
          );
        })}
      </div>
      <div className="brk-add-ccxt">
        <label htmlFor="brk-ccxt-id" className="muted">
          Add a ccxt exchange
        </label>
        <span className="brk-prefix mono">ccxt:</span>
        <input
          id="brk-ccxt-id"
          className={`ctl-input ${ccxtError ? 'invalid' : ''}`}
          data-testid="broker-ccxt-id"
          placeholder="exchange id, e.g. kraken"
          autoComplete="off"
          spellCheck={false}
          value={ccxtId}
          onChange={(e) => {
            setCcxtId(e.target.value);
            setCcxtError(null);
          }}
          onKeyDown={(e) => e.key === 'Enter' && addCcxt()}
        />
        <button type="button" className="btn btn-xs" data-testid="broker-ccxt-add" disabled={!client || ccxtId.trim() === ''} onClick={addCcxt}>
          Add exchange
        </button>
        {ccxtError && (
          <span className="brk-inline-error" role="alert">
            {ccxtError}
          </span>
        )}
      </div>
      {removing && (
        <ConfirmModal
          title={`Remove the ${venueLabel(removing)} keys?`}
          tone="danger"
          confirmLabel="Remove keys"
          body={
            <p>
              Deletes {statuses?.[removing]?.fields.join(', ') || 'the stored fields'} for <b className="mono">{removing}</b> from the OS keychain. Tradedesk cannot connect
              to {venueLabel(removing)} again until keys are added.
            </p>
          }
          onConfirm={() => remove(removing)}
          onClose={() => setRemoving(null)}
        />
      )}
    </div>
  );
}

function omit<T>(rec: Record<string, T>, key: string): Record<string, T> {
  if (!(key in rec)) return rec;
  const next = { ...rec };
  delete next[key];
  return next;
}
