// Settings, reconciliation, health and download progress against a real
// `tradedesk serve` on the simulator, with its keychain entries under a unique
// service name (TRADEDESK_KEYCHAIN_SERVICE), so no user's keys are touched.
// Brokers: Alpaca paper keys are added (password fields, emptied on save), the
// row shows the field names and never the values (page text, HTML, inputs,
// storage, and every WebSocket frame the page receives); Test fails with a
// message naming alpaca (no Alpaca reachable here); Remove asks, then the row
// is empty. Live trading: Enable stays off until the phrase is typed exactly,
// then enables; Disable turns it off; the session stays PAPER. Health shows
// quality rows with bars; Reconciliation shows its state on a fresh session.
// A second test feeds dataProgress events into the page's WebSocket and sees
// the status-bar progress appear and go.
import { expect, test, type Page, type WebSocketRoute } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startServe, type ServeHandle } from './support/serve.js';
import { shot, waitForLiveUi } from './support/ui.js';
import { expectAccessibleBothThemes } from './support/axe.js';

const SERVICE = `tradedesk-e2e-${process.pid}-${Date.now()}`;
const KEY_ID = 'PKTEST-e2e-key';
const SECRET = 'e2e-secret-value-123';

let server: ServeHandle;

test.beforeAll(async () => {
  server = await startServe(['--port', '0', '--speed', '600', '--seed', '7'], undefined, { env: { TRADEDESK_KEYCHAIN_SERVICE: SERVICE } });
});

test.afterAll(async () => {
  await server?.stop();
  // Whatever a failed run left in the throwaway service goes too.
  try {
    const { Entry } = createRequire(import.meta.url)('@napi-rs/keyring') as typeof import('@napi-rs/keyring');
    for (const venue of ['alpaca', 'alpaca-live', 'ccxt:kraken']) {
      try {
        new Entry(SERVICE, `credentials:${venue}`).deletePassword();
      } catch {
        // not there, or no keychain
      }
    }
  } catch {
    // no keyring module: nothing to clean
  }
});

/** The settings dialog, which later checks are scoped to (the page behind it was checked whole with it open). */
const SETTINGS = '[data-testid="settings-dialog"]';

const brokerRow = (page: Page, venue: string) => page.locator(`[data-testid="broker-row"][data-venue="${venue}"]`);

/** Every file under a folder, as bytes (the journal, its WAL, settings). */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [{ path: p, bytes: readFileSync(p) }];
  });
}

/** Everything the page could show or keep: visible text, HTML (attributes), input values, web storage. */
async function pageHoldings(page: Page): Promise<string> {
  return page.evaluate(() => {
    const inputs = [...document.querySelectorAll('input, textarea')].map((el) => (el as HTMLInputElement).value);
    const storage = [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k) ?? ''}`));
    return [document.body.innerText, document.documentElement.outerHTML, document.title, location.href, ...inputs, ...storage].join('\n');
  });
}

test('brokers, live trading, PAPER badge, health and reconciliation', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.text().startsWith('Refused to')) problems.push(`CSP violation: ${m.text()}`);
    if (m.text().includes(SECRET) || m.text().includes(KEY_ID)) problems.push('a secret was logged to the console');
  });
  const received: string[] = [];
  const sent: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => received.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8')));
    ws.on('framesent', (f) => sent.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8')));
  });

  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  const badge = page.getByTestId('mode-badge');
  await expect(badge).toHaveText('PAPER');
  await expect(badge).toHaveAttribute('data-mode', 'paper');

  // ---- Settings is tabbed; Risk limits is the first tab.
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('settings-tab-limits')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('limits-editor')).toHaveAttribute('data-loaded', 'true');
  await expectAccessibleBothThemes(page, 'settings: risk limits', SETTINGS);

  // ---- Brokers: nothing stored under the fresh service.
  await page.getByTestId('settings-tab-brokers').click();
  await expect(page.getByTestId('brokers-settings')).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('broker-error')).toHaveCount(0);
  const alpaca = brokerRow(page, 'alpaca');
  await expect(alpaca).toHaveAttribute('data-present', 'false');
  await expect(alpaca).toContainText('Alpaca paper');
  await expect(brokerRow(page, 'alpaca-live')).toHaveAttribute('data-present', 'false');
  await expect(brokerRow(page, 'alpaca-live')).toContainText('Alpaca live');
  await expect(alpaca.getByTestId('broker-test')).toBeDisabled();
  await expect(alpaca.getByTestId('broker-remove')).toBeDisabled();

  // Add: one password field per credential field; Save needs both.
  await alpaca.getByTestId('broker-add').click();
  const fields = alpaca.getByTestId('broker-field');
  await expect(fields).toHaveCount(2);
  for (const name of ['keyId', 'secretKey']) {
    const f = alpaca.locator(`[data-testid="broker-field"][data-field="${name}"]`);
    await expect(f).toHaveAttribute('type', 'password');
    await expect(f).toHaveAttribute('autocomplete', 'off');
  }
  const save = alpaca.getByTestId('broker-save');
  await expect(save).toBeDisabled();
  await alpaca.locator('[data-testid="broker-field"][data-field="keyId"]').fill(KEY_ID);
  await expect(save).toBeDisabled();
  await alpaca.locator('[data-testid="broker-field"][data-field="secretKey"]').fill(SECRET);
  await expect(save).toBeEnabled();
  await shot(page, '60-brokers-form');
  await expectAccessibleBothThemes(page, 'settings: brokers with the credentials form', SETTINGS);
  await save.click();

  // Stored: the row names the fields and when; the form (and its values) are gone.
  await expect(alpaca).toHaveAttribute('data-present', 'true');
  await expect(alpaca.getByTestId('broker-fields')).toContainText('keyId');
  await expect(alpaca.getByTestId('broker-fields')).toContainText('secretKey');
  await expect(alpaca.getByTestId('broker-updated')).toContainText(/updated \d{4}-\d{2}-\d{2}/);
  await expect(alpaca.getByTestId('broker-add')).toHaveText('Replace');
  await expect(page.getByTestId('broker-form')).toHaveCount(0);
  let holdings = await pageHoldings(page);
  expect(holdings).not.toContain(SECRET);
  expect(holdings).not.toContain(KEY_ID);
  await shot(page, '61-brokers-stored');

  // Test: no Alpaca is reachable here, so it fails, with a message naming alpaca.
  await alpaca.getByTestId('broker-test').click();
  const result = alpaca.getByTestId('broker-test-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText(/alpaca/i);
  expect(await result.innerText()).not.toContain(SECRET);
  await shot(page, '62-brokers-test-failed');
  await expectAccessibleBothThemes(page, 'settings: brokers, a key stored and its test failed', SETTINGS);

  // Replace opens the form again, empty; Cancel leaves the stored keys alone.
  await alpaca.getByTestId('broker-add').click();
  await expect(alpaca.locator('[data-testid="broker-field"][data-field="secretKey"]')).toHaveValue('');
  await alpaca.getByTestId('broker-cancel').click();
  await expect(alpaca).toHaveAttribute('data-present', 'true');

  // A ccxt exchange by id: a bad id is refused; a good one gets a row with three fields; Cancel drops it.
  await page.getByTestId('broker-ccxt-id').fill('Not An Id!');
  await page.getByTestId('broker-ccxt-add').click();
  await expect(page.locator('.brk-add-ccxt [role="alert"]')).toContainText('ccxt exchange id');
  await page.getByTestId('broker-ccxt-id').fill('kraken');
  await page.getByTestId('broker-ccxt-add').click();
  const kraken = brokerRow(page, 'ccxt:kraken');
  await expect(kraken).toHaveAttribute('data-present', 'false');
  await expect(kraken.getByTestId('broker-field')).toHaveCount(3);
  await expect(kraken.locator('[data-testid="broker-field"][data-field="password"]')).toHaveAttribute('type', 'password');
  await kraken.getByTestId('broker-cancel').click();
  await expect(kraken).toHaveCount(0);

  // Remove asks first, then the row is empty.
  await alpaca.getByTestId('broker-remove').click();
  await expect(page.getByTestId('modal')).toContainText('keyId, secretKey');
  await shot(page, '63-brokers-remove-confirm');
  await page.getByTestId('modal-confirm').click();
  await expect(page.getByTestId('modal')).toHaveCount(0);
  await expect(alpaca).toHaveAttribute('data-present', 'false');
  await expect(alpaca.getByTestId('broker-fields')).toHaveCount(0);

  // ---- Live trading: Enable only with the exact phrase.
  await page.getByTestId('settings-tab-live').click();
  const status = page.getByTestId('live-status');
  await expect(status).toHaveAttribute('data-enabled', 'false');
  await expect(page.getByTestId('live-settings')).toContainText('tradedesk serve --venue alpaca-live');
  const phrase = (await page.getByTestId('live-phrase').innerText()).trim();
  expect(phrase.length).toBeGreaterThan(5);
  const enable = page.getByTestId('live-enable');
  const input = page.getByTestId('live-confirm-input');
  await expect(enable).toBeDisabled();
  await input.fill(phrase.toLowerCase());
  await expect(enable).toBeDisabled();
  await input.fill(`${phrase} `);
  await expect(enable).toBeDisabled();
  await input.fill(phrase);
  await expect(enable).toBeEnabled();
  await shot(page, '64-live-confirm');
  await expectAccessibleBothThemes(page, 'settings: live trading', SETTINGS);
  await enable.click();
  await expect(status).toHaveAttribute('data-enabled', 'true');
  await expect(status).toContainText('ENABLED');
  await shot(page, '65-live-enabled');
  // The opt-in applies when a live venue starts: this session stays PAPER.
  await expect(badge).toHaveText('PAPER');
  await page.getByTestId('live-disable').click();
  await expect(status).toHaveAttribute('data-enabled', 'false');
  await expect(page.getByTestId('live-enable')).toBeDisabled();

  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-dialog')).toHaveCount(0);
  await expect(badge).toHaveText('PAPER');
  await expect(page.locator('.app')).toHaveAttribute('data-mode', 'paper');

  // ---- Health: data quality per simulator symbol, with bars.
  await page.getByTestId('health-tab').click();
  const rows = page.getByTestId('quality-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(5);
  const eth = page.locator('[data-testid="quality-row"][data-symbol="ETH/USD"]');
  await expect.poll(async () => Number(await eth.getAttribute('data-bars')), { message: 'ETH/USD bars counted' }).toBeGreaterThan(0);
  await expect(page.getByTestId('venue-health')).toContainText('sim');
  // the event-loop lag of the process hosting the engine is measured and shown
  const lag = page.getByTestId('event-loop-lag');
  await expect(lag).toContainText('p99');
  await expect.poll(async () => (await lag.getAttribute('data-p99')) ?? '', { message: 'event-loop p99 shown' }).toMatch(/^\d+(\.\d+)?$/);
  const firstUpdate = Number(await page.getByTestId('health-view').getAttribute('data-updated'));
  await expect.poll(async () => Number(await page.getByTestId('health-view').getAttribute('data-updated')), { timeout: 15_000, message: 'refreshed every 5 s' }).toBeGreaterThan(firstUpdate);
  await shot(page, '66-health');

  // ---- Reconciliation: the simulator has nothing to reconcile.
  await page.getByTestId('reconciliation-tab').click();
  await expect(page.getByTestId('reconciliation-state')).toHaveAttribute('data-state', /^(none|complete)$/);
  await expect(page.getByTestId('reconciliation-banner')).toHaveCount(0);
  await expect(page.getByTestId('reconciliation-diff')).toHaveCount(0);
  await shot(page, '67-reconciliation');
  await expectAccessibleBothThemes(page, 'reconciliation panel', '[data-testid="reconciliation-view"]');

  // ---- The secrets went out once, in setCredentials, and never came back.
  holdings = await pageHoldings(page);
  expect(holdings).not.toContain(SECRET);
  expect(holdings).not.toContain(KEY_ID);
  expect(sent.filter((f) => f.includes(SECRET))).toHaveLength(1);
  expect(sent.find((f) => f.includes(SECRET))).toContain('"cmd":"setCredentials"');
  expect(received.length).toBeGreaterThan(10);
  expect(received.filter((f) => f.includes(SECRET) || f.includes(KEY_ID))).toEqual([]);
  // ...and reached neither the engine's log nor its data folder (journal, settings).
  expect(server.stderr()).not.toContain(SECRET);
  expect(server.stderr()).not.toContain(KEY_ID);
  const files = filesUnder(server.dataDir);
  expect(files.length, 'the engine keeps a journal in its data folder').toBeGreaterThan(0);
  const leaks = files.filter((f) => f.bytes.includes(SECRET) || f.bytes.includes(KEY_ID)).map((f) => f.path);
  expect(leaks).toEqual([]);
  expect(problems).toEqual([]);
});

test('history download progress shows in the status bar while it runs', async ({ page }) => {
  let route: WebSocketRoute | undefined;
  await page.routeWebSocket(/\/ws\?token=/, (ws) => {
    ws.connectToServer();
    route = ws;
  });
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  expect(route).toBeDefined();
  const progress = page.getByTestId('data-progress');
  await expect(progress).toHaveCount(0);

  const send = (data: { done: number; total: number; failed: number; canceled: number; inFlight: number; queued: number; symbol: string }) =>
    route!.send(JSON.stringify({ event: 'dataProgress', data }));
  send({ done: 12, total: 24, failed: 1, canceled: 0, inFlight: 2, queued: 9, symbol: 'SPY' });
  await expect(progress).toHaveText('history 12/24, 1 failed');
  await expect(progress).toHaveAttribute('data-total', '24');
  await shot(page, '68-data-progress');
  send({ done: 23, total: 24, failed: 1, canceled: 0, inFlight: 0, queued: 0, symbol: 'QQQ' });
  await expect(progress).toHaveCount(0);
});

test('LIVE look and reconciliation differences (engine answers rewritten in the page WebSocket)', async ({ page }) => {
  // The simulator is PAPER and has nothing to reconcile: the page's socket is
  // routed so status says LIVE on alpaca-live and reconciliation reports two
  // differences, which acknowledgeDifference (answered here) clears one by one.
  const diffs = [
    { id: 'position:AAPL:1', kind: 'position' as const, symbol: 'AAPL', detail: "position AAPL: 10 here, 12 at alpaca-live; adopted the venue's (external or missed fills)", acknowledged: false },
    { id: 'order:SPY:2', kind: 'order' as const, symbol: 'SPY', detail: 'external order ext-7 (buy 5) adopted', acknowledged: false },
  ];
  const view = () => ({
    state: diffs.every((d) => d.acknowledged) ? 'complete' : 'differences',
    trigger: 'start',
    startedAt: Date.UTC(2026, 0, 5, 14, 30),
    differences: diffs,
  });
  const asLive = (status: { mode: string; venue: string }) => {
    status.mode = 'live';
    status.venue = 'alpaca-live';
  };
  await page.routeWebSocket(/\/ws\?token=/, (ws) => {
    const server = ws.connectToServer();
    const pending = new Map<number, string>();
    ws.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { id: number; cmd: string; args: { id?: string } };
      if (msg.cmd === 'acknowledgeDifference') {
        const d = diffs.find((x) => x.id === msg.args.id);
        if (d) d.acknowledged = true;
        ws.send(JSON.stringify({ id: msg.id, ok: true, result: view() }));
        return;
      }
      pending.set(msg.id, msg.cmd);
      server.send(m);
    });
    server.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { id?: number; ok?: boolean; event?: string; data?: unknown; result?: unknown };
      if (msg.event === 'status') asLive(msg.data as { mode: string; venue: string });
      if (typeof msg.id === 'number' && msg.ok) {
        const cmd = pending.get(msg.id);
        if (cmd === 'reconciliation') msg.result = view();
        if (cmd === 'snapshot') asLive((msg.result as { status: { mode: string; venue: string } }).status);
        if (cmd === 'status') asLive(msg.result as { mode: string; venue: string });
      }
      if (typeof msg.id === 'number') pending.delete(msg.id);
      ws.send(JSON.stringify(msg));
    });
  });
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);

  const badge = page.getByTestId('mode-badge');
  await expect(badge).toHaveText('LIVE');
  await expect(badge).toHaveAttribute('data-mode', 'live');
  await expect(page.locator('.app')).toHaveClass(/app-live/);
  await expect(page).toHaveTitle(/LIVE/);

  const banner = page.getByTestId('reconciliation-banner');
  await expect(banner).toContainText('Trading is REDUCING until every reconciliation difference is acknowledged');
  await expect(page.getByTestId('reconciliation-badge')).toHaveText('2');
  await shot(page, '69-live-reconciliation-banner');

  await page.getByTestId('reconciliation-banner-link').click();
  await expect(page.getByTestId('dock')).toHaveAttribute('data-tab', 'reconciliation');
  await expect(page.getByTestId('reconciliation-state')).toHaveAttribute('data-state', 'differences');
  const rows = page.getByTestId('reconciliation-diff');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('position');
  await expect(rows.first()).toContainText('AAPL');
  await shot(page, '70-reconciliation-differences');
  await expectAccessibleBothThemes(page, 'reconciliation panel with differences, LIVE');

  const first = page.locator('[data-testid="reconciliation-diff"][data-id="position:AAPL:1"]');
  await first.getByTestId('reconciliation-ack').click();
  await expect(first).toHaveAttribute('data-acknowledged', 'true');
  await expect(page.getByTestId('reconciliation-badge')).toHaveText('1');
  await expect(banner).toBeVisible();
  await page.locator('[data-testid="reconciliation-diff"][data-id="order:SPY:2"]').getByTestId('reconciliation-ack').click();
  await expect(page.getByTestId('reconciliation-state')).toHaveAttribute('data-state', 'complete');
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('reconciliation-badge')).toHaveCount(0);
  await expect(page.getByTestId('reconciliation-ack')).toHaveCount(0);

  // The LIVE edge stays on top of Settings.
  await page.getByTestId('settings-button').click();
  await page.getByTestId('settings-tab-live').click();
  await expect(page.getByTestId('live-status')).toBeVisible();
  await shot(page, '71-live-settings-over-live-session');
  await page.keyboard.press('Escape');
});

test('without an OS keychain, Brokers shows the engine message that says how to fix it', async ({ page }) => {
  test.skip(process.platform !== 'linux', 'the keychain is made unreachable through D-Bus');
  // A second engine whose D-Bus address leads nowhere: the Secret Service does not answer.
  const noKeychain = await startServe(['--port', '0', '--speed', '60', '--seed', '7'], undefined, {
    env: { TRADEDESK_KEYCHAIN_SERVICE: `${SERVICE}-none`, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tradedesk-e2e' },
  });
  try {
    await page.goto(noKeychain.uiUrl);
    await waitForLiveUi(page);
    await page.getByTestId('settings-button').click();
    await page.getByTestId('settings-tab-brokers').click();
    const error = page.getByTestId('broker-error');
    await expect(error).toHaveAttribute('data-code', 'KEYCHAIN_UNAVAILABLE');
    await expect(error).toContainText('keychain is not available');
    await expect(error).toContainText('gnome-keyring');
    await expect(brokerRow(page, 'alpaca')).toHaveAttribute('data-present', 'unknown');
    // Save fails with the same message; the typed values are gone from the fields.
    const alpaca = brokerRow(page, 'alpaca');
    await alpaca.getByTestId('broker-add').click();
    await alpaca.locator('[data-testid="broker-field"][data-field="keyId"]').fill(KEY_ID);
    await alpaca.locator('[data-testid="broker-field"][data-field="secretKey"]').fill(SECRET);
    await alpaca.getByTestId('broker-save').click();
    await expect(alpaca.getByTestId('broker-form-error')).toHaveAttribute('data-code', 'KEYCHAIN_UNAVAILABLE');
    await expect(alpaca.getByTestId('broker-form-error')).toContainText('keychain is not available');
    for (const f of await alpaca.getByTestId('broker-field').all()) await expect(f).toHaveValue('');
    await expect(alpaca.getByTestId('broker-save')).toBeDisabled();
    await shot(page, '72-brokers-no-keychain');
  } finally {
    await noKeychain.stop();
  }
});
