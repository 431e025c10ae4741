// Shared locators and helpers for the e2e specs: open/terminal order statuses,
// a named screenshot into test-results/e2e, and waiting for a synced UI.
import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './serve.js';

export const OPEN_STATUSES = ['pending_new', 'new', 'accepted', 'partially_filled'] as const;
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'e2e');

/** CSS selector for order rows in any open status. */
export const OPEN_ORDER_ROWS = OPEN_STATUSES.map((s) => `[data-testid="order-row"][data-status="${s}"]`).join(', ');

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Waits until the UI is connected and shows the engine's trading state. */
export async function waitForLiveUi(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('trading-state')).toHaveText(/^(ACTIVE|REDUCING|HALTED)$/);
}

/** Client order ids of the rows matching a selector. */
export async function orderIds(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order-id') ?? ''));
}
