// Renderer entry: picks the transport (Electron IPC or WebSocket), starts the
// store sync, the decision-log refresh tick, the reconciliation refresh and
// the critical-alert notifier, applies the saved theme, and mounts the React app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './components/App.js';
import { startDecisionTicker } from './store/decision-store.js';
import { setConnection, setProblem } from './store/desk-store.js';
import { startAlertNotifier } from './shell/alert-notifier.js';
import { startReconSync } from './store/recon-store.js';
import { startSync } from './store/sync.js';
import { pickClient } from './transport/pick-client.js';
import './styles.css';
import './shell/theme.css';

// The CSP forbids eval: tell zod not to probe for it (avoids CSP violation noise).
z.config({ jitless: true });

const boot = pickClient();
if (boot.ok) {
  const stop = startSync(boot.client);
  const stopTicker = startDecisionTicker();
  const stopRecon = startReconSync(boot.client);
  const stopNotifier = startAlertNotifier();
  window.addEventListener('beforeunload', () => {
    stopNotifier();
    stopRecon();
    stopTicker();
    stop();
  });
} else {
  setConnection('closed');
  setProblem(boot.error);
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App boot={boot} />
  </StrictMode>,
);
