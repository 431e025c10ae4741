// Risk features against a real `tradedesk serve` (speed 600, seed 7): the risk
// panel's gauges carry numbers that move once positions exist; a scoped
// instrument halt shows as a chip and resumes with a reason; analytics compute
// VaR and stress rows; the order ticket's live what-if fails an oversized
// order (max_order_notional) and passes a small one, Send denies the first
// with the reason and accepts the second (it shows in the blotter); the limits
// editor saves a tighter value at once, asks before loosening (Cancel keeps
// the old value, Confirm applies it) and shows BAD_LIMIT next to the field;
// the Performance tab draws the equity curve; FLATTEN reports what it did and
// leaves the account HALTED.
import { expect, test, type Page } from '@playwright/test';
import { startServe, type ServeHandle } from './support/serve.js';
import { shot, waitForLiveUi } from './support/ui.js';
import { expectAccessibleBothThemes } from './support/axe.js';

let server: ServeHandle;

test.beforeAll(async () => {
  server = await startServe(['--port', '0', '--speed', '600', '--seed', '7']);
});

test.afterAll(async () => {
  await server?.stop();
});

/** A crypto pair: it trades around the clock, so the ticket's orders never meet a closed market. */
const SYMBOL = 'ETH/USD';
const SMALL_QTY = 0.1;

const num = async (page: Page, testId: string): Promise<number> => Number(await page.getByTestId(testId).getAttribute('data-value'));
const hasNumber = async (page: Page, testId: string): Promise<boolean> => {
  const v = await page.getByTestId(testId).getAttribute('data-value');
  return v !== null && v !== '' && Number.isFinite(Number(v));
};
const limitField = (page: Page, key: string) => page.locator(`[data-testid="limit-field"][data-key="${key}"]`);

async function openLimits(page: Page): Promise<void> {
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('limits-editor')).toHaveAttribute('data-loaded', 'true');
}

test('risk panel, order ticket what-if, limits editor, analytics, performance and FLATTEN', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.text().startsWith('Refused to')) problems.push(`CSP violation: ${m.text()}`);
  });

  await page.goto(server.uiUrl);
  await waitForLiveUi(page);

  // ---- Risk panel: gauges with numbers that change as positions appear.
  await page.getByTestId('risk-tab').click();
  const panel = page.getByTestId('risk-panel');
  await expect(panel).toBeVisible();
  for (const id of ['gauge-gross', 'gauge-net', 'gauge-drawdown', 'gauge-daypnl', 'gauge-var']) await expect(panel.getByTestId(id)).toBeVisible();
  await expect.poll(() => hasNumber(page, 'gauge-gross'), { message: 'gross exposure from the account' }).toBe(true);
  expect(await num(page, 'gauge-gross')).toBeGreaterThanOrEqual(0);
  // The first risk event comes with the first position.
  await expect(panel).toHaveAttribute('data-live', 'true', { timeout: 90_000 });
  await expect.poll(() => num(page, 'gauge-gross'), { timeout: 60_000, message: 'gross exposure once positions exist' }).toBeGreaterThan(0);
  for (const id of ['gauge-net', 'gauge-drawdown', 'gauge-daypnl']) await expect.poll(() => hasNumber(page, id), { message: id }).toBe(true);
  const before = `${await num(page, 'gauge-gross')}|${await num(page, 'gauge-net')}|${await num(page, 'gauge-daypnl')}`;
  await expect
    .poll(async () => `${await num(page, 'gauge-gross')}|${await num(page, 'gauge-net')}|${await num(page, 'gauge-daypnl')}`, {
      timeout: 60_000,
      message: 'gauges move with the marks',
    })
    .not.toBe(before);
  await expect(page.getByTestId('vol-regime')).toHaveAttribute('data-blocking', /^(true|false)$/);
  await expect(page.getByTestId('gauge-var')).toHaveAttribute('data-value', '');
  await shot(page, '40-risk-panel');

  // ---- Scoped state: halt one instrument, its chip resumes with a reason.
  await page.locator(`[data-testid="watch-row"][data-symbol="${SYMBOL}"]`).click();
  await page.getByTestId('halt-instrument').click();
  const chip = page.locator(`[data-testid="scoped-state"][data-scope="instrument:${SYMBOL}"]`);
  await expect(chip).toHaveAttribute('data-state', 'HALTED');
  await expect(page.getByTestId('trading-state')).toHaveText('ACTIVE');
  await shot(page, '41-scoped-halt');
  await chip.getByTestId('scoped-resume').click();
  await expect(page.getByTestId('modal-confirm')).toBeDisabled();
  await page.getByTestId('resume-reason').fill('e2e: instrument checked');
  await page.getByTestId('modal-confirm').click();
  await expect(chip).toHaveCount(0);

  // ---- Analytics: VaR and stress rows once there are positions.
  await expect.poll(() => num(page, 'gauge-gross'), { timeout: 60_000 }).toBeGreaterThan(0);
  await page.getByTestId('analytics-compute').click();
  await expect(page.getByTestId('analytics-var-row').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('analytics-var-row')).toHaveCount(2);
  await expect(page.getByTestId('analytics-var-row').first()).toHaveAttribute('data-historical', /^\d+(\.\d+)?(e[-+]?\d+)?$/);
  await expect(page.getByTestId('analytics-stress-row')).toHaveCount(2);
  await expect(page.locator('[data-testid="analytics-stress-row"][data-name="2008"]')).toBeVisible();
  // Monte Carlo needs a positive net book value; the ensemble may hold a net-short book, and then the
  // engine says why it skipped the simulation instead
  if ((await num(page, 'gauge-net')) > 0) await expect(page.getByTestId('analytics-mc')).toContainText('p99');
  else await expect(page.getByTestId('analytics-warnings')).toContainText('monteCarlo: skipped, the net portfolio value');
  await expect.poll(() => hasNumber(page, 'gauge-var'), { message: 'VaR 95 gauge after the run' }).toBe(true);
  expect(await num(page, 'gauge-var')).toBeGreaterThan(0);
  await page.getByTestId('risk-analytics').scrollIntoViewIfNeeded();
  await shot(page, '42-risk-analytics');
  await expectAccessibleBothThemes(page, 'risk panel with analytics', '[data-testid="risk-panel"]');

  // ---- Order ticket: live what-if, then Send.
  await page.getByTestId('ticket-tab').click();
  const ticket = page.getByTestId('order-ticket');
  await expect(ticket).toBeVisible();
  await expect(page.getByTestId('ticket-symbol')).toHaveValue(SYMBOL);
  await page.getByTestId('ticket-side').locator('[data-option="buy"]').click();
  await page.getByTestId('ticket-type').locator('[data-option="limit"]').click();
  await expect(page.getByTestId('ticket-limit')).toHaveValue(/^\d+\.\d{2}$/); // prefilled from the quote, on the tick
  await page.getByTestId('ticket-qty').fill('100000');
  const notional = page.locator('[data-testid="whatif-check"][data-check="max_order_notional"]');
  await expect(notional).toHaveAttribute('data-passed', 'false');
  await expect(page.getByTestId('whatif-verdict')).toHaveAttribute('data-approved', 'false');
  await expect(page.getByTestId('whatif-verdict')).toContainText('exceeds max');
  await shot(page, '43-ticket-whatif-fail');
  await expectAccessibleBothThemes(page, 'order ticket with a failed what-if', '[data-testid="order-ticket"]');
  await page.getByTestId('ticket-send').click();
  const result = page.getByTestId('ticket-result');
  await expect(result).toHaveAttribute('data-accepted', 'false');
  await expect(result).toContainText('DENIED');
  await expect(result).toContainText(/order notional [\d.]+ exceeds max \d+/);

  // A small order: reduce a long position if there is one (no exposure checks), else a small buy.
  const held = Number(await page.getByTestId('ticket-position').getAttribute('data-qty'));
  const side = held >= SMALL_QTY ? 'sell' : 'buy';
  await page.getByTestId('ticket-side').locator(`[data-option="${side}"]`).click();
  await page.getByTestId('ticket-qty').fill(String(SMALL_QTY));
  await expect(notional).toHaveAttribute('data-passed', 'true');
  await expect(page.getByTestId('whatif-verdict')).toHaveAttribute('data-approved', 'true');
  expect(await page.locator('[data-testid="whatif-check"][data-passed="false"]').count()).toBe(0);
  await shot(page, '44-ticket-whatif-pass');
  await page.getByTestId('ticket-send').click();
  await expect(result).toHaveAttribute('data-accepted', 'true');
  await expect(result).toContainText('ACCEPTED');
  const orderId = (await result.getAttribute('data-order-id'))!;
  expect(orderId).toMatch(/manual/);
  await page.getByTestId('blotter-tab').click();
  const row = page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
  await expect(row).toBeAttached();
  await expect(row).toContainText(SYMBOL);
  await expect(row).toContainText('manual');
  await shot(page, '45-ticket-accepted');

  // ---- Limits editor: tighter saves at once.
  await openLimits(page);
  const maxNotional = limitField(page, 'maxOrderNotional');
  await expect(maxNotional).toHaveAttribute('data-kind', 'risk');
  await expect(limitField(page, 'drawdownAlertPct')).toHaveAttribute('data-kind', 'monitor');
  const original = Number(await maxNotional.inputValue());
  expect(original).toBeGreaterThan(0);
  const tighter = Math.round(original * 0.75);
  const looser = Math.round(original * 1.25);
  await maxNotional.fill(String(tighter));
  await expect(page.locator('[data-testid="limit-direction"][data-key="maxOrderNotional"]')).toHaveAttribute('data-direction', 'tighter');
  await shot(page, '46-limits-tighter');
  await expectAccessibleBothThemes(page, 'limits editor', '[data-testid="settings-dialog"]');
  await page.getByTestId('limits-save').click();
  await expect(page.getByTestId('limits-editor')).toHaveCount(0);
  await expect(page.getByTestId('limits-confirm')).toHaveCount(0);
  await openLimits(page);
  await expect(maxNotional).toHaveValue(String(tighter));

  // Loosening asks first; Cancel keeps the old value.
  await maxNotional.fill(String(looser));
  await expect(page.locator('[data-testid="limit-direction"][data-key="maxOrderNotional"]')).toHaveAttribute('data-direction', 'looser');
  await page.getByTestId('limits-save').click();
  await expect(page.getByTestId('limits-confirm')).toBeVisible();
  await expect(page.getByTestId('limits-loosened')).toContainText('maxOrderNotional');
  await shot(page, '47-limits-loosen-confirm');
  await page.getByTestId('modal-cancel').click();
  await expect(page.getByTestId('limits-confirm')).toHaveCount(0);
  await page.getByTestId('limits-cancel').click();
  await expect(page.getByTestId('limits-editor')).toHaveCount(0);
  await openLimits(page);
  await expect(maxNotional).toHaveValue(String(tighter));

  // Confirm applies it.
  await maxNotional.fill(String(looser));
  await page.getByTestId('limits-save').click();
  await page.getByTestId('limits-reason').fill('e2e: loosening checked');
  await page.getByTestId('limits-confirm').click();
  await expect(page.getByTestId('limits-editor')).toHaveCount(0);
  await openLimits(page);
  await expect(maxNotional).toHaveValue(String(looser));

  // A negative value: the engine's BAD_LIMIT shows next to the field; nothing changes.
  await maxNotional.fill('-5');
  await page.getByTestId('limits-save').click();
  const fieldError = page.locator('[data-testid="limit-error"][data-key="maxOrderNotional"]');
  await expect(fieldError).toBeVisible();
  await expect(fieldError).not.toHaveText('');
  await expect(page.getByTestId('limits-confirm')).toHaveCount(0);
  await shot(page, '48-limits-bad-value');
  await page.getByTestId('limits-cancel').click();
  await openLimits(page);
  await expect(maxNotional).toHaveValue(String(looser));
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('limits-editor')).toHaveCount(0);

  // ---- Performance: the equity curve on a canvas; metrics or the engine's note.
  await page.getByTestId('performance-tab').click();
  const curve = page.getByTestId('equity-curve');
  await expect(curve.locator('canvas').first()).toBeVisible();
  await expect.poll(async () => Number(await curve.getAttribute('data-points'))).toBeGreaterThan(1);
  await expect(page.getByTestId('metrics-table').or(page.getByTestId('metrics-note'))).not.toHaveText(/^(Loading…)?$/);
  await shot(page, '49-performance');
  await expectAccessibleBothThemes(page, 'performance view', '[data-testid="performance"]');

  // ---- FLATTEN: confirm, then the result; the account is HALTED.
  await page.getByTestId('account-tab').click();
  await page.getByTestId('flatten-button').click();
  await expect(page.getByTestId('modal')).toContainText(/closing orders for every position/i);
  await shot(page, '50-flatten-confirm');
  await page.getByTestId('modal-confirm').click();
  const flat = page.getByTestId('flatten-result');
  await expect(flat).toBeVisible({ timeout: 30_000 });
  const left = Number(await flat.getAttribute('data-positions-left'));
  if (left === 0) {
    await expect(page.getByTestId('flatten-positions-left')).toHaveText('0');
    await expect(flat).toContainText('Every position is closed');
    await expect(page.getByTestId('position-row')).toHaveCount(0);
  } else {
    // A market was closed: the dialog says so, naming what is still held.
    await expect(page.getByTestId('flatten-error')).toContainText(/still open/);
  }
  await expect(page.getByTestId('trading-state')).toHaveText('HALTED');
  await shot(page, '51-flatten-result');
  await page.getByTestId('modal-close').click();
  await expect(page.getByTestId('modal')).toHaveCount(0);
  await shot(page, '52-after-flatten');

  expect(problems).toEqual([]);
});
