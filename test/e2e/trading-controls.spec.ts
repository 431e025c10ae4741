// The operator scenario against a real `tradedesk serve` (speed 600, seed 7):
// a position appears; HALT turns the badge HALTED and the strategy's next order
// is denied; RESUME needs a reason and returns to ACTIVE; KILL (confirmed)
// cancels the open orders and leaves none open.
import { expect, test } from '@playwright/test';
import { WsEngineClient } from '../../src/cli/ws-client.js';
import { expectAccessibleBothThemes } from './support/axe.js';
import { startServe, type ServeHandle } from './support/serve.js';
import { OPEN_ORDER_ROWS, orderIds, shot, waitForLiveUi } from './support/ui.js';

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
