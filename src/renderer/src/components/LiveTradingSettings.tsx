// Settings › Live trading: whether the live-trading opt-in is on. Enable needs
// the exact confirmation phrase typed (the button stays off until it matches);
// Disable acts at once. The opt-in is read when a live venue starts, so this
// session keeps its mode either way.
import { useEffect, useState } from 'react';
import { notify, useDesk } from '../store/desk-store.js';
import { errorMessage } from '../transport/errors.js';
import { useClient } from './client-context.js';

interface LiveSettings {
  liveTradingEnabled: boolean;
  confirmationPhrase: string;
}

export function LiveTradingSettings({ onBusy }: { onBusy: (busy: boolean) => void }) {
  const client = useClient();
  const mode = useDesk((s) => s.status?.mode ?? null);
  const venue = useDesk((s) => s.status?.venue ?? null);
  const [settings, setSettings] = useState<LiveSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => onBusy(busy), [onBusy, busy]);

  useEffect(() => {
    if (!client) {
      setLoadError('Not connected to the engine');
      return;
    }
    let live = true;
    client.call('getSettings', {}).then(
      (s) => live && setSettings(s),
      (e: unknown) => live && setLoadError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const phrase = settings?.confirmationPhrase ?? '';
  const matches = phrase !== '' && typed === phrase;
  const enabled = settings?.liveTradingEnabled ?? false;

  const apply = async (on: boolean) => {
    if (!client) return;
    setBusy(true);
    setError(null);
    try {
      const s = await client.call('setLiveTrading', on ? { enabled: true, confirmation: typed } : { enabled: false });
      setSettings(s);
      setTyped('');
      notify('info', s.liveTradingEnabled ? 'Live trading ENABLED: it takes effect when a live venue is started.' : 'Live trading disabled.');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="settings-pane" data-testid="live-settings" data-loaded={settings !== null}>
      <p className="settings-lede">
        Live trading lets Tradedesk send real orders, with real money, to a live venue. It is off until you turn it on here (or with{' '}
        <code className="mono">tradedesk live enable</code>).
      </p>
      {loadError && (
        <div className="settings-error" role="alert">
          Could not read the settings: {loadError}
        </div>
      )}
      {settings && (
        <>
          <div className={`live-card ${enabled ? 'live-on' : 'live-off'}`} data-testid="live-status" data-enabled={String(enabled)}>
            <span className="live-card-state">{enabled ? 'LIVE TRADING ENABLED' : 'LIVE TRADING OFF'}</span>
            <span className="live-card-text">
              {enabled
                ? 'A live venue may be started and will trade real money.'
                : 'A live venue is refused at start; paper trading and the simulator are unaffected.'}
            </span>
          </div>
          <p className="live-note">
            Takes effect when a live venue is started: <code className="mono">tradedesk serve --venue alpaca-live</code>. This session
            {mode ? (
              <>
                {' '}
                ({venue}, <b className={mode === 'live' ? 'down' : ''}>{mode.toUpperCase()}</b>)
              </>
            ) : null}{' '}
            keeps running as it is.
          </p>
          {enabled ? (
            <div className="live-actions">
              <button type="button" className="btn btn-primary" data-testid="live-disable" disabled={busy || !client} onClick={() => void apply(false)}>
                {busy ? 'Working…' : 'Disable live trading'}
              </button>
            </div>
          ) : (
            <div className="live-enable">
              <label htmlFor="live-confirm" className="live-label">
                To enable, type this phrase exactly:
                <code className="live-phrase mono" data-testid="live-phrase">
                  {phrase}
                </code>
              </label>
              <div className="live-actions">
                <input
                  id="live-confirm"
                  type="text"
                  className={`ctl-input live-input ${typed && !matches && !phrase.startsWith(typed) ? 'invalid' : ''}`}
                  data-testid="live-confirm-input"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="type the phrase"
                  value={typed}
                  onChange={(e) => {
                    setTyped(e.target.value);
                    setError(null);
                  }}
                  onKeyDown={(e) => e.key === 'Enter' && matches && void apply(true)}
                />
                <button type="button" className="btn btn-danger" data-testid="live-enable" disabled={!matches || busy || !client} onClick={() => void apply(true)}>
                  {busy ? 'Working…' : 'Enable live trading'}
                </button>
              </div>
            </div>
          )}
          {error && (
            <div className="settings-error" role="alert" data-testid="live-error">
              {error}
            </div>
          )}
        </>
      )}
    </div>
  );
}
