// Shared locators and helpers for the e2e specs: open/terminal order statuses,
// a named screenshot into test-results/e2e, and waiting for a synced UI.
import { expect, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './serve.js';

export const OPEN_STATUSES = ['pending_new', 'new', 'accepted', 'partially_filled'] as const;
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'e2e');

/** CSS selector for order rows in any open status. */
export const OPEN_ORDER_ROWS = OPEN_STATUSES.map((s) => `[data-testid="order-row"][data-status="${s}"]`).join(', ');

/**
 * Named screenshots are for people reading a run, not part of its verdict (a failure always gets
 * Playwright's own): taken only with TRADEDESK_SHOTS=1, since each costs about half a second here.
 */
export const SHOTS = process.env.TRADEDESK_SHOTS === '1';
export const DOC_IMAGES = join(REPO_ROOT, 'docs', 'images');

export async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** A named screenshot that is also a README picture (docs/images/DOC.png), refreshed with TRADEDESK_SHOTS=1. */
export async function docShot(page: Page, name: string, doc: string): Promise<void> {
  if (!SHOTS) return;
  await shot(page, name);
  mkdirSync(DOC_IMAGES, { recursive: true });
  copyFileSync(join(SCREENSHOT_DIR, `${name}.png`), join(DOC_IMAGES, `${doc}.png`));
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
