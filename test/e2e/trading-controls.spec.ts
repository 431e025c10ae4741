// The operator scenario against a real `tradedesk serve` (speed 600, seed 7):
// a position appears; HALT turns the badge HALTED and the strategy's next order
// is denied; RESUME needs a reason and returns to ACTIVE; KILL (confirmed)
// cancels the open orders and leaves none open.
import { expect, test } from '@playwright/test';
import { WsEngineClient } from '../../src/cli/ws-client.js';
import { expectAccessibleBothThemes } from './support/axe.js';
import { startServe, type ServeHandle } from './support/serve.js';
import { OPEN_ORDER_ROWS, docShot, orderIds, shot, waitForLiveUi } from './support/ui.js';

let server: ServeHandle;

test.beforeAll(async () => {
  server = await startServe();
});

test.afterAll(async () => {
  await server?.stop();
});

test('halt denies new orders, resume needs a reason, kill cancels every open order', async ({ page }) => {
  test.setTimeout(300_000); // the axe passes at the end add to the strategy's own pace
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.text().startsWith('Refused to')) problems.push(`CSP violation: ${m.text()}`);
  });

  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  await expect(page.getByTestId('trading-state')).toHaveText('ACTIVE');
  await expect(page.getByTestId('mode-badge')).toHaveText('PAPER');
  await expect(page.getByTestId('sim-clock')).toContainText(/\d{2}:\d{2}:\d{2}\s*UTC/);
  await shot(page, '01-connected');

  // The strategy trades: a position shows up.
  await expect(page.getByTestId('position-row').first()).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('position-row').first()).toContainText(/\$/);
  await shot(page, '02-position');

  // HALT acts at once; the strategy's next order is denied.
  const deniedBefore = new Set(await orderIds(page, '[data-testid="order-row"][data-status="denied"]'));
  await page.getByTestId('halt-button').click();
  await expect(page.getByTestId('trading-state')).toHaveText('HALTED');
  await expect(page.getByTestId('halt-button')).toBeDisabled();
  const newDenied = async () =>
    (await orderIds(page, '[data-testid="order-row"][data-status="denied"]')).filter((id) => !deniedBefore.has(id));
  await expect.poll(async () => (await newDenied()).length, { timeout: 90_000, message: 'a denied order after HALT' }).toBeGreaterThan(0);
  const deniedId = (await newDenied())[0]!;
  const deniedRow = page.locator(`[data-testid="order-row"][data-order-id="${deniedId}"]`);
  await expect(deniedRow.getByTestId('order-status')).toHaveText(/denied/i);
  await expect(deniedRow.locator('.reason-col')).not.toHaveText('');
  await expect(deniedRow.getByTestId('cancel-order')).toHaveCount(0);
  await shot(page, '03-halted-denied');

  // RESUME asks for confirmation and a reason.
  await page.getByTestId('resume-button').click();
  const confirm = page.getByTestId('modal-confirm');
  await expect(page.getByTestId('modal')).toBeVisible();
  await expect(confirm).toBeDisabled();
  await page.getByTestId('resume-reason').fill('   ');
  await expect(confirm).toBeDisabled();
  // Cancel leaves the state alone.
  await page.getByTestId('modal-cancel').click();
  await expect(page.getByTestId('modal')).toHaveCount(0);
  await expect(page.getByTestId('trading-state')).toHaveText('HALTED');

  await page.getByTestId('resume-button').click();
  await page.getByTestId('resume-reason').fill('e2e: halt checked, resuming');
  await expect(confirm).toBeEnabled();
  await shot(page, '04-resume-dialog');
  await confirm.click();
  await expect(page.getByTestId('modal')).toHaveCount(0);
  await expect(page.getByTestId('trading-state')).toHaveText('ACTIVE');
  await expect(page.getByTestId('last-state-change')).toContainText('e2e: halt checked, resuming');
  await shot(page, '05-resumed');

  // KILL asks for confirmation; confirm while there are open orders.
  await page.getByTestId('kill-button').click();
  await expect(page.getByTestId('modal')).toBeVisible();
  await expect(page.getByTestId('modal')).toContainText(/cancel every open order/i);
  await expect(page.locator(OPEN_ORDER_ROWS).first()).toBeAttached({ timeout: 90_000 });
  // one order that cannot fill before KILL: a crypto bid 3% under the market (inside the 5% collar),
  // so the test always sees a cancel even when the strategy's own orders fill first
  const api = await WsEngineClient.connect(server.uiUrl);
  const eth = await api.call('whatIf', { symbol: 'ETH/USD', side: 'buy', type: 'market', qty: 0.01, timeInForce: 'gtc' });
  const ref = Number(eth.checks.find((c) => c.check === 'price_known')?.value);
  const resting = await api.call('submitOrder', { symbol: 'ETH/USD', side: 'buy', type: 'limit', qty: 0.01, limitPrice: Math.round(ref * 0.97 * 100) / 100, timeInForce: 'gtc' });
  api.close();
  expect(resting.accepted, resting.reason).toBe(true);
  await expect(page.locator(`[data-testid="order-row"][data-order-id="${resting.clientOrderId}"]`)).toHaveAttribute('data-status', /accepted|pending_new/);
  const openBefore = await orderIds(page, OPEN_ORDER_ROWS);
  expect(openBefore.length, 'open orders before KILL').toBeGreaterThan(0);
  await shot(page, '06-kill-dialog');
  await confirm.click();
  await expect(page.getByTestId('modal')).toHaveCount(0);
  await expect(page.getByTestId('command-notice')).toContainText(/KILL: \d+ open orders? canceled/);
  await expect(page.getByTestId('trading-state')).toHaveText('HALTED');
  await expect(page.locator(OPEN_ORDER_ROWS)).toHaveCount(0);
  await expect(page.locator('[data-testid="order-row"][data-status="canceled"]').first()).toBeAttached();
  // Each order open before KILL has finished; at least one of them was canceled.
  const statuses = await Promise.all(
    openBefore.map((id) => page.locator(`[data-testid="order-row"][data-order-id="${id}"]`).getAttribute('data-status')),
  );
  expect(statuses.every((s) => s !== null && !['pending_new', 'new', 'accepted', 'partially_filled'].includes(s))).toBe(true);
  expect(statuses).toContain('canceled');
  await expect(page.locator(`[data-testid="order-row"][data-order-id="${resting.clientOrderId}"]`)).toHaveAttribute('data-status', 'canceled');
  await shot(page, '07-killed');
  await expectAccessibleBothThemes(page, 'after KILL');

  expect(problems).toEqual([]);
});

// Runs after the KILL above (same server): resumes, and halts each strategy so positions and orders are the test's own.
test('positions close through the risk engine (a refusal shows at the row), the blotter filters and cancels all, health shows its figures', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  const api = await WsEngineClient.connect(server.uiUrl);
  try {
    // the strategies stand aside, so the position and the open orders are this test's own;
    // a crypto position, so the market is open whatever the simulated hour
    // (the ensemble sends the strategies' combined orders under its own source)
    for (const id of ['ensemble', ...(await api.call('listStrategies', {})).map((st) => st.id)]) await api.call('halt', { reason: 'e2e: positions', scope: { strategy: id } });
    if ((await api.call('status', {})).tradingState !== 'ACTIVE') await api.call('resume', { reason: 'e2e: positions' });
    const ethQty = async () => (await api.call('snapshot', {})).positions.find((p) => p.symbol === 'ETH/USD')?.qty ?? 0;
    // long 0.05 more than any short the strategies left
    const buy = await api.call('submitOrder', { symbol: 'ETH/USD', side: 'buy', type: 'market', qty: Math.round((Math.max(0, -(await ethQty())) + 0.05) * 1e6) / 1e6, timeInForce: 'gtc' });
    expect(buy.accepted, buy.reason).toBe(true);
    await expect.poll(ethQty, { timeout: 60_000, message: 'a long ETH/USD position' }).toBeGreaterThan(0);
    const row = page.locator('[data-testid="position-row"][data-symbol="ETH/USD"]');
    await expect(row).toBeVisible();
    await expect(row.getByTestId('position-weight')).toHaveText(/%/);

    // ETH/USD HALTED: the close is refused and the reason shows next to that row's button; nothing was sent
    await api.call('halt', { reason: 'e2e: close refused while halted', scope: { symbol: 'ETH/USD' } });
    await row.getByRole('button', { name: 'Close position ETH/USD' }).click();
    await expect(page.getByRole('dialog')).toContainText(/Sell .* ETH\/USD at market/);
    await page.getByTestId('close-position-confirm').click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    const closeResult = page.locator('.close-result-row[data-symbol="ETH/USD"]').getByTestId('close-result');
    await expect(closeResult).toContainText('TRADING_HALTED');
    // no close order was even created (strategies' own denied orders may come and go)
    expect((await api.call('snapshot', {})).orders.filter((o) => o.reason === 'close position from UI')).toEqual([]);
    await docShot(page, '30-position-close-refused', 'positions-blotter');

    // ACTIVE again: Close, confirmed, sends the market order and the position goes
    // (ETH orders left open by the strategies would make the close refuse with OPEN_ORDERS: none are left)
    await api.call('resume', { reason: 'e2e: close allowed', scope: { symbol: 'ETH/USD' } });
    for (const o of (await api.call('snapshot', {})).orders) {
      if (o.symbol === 'ETH/USD' && ['pending_new', 'accepted', 'partially_filled'].includes(o.status)) await api.call('cancelOrder', { clientOrderId: o.clientOrderId });
    }
    await row.getByRole('button', { name: 'Close position ETH/USD' }).click();
    await page.getByTestId('close-position-confirm').click();
    await expect(closeResult).toContainText(/sell .* sent/);
    await expect(row).toHaveCount(0, { timeout: 60_000 });
    const closeOrder = (await api.call('snapshot', {})).orders.find((o) => o.reason === 'close position from UI' && o.symbol === 'ETH/USD');
    expect(closeOrder).toMatchObject({ side: 'sell', type: 'market', source: 'manual', status: 'filled' });

    // Blotter: filter by instrument and state, as a user would
    await page.getByTestId('blotter-tab').click();
    await page.getByRole('combobox', { name: 'Filter by instrument' }).selectOption('ETH/USD');
    await page.getByRole('combobox', { name: 'Filter by state' }).selectOption('filled');
    const rows = page.getByTestId('order-row');
    await expect(page.locator(`[data-testid="order-row"][data-order-id="${closeOrder!.clientOrderId}"]`)).toBeVisible();
    for (const r of await rows.all()) {
      await expect(r.locator('td.sym')).toHaveText('ETH/USD');
      await expect(r).toHaveAttribute('data-status', 'filled');
    }
    await shot(page, '31-blotter-filtered');

    // Cancel all: two resting bids, confirmed, both canceled
    const q = await api.call('whatIf', { symbol: 'ETH/USD', side: 'buy', type: 'market', qty: 0.01, timeInForce: 'gtc' });
    const ref = Number(q.checks.find((c) => c.check === 'price_known')?.value);
    const resting = [];
    for (const f of [0.97, 0.96]) {
      const r = await api.call('submitOrder', { symbol: 'ETH/USD', side: 'buy', type: 'limit', qty: 0.01, limitPrice: Math.round(ref * f * 100) / 100, timeInForce: 'gtc' });
      expect(r.accepted, r.reason).toBe(true);
      resting.push(r.clientOrderId);
    }
    await page.getByRole('combobox', { name: 'Filter by state' }).selectOption('open');
    await page.getByRole('combobox', { name: 'Filter by strategy' }).selectOption('manual');
    for (const id of resting) await expect(page.locator(`[data-testid="order-row"][data-order-id="${id}"]`)).toBeVisible();
    const cancelAll = page.getByRole('button', { name: /^Cancel all \(\d+\)$/ });
    await cancelAll.click();
    await expect(page.getByRole('dialog')).toContainText(/Cancel 2 open order\(s\) on ETH\/USD from manual/);
    await shot(page, '32-blotter-cancel-all');
    await page.getByTestId('cancel-all-confirm').click();
    await expect(page.locator(OPEN_ORDER_ROWS)).toHaveCount(0);
    await page.getByRole('combobox', { name: 'Filter by state' }).selectOption('canceled');
    for (const id of resting) await expect(page.locator(`[data-testid="order-row"][data-order-id="${id}"]`)).toHaveAttribute('data-status', 'canceled');
    await page.getByRole('combobox', { name: 'Filter by state' }).selectOption('all');
    await page.getByRole('combobox', { name: 'Filter by instrument' }).selectOption('');
    await page.getByRole('combobox', { name: 'Filter by strategy' }).selectOption('');

    // Health: journal size, errors, round trip; the simulator has no rate budget
    await page.getByTestId('health-tab').click();
    await expect.poll(async () => Number(await page.getByTestId('health-journal').getAttribute('data-bytes'))).toBeGreaterThan(0);
    await expect(page.getByTestId('health-journal')).toContainText(/KiB|MiB/);
    await expect(page.getByTestId('health-budget')).toContainText('no rate budget');
    // a broker's request latency is timed (serve-broker.test.ts); the simulator's is not
    await expect(page.getByTestId('health-venue-latency')).toContainText('simulator: not timed');
    await expect.poll(async () => (await page.getByTestId('health-latency').getAttribute('data-ms')) ?? '').toMatch(/^\d/);
    await shot(page, '33-health');
  } finally {
    api.close();
  }
  expect(problems).toEqual([]);
});
