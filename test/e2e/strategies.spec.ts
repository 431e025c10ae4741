// The Strategies tab against a real `tradedesk serve` (speed 600, seed 7),
// acting as a user: open the tab, disable and re-enable a strategy (each asks
// for a reason; Cancel changes nothing), refuse a base weight outside 0..1 next
// to the field, re-weight it with a reason, and see learning's columns (learned
// weight and influence in [0, 1], accuracy once predictions resolve). A panel
// that shows 'unavailable' (the engine not answering listStrategies) fails it.
import { expect, test } from '@playwright/test';
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

test('strategies panel: enable, disable and re-weight with a reason; learning shown', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  await page.getByRole('tab', { name: 'Strategies' }).click();
  const view = page.getByTestId('strategies-view');
  // the engine answers listStrategies: an 'unavailable' panel is a failure, never a skip
  await expect(view).toHaveAttribute('data-state', 'loaded');

  const row = page.getByTestId('strategy-row').first();
  await expect(row).toBeVisible();
  const id = (await row.getAttribute('data-id'))!;
  const name = (await row.locator('.strategy-name').textContent())!.trim();
  const theRow = page.locator(`[data-testid="strategy-row"][data-id="${id}"]`);
  const toggle = page.getByRole('checkbox', { name: `Enable ${name}` });
  const dialog = page.getByRole('dialog');
  const wasEnabled = await toggle.isChecked();

  // ---- Cancel changes nothing.
  await toggle.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(theRow).toHaveAttribute('data-enabled', String(wasEnabled));

  // ---- Flip it (a reason is required), then flip it back.
  for (const on of [!wasEnabled, wasEnabled]) {
    await toggle.click();
    const confirm = dialog.getByRole('button', { name: on ? 'Enable' : 'Disable', exact: true });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel('Reason (journaled with the change)').fill(on ? 'e2e: back on' : 'e2e: pause it');
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect(theRow).toHaveAttribute('data-enabled', String(on));
    if (on) await expect(toggle).toBeChecked();
    else await expect(toggle).not.toBeChecked();
    if (!on) await shot(page, '80-strategy-disabled');
  }

  // ---- A weight outside 0..1 is refused at the field; a valid one is set with a reason.
  const weight = page.getByLabel(`Base weight of ${name}`);
  const setWeight = page.getByRole('button', { name: `Set weight of ${name}` });
  await weight.fill('1.5');
  await expect(theRow.getByTestId('weight-error')).toHaveText('Enter a number between 0 and 1');
  await expect(setWeight).toBeDisabled();
  const target = (await theRow.getAttribute('data-base-weight')) === '0.35' ? '0.45' : '0.35';
  await weight.fill(target);
  await setWeight.click();
  await dialog.getByLabel('Reason (journaled with the change)').fill('e2e: re-weight');
  await dialog.getByRole('button', { name: 'Set weight' }).click();
  await expect(dialog).toBeHidden();
  await expect(theRow).toHaveAttribute('data-base-weight', target);
  await expect(weight).toHaveValue(target);

  // ---- Learning's columns: numbers in [0, 1]; accuracy once some prediction has resolved.
  for (const col of ['learned-weight', 'influence']) {
    const v = Number(await theRow.getByTestId(col).getAttribute('data-value'));
    expect(v, col).toBeGreaterThanOrEqual(0);
    expect(v, col).toBeLessThanOrEqual(1);
  }
  await expect
    .poll(async () => page.locator('[data-testid="accuracy"]:not([data-value=""])').count(), { timeout: 90_000, message: 'a strategy with resolved predictions' })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('regime-accuracy').first()).toBeVisible();
  await shot(page, '81-strategies-panel');
  await expectAccessibleBothThemes(page, 'strategies panel', '[data-testid="strategies-view"]');
  expect(problems).toEqual([]);
});
