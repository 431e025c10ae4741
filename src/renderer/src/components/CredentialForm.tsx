// The Add/Replace form of one broker row: a password field per credential
// field. The inputs are uncontrolled, so a secret never enters React or
// zustand state: Save reads them once, empties them at once and sends the
// values in the one setCredentials call. Errors name the field, never a value.
import { useEffect, useRef, useState } from 'react';
import type { CredentialStatus } from '../../../shared/api/contract.js';
import { fieldInError, fieldsOf, venueLabel } from '../lib/credentials.js';
import { errorCode, errorMessage } from '../transport/errors.js';
import type { RendererClient } from '../transport/renderer-client.js';

/** The contract's per-field limit. */
const MAX_LEN = 512;

interface Props {
  client: RendererClient;
  venue: string;
  /** Field names stored now (a Replace overwrites all of them). */
  stored: string[];
  onSaving: (saving: boolean) => void;
  onSaved: (status: CredentialStatus) => void;
  /** KEYCHAIN_UNAVAILABLE: the dialog shows the engine's message (how to fix it) once, above the rows. */
  onKeychainError: (message: string) => void;
  onCancel: () => void;
}

/** What is wrong with a typed value, without repeating it. */
function problemOf(value: string): string | null {
  if (value.length > MAX_LEN) return `is longer than ${MAX_LEN} characters`;
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'contains a control character';
  if (value.trim() !== value) return 'starts or ends with a space';
  return null;
}

export function CredentialForm({ client, venue, stored, onSaving, onSaved, onKeychainError, onCancel }: Props) {
  const specs = fieldsOf(venue);
  const inputs = useRef<Record<string, HTMLInputElement | null>>({});
  /** Which fields hold something (a flag, not the value). */
  const [filled, setFilled] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<{ field: string | null; code: string; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    inputs.current[specs[0]!.name]?.focus();
  }, [specs]);

  // Empties the fields when the form goes away (Cancel, dialog closed).
  useEffect(() => {
    const els = inputs.current;
    return () => {
      for (const el of Object.values(els)) if (el) el.value = '';
    };
  }, []);

  const ready = !saving && specs.every((f) => !f.required || filled[f.name]);

  const clearInputs = () => {
    for (const el of Object.values(inputs.current)) if (el) el.value = '';
    setFilled({});
  };

  const save = async () => {
    if (!ready) return;
    const fields: Record<string, string> = {};
    for (const f of specs) {
      const value = inputs.current[f.name]?.value ?? '';
      if (value === '') continue;
      const problem = problemOf(value);
      if (problem) {
        setError({ field: f.name, code: 'LOCAL', text: `${f.name} ${problem}` });
        return;
      }
      fields[f.name] = value;
    }
    clearInputs();
    setError(null);
    setSaving(true);
    onSaving(true);
    try {
      onSaved(await client.call('setCredentials', { venue, fields }));
    } catch (e) {
      const text = errorMessage(e);
      const code = errorCode(e);
      if (code === 'KEYCHAIN_UNAVAILABLE') {
        onKeychainError(text);
        setError({ field: null, code, text: 'Not saved: the OS keychain is not available (see above). Type the keys again once it is.' });
      } else {
        setError({ field: fieldInError(venue, text), code: code ?? '', text: `Not saved: ${text}. Type the keys again.` });
      }
    } finally {
      setSaving(false);
      onSaving(false);
    }
  };

  return (
    <div className="brk-form" data-testid="broker-form" data-venue={venue}>
      <div className="brk-form-title">
        {stored.length ? 'Replace' : 'Add'} {venueLabel(venue)} keys
        <span className="muted">
          {stored.length ? ` · replaces the stored ${stored.join(', ')}` : ''} · saved to the OS keychain; the fields empty as soon as you save
        </span>
      </div>
      <div className="brk-form-grid">
        {specs.map((f) => (
          <label key={f.name} className={`brk-field ${error?.field === f.name ? 'has-error' : ''}`}>
            <span className="brk-field-label">
              <span className="mono">{f.name}</span> <span className="muted">{f.label}</span>
            </span>
            <input
              ref={(el) => {
                inputs.current[f.name] = el;
              }}
              type="password"
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="off"
              autoCorrect="off"
              className={`ctl-input brk-input ${error?.field === f.name ? 'invalid' : ''}`}
              data-testid="broker-field"
              data-field={f.name}
              placeholder={f.required ? 'required' : 'optional'}
              aria-invalid={error?.field === f.name ? true : undefined}
              onInput={(e) => {
                const has = e.currentTarget.value !== '';
                setFilled((s) => (s[f.name] === has ? s : { ...s, [f.name]: has }));
                if (error) setError(null);
              }}
              onKeyDown={(e) => e.key === 'Enter' && void save()}
            />
          </label>
        ))}
      </div>
      <div className="brk-form-foot">
        {error && (
          <span className="brk-inline-error" role="alert" data-testid="broker-form-error" data-field={error.field ?? ''} data-code={error.code}>
            {error.text}
          </span>
        )}
        <span className="brk-form-actions">
          <button type="button" className="btn btn-xs btn-ghost" data-testid="broker-cancel" disabled={saving} onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="btn btn-xs btn-primary" data-testid="broker-save" disabled={!ready} onClick={() => void save()}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </span>
      </div>
    </div>
  );
}
