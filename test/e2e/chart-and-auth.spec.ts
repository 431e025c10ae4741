// The chart draws on a canvas, follows live bars, switches symbol, resizes
// with its container, pans from the keyboard and takes the theme's colours; a wrong or missing token shows a clear error state.
import { expect, test } from '@playwright/test';
import { expectAccessibleBothThemes } from './support/axe.js';
import { startServe, type ServeHandle } from './support/serve.js';
import { docShot, shot, waitForLiveUi } from './support/ui.js';

let server: ServeHandle;

test.beforeAll(async () => {
  server = await startServe();
});

test.afterAll(async () => {
  await server?.stop();
});

test('the chart renders candles on a canvas and updates with live bars', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);

  // Prefer an instrument that trades around the clock, so bars keep coming.
  const rows = page.getByTestId('watch-row');
  await expect(rows.first()).toBeVisible();
  // every instrument's history loads: each row shows its change (a dash until then)
  await expect.poll(async () => (await rows.locator('td:nth-child(3)').allTextContents()).filter((t) => t.trim() === '—').length, { message: 'a watchlist row still has no change' }).toBe(0);
  const always = page.locator('[data-testid="watch-row"][data-calendar="24x7"]');
  const row = (await always.count()) > 0 ? always.first() : rows.first();
  const symbol = (await row.getAttribute('data-symbol'))!;
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');

  const chart = page.getByTestId('chart');
  await expect(chart).toHaveAttribute('data-symbol', symbol);
  await expect(chart.locator('canvas').first()).toBeVisible();
  await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(10);

  // Something is drawn: many non-transparent pixels on the canvas.
  const painted = await chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d');
    if (!ctx) return 0;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
  expect(painted).toBeGreaterThan(1000);
  await shot(page, '10-chart');

  // Live bars: the last bar changes (new bar or new close), patched into the chart without a rebuild.
  const lastOf = async () => `${await chart.getAttribute('data-last-ts')}|${await chart.getAttribute('data-last-close')}`;
  const before = await lastOf();
  const builds = await chart.getAttribute('data-full-builds');
  const patches = Number(await chart.getAttribute('data-patches'));
  await expect.poll(lastOf, { timeout: 60_000, message: 'the chart follows live bars' }).not.toBe(before);
  await expect.poll(async () => Number(await chart.getAttribute('data-patches'))).toBeGreaterThan(patches);
  expect(await chart.getAttribute('data-full-builds')).toBe(builds);
  await shot(page, '11-chart-updated');

  // Timeframes and overlays, chosen like a user: 5-minute candles aggregated from the minutes, with an EMA and Bollinger bands.
  const minutes = Number(await chart.getAttribute('data-bars'));
  const tf5 = page.getByRole('button', { name: 'Timeframe 5m' });
  await tf5.click();
  await expect(tf5).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Timeframe 1m' })).toHaveAttribute('aria-pressed', 'false');
  await expect(chart).toHaveAttribute('data-series', `${symbol}|5m`);
  await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeLessThan(minutes);
  expect(Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(1);
  await page.getByRole('button', { name: 'Overlay EMA 20' }).click();
  await page.getByRole('button', { name: 'Overlay Bollinger 20/2' }).click();
  await expect(chart).toHaveAttribute('data-overlays', /ema20,bb20/);
  await docShot(page, '13-chart-5m-overlays', 'chart');
  // the choice is remembered across a reload
  await page.reload();
  await waitForLiveUi(page);
  await expect(page.getByRole('button', { name: 'Timeframe 5m' })).toHaveAttribute('aria-pressed', 'true');
  await expect(chart).toHaveAttribute('data-overlays', /ema20,bb20/);
  await page.getByRole('button', { name: 'Timeframe 1m' }).click();
  await expect(chart).toHaveAttribute('data-series', new RegExp(`\\|1m$`));

  // Events reach the store in frame batches, never one update per message.
  const rate = page.getByTestId('event-rate');
  await expect.poll(async () => Number(await rate.getAttribute('data-events'))).toBeGreaterThan(50);
  const events = Number(await rate.getAttribute('data-events'));
  const flushes = Number(await rate.getAttribute('data-flushes'));
  expect(flushes).toBeGreaterThan(0);
  expect(flushes).toBeLessThan(events);

  // Switching symbol redraws the chart for it.
  const other = page.locator(`[data-testid="watch-row"]:not([data-symbol="${symbol}"])`).first();
  const otherSymbol = (await other.getAttribute('data-symbol'))!;
  await other.click();
  await expect(chart).toHaveAttribute('data-symbol', otherSymbol);
  await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(10);

  // The canvas follows its container.
  const widthBefore = await chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => c.clientWidth);
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect
    .poll(async () => chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => c.clientWidth))
    .toBeLessThan(widthBefore);
  await shot(page, '12-chart-resized');

  // ECharts holds only a window of the series; the keyboard pans it and End returns to the last bar.
  // (the view's end and the bar count read together: live bars keep arriving)
  const barsPastView = () =>
    chart.evaluate((el) => Number(el.getAttribute('data-bars')) - 1 - Number(el.getAttribute('data-view')!.split('-')[1]));
  await expect.poll(barsPastView, { message: 'the view follows the last bar' }).toBe(0);
  await chart.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(barsPastView).toBeGreaterThan(0);
  await page.keyboard.press('End');
  await expect.poll(barsPastView).toBe(0);

  // The canvas takes the theme's colours: background pixel and axis colour differ between themes.
  const corner = () => chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(1, 1, 1, 1).data).join(','));
  const themeBefore = await page.evaluate(() => document.documentElement.dataset.theme);
  const pixelBefore = await corner();
  const axisBefore = await chart.getAttribute('data-axis-color');
  await page.keyboard.press('Alt+Shift+T');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', themeBefore ?? 'dark');
  await expect(chart).not.toHaveAttribute('data-axis-color', axisBefore!);
  await expect.poll(corner).not.toBe(pixelBefore);
  await page.keyboard.press('Alt+Shift+T');
  await expect(chart).toHaveAttribute('data-axis-color', axisBefore!);
  await expect.poll(corner).toBe(pixelBefore);
  expect(errors).toEqual([]);
});

test('a wrong token shows a clear error state and no engine data', async ({ page }) => {
  await page.goto(`${server.origin}#token=not-the-right-token`);
  const error = page.getByTestId('connection-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('Not connected to the engine');
  // The host answers HTTP, so the UI can say the token itself was refused.
  await expect(error).toContainText('refused this session token');
  await expect(page.getByTestId('connection-state')).not.toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('trading-state')).toHaveText('—');
  await expect(page.getByTestId('halt-button')).toBeDisabled();
  await expect(page.getByTestId('kill-button')).toBeDisabled();
  await expect(page.getByTestId('order-row')).toHaveCount(0);
  await expect(page.getByTestId('watch-row')).toHaveCount(0);
  await shot(page, '20-bad-token');
  await expectAccessibleBothThemes(page, 'wrong-token error state');
});

test('a URL without a token says how to open the UI', async ({ page }) => {
  await page.goto(server.origin);
  const error = page.getByTestId('connection-error');
  await expect(error).toContainText(/No session token/);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'closed');
  await shot(page, '21-no-token');
});
