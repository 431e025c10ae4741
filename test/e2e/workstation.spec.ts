// The workstation shell against a real `tradedesk serve` (speed 600, seed 7):
// the rearrangeable layout (move by menu and keyboard, resize, reload keeps
// it, reset), the Dashboard's figures updating, the kill-switch shortcuts
// reaching the engine and the help overlay, the theme remembered, alerts
// acknowledged (and an acknowledgement the engine refuses shown beside its
// button), critical alerts as browser notifications, and a dropped engine
// link: banner, reconnect, layout kept. Checks accessibility (axe) in both
// themes in the main states and writes the README screenshots.
import { expect, test, type Page, type WebSocketRoute } from '@playwright/test';
import { WsEngineClient } from '../../src/cli/ws-client.js';
import { expectAccessible, expectAccessibleBothThemes } from './support/axe.js';
import { startServe, type ServeHandle } from './support/serve.js';
import { docShot, shot, waitForLiveUi } from './support/ui.js';

test.describe.configure({ mode: 'serial' });
// The theme's default follows prefers-color-scheme: dark here.
test.use({ colorScheme: 'dark' });

let server: ServeHandle;

test.beforeAll(async () => {
  server = await startServe();
});

test.afterAll(async () => {
  await server?.stop();
});

/** Until the chart holds its history (a README picture shows that, not the live bars that came before it). */
async function chartHistoryShown(page: Page): Promise<void> {
  await expect.poll(async () => Number(await page.getByTestId('chart').getAttribute('data-bars')), { timeout: 30_000 }).toBeGreaterThan(100);
}

async function engineState(): Promise<string> {
  const api = await WsEngineClient.connect(server.uiUrl);
  try {
    return (await api.call('status', {})).tradingState;
  } finally {
    api.close();
  }
}

const area = (page: Page, id: string) => page.getByTestId(`area-${id}`);
const width = async (page: Page, id: string) => (await area(page, id).boundingBox())!.width;

test('layout: move a panel by menu and keyboard, resize, reload keeps it, reset restores it', async ({ page }) => {
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  await expect(area(page, 'center')).toHaveAttribute('data-panels', 'chart dashboard');
  await expect(page.getByRole('tab', { name: 'Chart', selected: true })).toBeVisible();
  await expect(page.getByTestId('position-row').first()).toBeVisible({ timeout: 90_000 });
  await chartHistoryShown(page);
  await docShot(page, 'ws-workstation-dark', 'workstation-dark');
  await expectAccessibleBothThemes(page, 'workstation');
  // the trading controls are whole and on screen at this width and narrower ones (the rest of the top bar compacts)
  const controlsOnScreen = async () => {
    for (const id of ['trading-state', 'halt-button', 'resume-button', 'kill-button', 'flatten-button']) await expect(page.getByTestId(id)).toBeInViewport({ ratio: 1 });
    // and the dock's Export button is whole (its summary line ellipsizes first)
    const exp = page.getByTestId('export-button');
    expect(await exp.evaluate((b) => b.scrollWidth <= b.clientWidth + 1 && b.getBoundingClientRect().right <= document.documentElement.clientWidth)).toBe(true);
  };
  await controlsOnScreen();

  // A narrow right column: the positions table scrolls sideways and its last column is reachable.
  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: 1280, height: viewport.height });
  await controlsOnScreen();
  await page.setViewportSize({ width: 900, height: viewport.height });
  await controlsOnScreen();
  const scroller = page.getByTestId('positions-scroll');
  await expect.poll(() => scroller.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeGreaterThan(20);
  const lastHeader = page.getByTestId('positions-table').locator('th').last();
  const outside = () => Promise.all([scroller.boundingBox(), lastHeader.boundingBox()]).then(([s, h]) => h!.x + h!.width - (s!.x + s!.width));
  expect(await outside()).toBeGreaterThan(0);
  await scroller.evaluate((e) => e.scrollTo({ left: e.scrollWidth }));
  await expect.poll(outside).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('position-row').first().getByRole('button', { name: /^Close/ })).toBeInViewport();
  await expectAccessible(page, 'positions scrolled sideways in a narrow column');
  await page.setViewportSize(viewport);

  // Move the alerts to the right column with the mouse.
  await page.getByRole('button', { name: 'Move Alerts to another area' }).click();
  await expect(page.getByRole('menu', { name: 'Move Alerts to' })).toBeVisible();
  await expectAccessible(page, 'move menu open', '[role="menu"]');
  await page.getByRole('menuitem', { name: 'Right column' }).click();
  await expect(area(page, 'right')).toHaveAttribute('data-panels', 'side alerts');
  await expect(area(page, 'bottomLeft')).toHaveAttribute('data-panels', '');
  await expect(area(page, 'right').getByTestId('alerts')).toBeVisible();
  await expect(area(page, 'bottomLeft')).toContainText('Empty area');

  // Move the watchlist to the bottom-left area with the keyboard only.
  await page.getByRole('button', { name: 'Move Watchlist to another area' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitem', { name: 'Centre' })).toBeFocused();
  await page.keyboard.press('ArrowDown'); // Right column
  await page.keyboard.press('ArrowDown'); // Bottom left
  await expect(page.getByRole('menuitem', { name: 'Bottom left' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(area(page, 'bottomLeft')).toHaveAttribute('data-panels', 'watchlist');
  await expect(area(page, 'left')).toHaveAttribute('data-panels', '');
  await expect(area(page, 'bottomLeft').getByTestId('watchlist')).toBeVisible();

  // Resize the left column by dragging its handle.
  const before = await width(page, 'left');
  const handle = page.getByRole('separator', { name: 'Resize the left column' });
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 120, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => width(page, 'left')).toBeGreaterThan(before + 80);
  const resized = await width(page, 'left');
  await shot(page, 'ws-layout-rearranged');

  // A reload keeps the places and the size.
  await page.reload();
  await waitForLiveUi(page);
  await expect(area(page, 'right')).toHaveAttribute('data-panels', 'side alerts');
  await expect(area(page, 'bottomLeft')).toHaveAttribute('data-panels', 'watchlist');
  expect(Math.abs((await width(page, 'left')) - resized)).toBeLessThan(4);

  // Reset puts everything back.
  await page.getByRole('button', { name: 'Reset layout' }).click();
  await expect(area(page, 'left')).toHaveAttribute('data-panels', 'watchlist');
  await expect(area(page, 'right')).toHaveAttribute('data-panels', 'side');
  await expect(area(page, 'bottomLeft')).toHaveAttribute('data-panels', 'alerts');
  await expect.poll(() => width(page, 'left')).toBeLessThan(before + 4);
  await page.reload();
  await waitForLiveUi(page);
  await expect(area(page, 'bottomLeft')).toHaveAttribute('data-panels', 'alerts');
});

test('dashboard: mode, state, equity, day P&L, exposure, connections and freshness, updating', async ({ page }) => {
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  await page.getByRole('tab', { name: 'Dashboard' }).click();
  const dash = page.getByTestId('dashboard');
  await expect(dash).toBeVisible();
  await expect(dash.getByTestId('dash-mode')).toHaveText('PAPER');
  await expect(dash.getByTestId('dash-trading-state')).toHaveText(/^(ACTIVE|REDUCING|HALTED)$/);
  await expect(dash.getByTestId('dash-equity')).toHaveText(/^\$[\d,]+\.\d\d$/);
  await expect(dash.getByTestId('dash-gross')).toHaveText(/^\$[\d,]+\.\d\d$/);
  await expect(dash.getByTestId('dash-net')).toHaveText(/\$[\d,]+\.\d\d$/);
  await expect(dash.getByTestId('dash-connections')).toHaveText('Engine connected');
  await expect(dash).toContainText(/Venue sim\w*: connected/);
  await expect(dash.getByTestId('dash-freshness')).toHaveText(/^(all fresh|\d+ stale)$/);
  await expect(dash.getByTestId('dash-day-pnl')).toHaveText(/\$[\d,]+\.\d\d$/);
  // updating: the equity curve grows and the last data time moves on (speed 600)
  const curve = dash.getByTestId('dash-equity-curve');
  await expect.poll(async () => Number(await curve.getAttribute('data-points'))).toBeGreaterThan(1);
  const points = Number(await curve.getAttribute('data-points'));
  const lastTs = Number(await dash.locator('[data-last-ts]').getAttribute('data-last-ts'));
  await expect.poll(async () => Number(await curve.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(points);
  await expect.poll(async () => Number(await dash.locator('[data-last-ts]').getAttribute('data-last-ts'))).toBeGreaterThan(lastTs);
  await expect(dash.getByRole('img', { name: /Equity curve, \d+ samples/ })).toBeVisible();
  await docShot(page, 'ws-dashboard', 'dashboard');
  await expectAccessibleBothThemes(page, 'dashboard', '[data-testid="dashboard"]');
  // the Alt+Shift+C / Alt+Shift+D shortcuts switch between chart and dashboard
  await page.keyboard.press('Alt+Shift+C');
  await expect(page.getByRole('tab', { name: 'Chart', selected: true })).toBeVisible();
  await page.keyboard.press('Alt+Shift+D');
  await expect(dash).toBeVisible();
});

test('theme is remembered; shortcuts: help overlay lists them; HALT, RESUME, KILL and FLATTEN reach the engine', async ({ page }) => {
  // KILL's answer can be held back (released by the test), as a slow engine answer would be
  const held = { kill: false, release: [] as Array<() => void> };
  await page.routeWebSocket(/\/ws\?token=/, (ws) => {
    const srv = ws.connectToServer();
    let killId: unknown;
    ws.onMessage((m) => {
      if (held.kill && typeof m === 'string' && m.includes('"cmd":"kill"')) killId = (JSON.parse(m) as { id: unknown }).id;
      srv.send(m);
    });
    srv.onMessage((m) => {
      if (killId !== undefined && typeof m === 'string' && m.startsWith('{"id":') && (JSON.parse(m) as { id: unknown }).id === killId) {
        killId = undefined;
        held.release.push(() => ws.send(m));
        return;
      }
      ws.send(m);
    });
  });
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  const state = page.getByTestId('trading-state');

  // theme: the default follows prefers-color-scheme (dark); the toggle switches it and a reload keeps it
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await waitForLiveUi(page);
  await expect(html).toHaveAttribute('data-theme', 'light');
  await chartHistoryShown(page);
  await docShot(page, 'ws-workstation-light', 'workstation-light');
  await page.keyboard.press('Alt+Shift+T');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await waitForLiveUi(page);
  await expect(html).toHaveAttribute('data-theme', 'dark');

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  for (const keys of ['Alt+Shift+H', 'Alt+Shift+K', 'Alt+Shift+F', 'Alt+Shift+R', '?']) await expect(help.getByRole('cell', { name: keys, exact: true })).toBeVisible();
  await shot(page, 'ws-help');
  await expectAccessibleBothThemes(page, 'shortcut help', '[data-testid="help-overlay"]');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(help).toBeVisible();
  await help.getByRole('button', { name: 'Close' }).click();
  await expect(help).toHaveCount(0);

  await expect(state).toHaveText('ACTIVE');
  await page.keyboard.press('Alt+Shift+H');
  await expect(state).toHaveText('HALTED');
  expect(await engineState()).toBe('HALTED');
  // the same shortcut again: the reason it does nothing shows beside the buttons
  await page.keyboard.press('Alt+Shift+H');
  await expect(page.getByTestId('trading-controls-error')).toHaveText(/HALT: trading is already HALTED/);

  await page.keyboard.press('Alt+Shift+R');
  const dialog = page.getByRole('dialog', { name: 'Resume trading' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel(/Reason/).fill('e2e: resumed from the keyboard');
  await dialog.getByRole('button', { name: 'Resume trading' }).click();
  await expect(state).toHaveText('ACTIVE');
  expect(await engineState()).toBe('ACTIVE');

  held.kill = true;
  await page.keyboard.press('Alt+Shift+K');
  const kill = page.getByRole('dialog', { name: 'Kill switch' });
  await expect(kill).toBeVisible();
  await kill.getByRole('button', { name: /Kill: cancel all/ }).click();
  await expect(state).toHaveText('HALTED');
  expect(await engineState()).toBe('HALTED');

  // RESUME opened while KILL's answer is still on its way: the answer arriving closes the KILL dialog, not this one
  await page.keyboard.press('Alt+Shift+R');
  await expect(dialog).toBeVisible();
  await expect.poll(() => held.release.length).toBe(1);
  held.release.splice(0).forEach((send) => send());
  await expect(page.getByTestId('command-notice')).toHaveText(/KILL: \d+ open orders? canceled/);
  await expect(dialog).toBeVisible();
  await dialog.getByLabel(/Reason/).fill('e2e: resumed again');
  await dialog.getByRole('button', { name: 'Resume trading' }).click();
  await expect(state).toHaveText('ACTIVE');

  await page.keyboard.press('Alt+Shift+F');
  const flatten = page.getByRole('dialog', { name: 'Flatten all positions' });
  await expect(flatten).toBeVisible();
  await flatten.getByRole('button', { name: /Flatten: cancel, halt/ }).click();
  await expect(page.getByTestId('flatten-result')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('modal-close').click();
  await expect(state).toHaveText('HALTED');
  expect(await engineState()).toBe('HALTED');

});

/** Routes the page's engine WebSocket through the test, so it can drop the link and rewrite a command. */
function routeEngine(page: Page) {
  const ctl = { refuse: false, rewriteAck: false, links: [] as { page: WebSocketRoute; server: WebSocketRoute }[] };
  const ready = page.routeWebSocket(/\/ws\?token=/, (ws) => {
    if (ctl.refuse) {
      void ws.close({ code: 1012, reason: 'engine restarting' });
      return;
    }
    const srv = ws.connectToServer();
    ws.onMessage((m) => {
      if (ctl.rewriteAck && typeof m === 'string' && m.includes('"acknowledgeAlert"')) {
        ctl.rewriteAck = false;
        const msg = JSON.parse(m) as { args: { id: string } };
        msg.args.id = 'a-not-kept';
        srv.send(JSON.stringify(msg));
        return;
      }
      srv.send(m);
    });
    srv.onMessage((m) => ws.send(m));
    ctl.links.push({ page: ws, server: srv });
  });
  return { ctl, ready };
}

test('alerts: acknowledge (journaled by the engine), a refusal shown beside its button, critical ones notified; a dropped link shows a banner and reconnects with the layout kept', async ({ page, context }) => {
  test.setTimeout(300_000); // two axe passes, a disconnect and the reconnect's backoff on a loaded machine
  await context.grantPermissions(['notifications']);
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __notes: string[] }).__notes = seen;
    const Real = window.Notification;
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        seen.push(title);
      }
    }
    Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
    window.Notification = Recording as typeof Notification;
  });
  const { ctl, ready } = routeEngine(page);
  await ready;
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  const alerts = page.getByTestId('alerts');
  await alerts.getByLabel('Sound for critical').check();

  // A critical alert (the engine raises one on RESUME -> HALTED is critical; ACTIVE is info): HALT it from outside.
  const api = await WsEngineClient.connect(server.uiUrl);
  await api.call('resume', { reason: 'e2e: alerts test' });
  await api.call('halt', { reason: 'e2e: a critical alert' });
  await expect.poll(() => page.evaluate(() => (window as unknown as { __notes: string[] }).__notes)).toContain('Tradedesk: TRADING_STATE');
  await expect.poll(async () => Number(await page.getByTestId('alert-settings').getAttribute('data-sounded'))).toBeGreaterThan(0);

  const row = alerts.locator('[data-testid="alert-row"][data-level="critical"][data-acked="false"]').first();
  await expect(row).toBeVisible();
  const id = (await row.getAttribute('data-alert-id'))!;
  await row.getByRole('button', { name: /^Acknowledge critical alert/ }).click();
  const acked = alerts.locator(`[data-testid="alert-row"][data-alert-id="${id}"]`);
  await expect(acked).toHaveAttribute('data-acked', 'true');
  await expect(acked.getByTestId('alert-acked')).toContainText('acknowledged');
  const snap = await api.call('snapshot', {});
  expect(snap.alerts.find((a) => a.id === id)?.acknowledgedAt).toEqual(expect.any(Number));
  await shot(page, 'ws-alert-acknowledged');

  // The engine refuses an acknowledgement (here: the id rewritten on the way to one it does not keep): the reason shows beside the button.
  const nextId = (await alerts.locator('[data-testid="alert-row"][data-acked="false"]').first().getAttribute('data-alert-id'))!;
  const next = alerts.locator(`[data-testid="alert-row"][data-alert-id="${nextId}"]`);
  ctl.rewriteAck = true;
  await next.getByTestId('alert-ack').click();
  await expect(next.getByTestId('alert-ack-error')).toContainText(/Not acknowledged: .*no alert 'a-not-kept'/);
  await expect(next).toHaveAttribute('data-acked', 'false');
  await shot(page, 'ws-alert-ack-refused');
  await expectAccessibleBothThemes(page, 'alerts with an acknowledged alert and a refusal', '[data-testid="alert-row"]');
  api.close();

  // Rearrange, then the engine drops the link and refuses reconnects for a while.
  await page.getByRole('button', { name: 'Move Alerts to another area' }).click();
  await page.getByRole('menuitem', { name: 'Centre' }).click();
  await expect(area(page, 'center')).toHaveAttribute('data-panels', 'chart dashboard alerts');
  ctl.refuse = true;
  for (const l of ctl.links.splice(0)) {
    await l.page.close({ code: 1012, reason: 'engine restarting' });
    await l.server.close();
  }
  const banner = page.getByTestId('connection-error');
  await expect(banner).toContainText('Not connected to the engine');
  await expect(banner).toContainText(/Lost the connection to the engine/);
  await expect(page.getByTestId('connection-state')).not.toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('halt-button')).toBeDisabled();
  await shot(page, 'ws-disconnected');
  await expectAccessible(page, 'disconnected banner');
  ctl.refuse = false;
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'open', { timeout: 30_000 });
  await expect(banner).toHaveCount(0);
  await waitForLiveUi(page);
  await expect(area(page, 'center')).toHaveAttribute('data-panels', 'chart dashboard alerts');
  await expect(page.getByTestId('trading-state')).toHaveText('HALTED');
  await shot(page, 'ws-reconnected');
});
