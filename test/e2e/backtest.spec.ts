// The Backtest tab as a user drives it against a real `tradedesk serve`: run a
// backtest on the simulator's history, watch it finish into a report, run a
// second one, compare the two, export the report as HTML (the file's trades
// are the table's), and cancel a run while its progress bar shows.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startServe, type ServeHandle } from './support/serve.js';
import { docShot, shot, waitForLiveUi } from './support/ui.js';
import { expectAccessibleBothThemes } from './support/axe.js';

test.describe.configure({ mode: 'serial' });

let server: ServeHandle | undefined;
test.afterAll(async () => {
  await server?.stop();
});

test('run, watch, compare, export and cancel backtests from the UI', async ({ page }) => {
  server = await startServe();
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  await page.getByRole('tab', { name: 'Backtest' }).click();
  const view = page.getByTestId('backtest-view');
  await expect(view).toBeVisible();

  // first run: buy and hold + MA crossover on SPY and QQQ
  await view.getByLabel('Symbols').fill('SPY, QQQ');
  await view.getByLabel('Bars per symbol').fill('300');
  await view.getByLabel('Run name').fill('First');
  await view.getByRole('button', { name: 'Run backtest' }).click();
  const first = view.locator('[data-testid="bt-run-row"]', { hasText: 'First' });
  await expect(first).toHaveAttribute('data-state', 'done', { timeout: 120_000 }); // the worker's first run compiles the engine (tsx); slow on a loaded machine
  const report = view.getByTestId('bt-report');
  await expect(report).toBeVisible();
  await expect(report.getByTestId('bt-equity-chart')).not.toHaveAttribute('data-points', '0');
  await expect(report.getByTestId('bt-monthly').locator('tbody tr')).toHaveCount(1);
  await expect(report.getByTestId('bt-costs').locator('tr[data-kind="total"]')).toBeVisible();
  // the simulator's stocks print bars in NYSE sessions only: 'Auto' finds their exchange's calendar
  await expect(report.getByTestId('bt-calendars')).toHaveText('nyse: QQQ, SPY');
  // the benchmark beside it: its return and drawdown in the head, its line on every sample of the equity chart
  await expect(report.getByTestId('bt-benchmark')).toHaveText(/^Buy and hold [+−-]?\d+\.\d+%, max DD \d+\.\d+%$/);
  const points = await report.getByTestId('bt-equity-chart').getAttribute('data-points');
  await expect(report.getByTestId('bt-equity-chart')).toHaveAttribute('data-benchmark-points', points!);
  const tradeRows = await report.getByTestId('bt-trade-row').count();
  expect(tradeRows).toBeGreaterThan(0); // buy and hold holds at least one position
  await docShot(page, 'backtest-report', 'backtest-report');
  await expectAccessibleBothThemes(page, 'backtest view with a report', '[data-testid="backtest-view"]');

  // export HTML: the downloaded file is the report, with the same trades
  const [download] = await Promise.all([page.waitForEvent('download'), report.getByRole('button', { name: 'Export HTML' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^tradedesk-backtest-bt-\d+\.html$/);
  const html = readFileSync((await download.path())!, 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'text/html');
    return { title: doc.title, trades: doc.querySelectorAll('table.trades tbody tr').length, svgs: doc.querySelectorAll('svg').length, scripts: doc.querySelectorAll('script').length };
  }, html);
  expect(parsed).toEqual({ title: 'Backtest report: First', trades: tradeRows, svgs: 2, scripts: 0 });

  // second run: MA crossover only, with costs off
  await view.getByLabel('Buy and hold').uncheck();
  await view.getByLabel('Costs', { exact: true }).selectOption('none');
  await view.getByLabel('Calendar', { exact: true }).selectOption('24x7');
  await view.getByLabel('Run name').fill('Second');
  await view.getByRole('button', { name: 'Run backtest' }).click();
  await expect(view.locator('[data-testid="bt-run-row"]', { hasText: 'Second' })).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(view.getByTestId('bt-report').getByTestId('bt-calendars')).toHaveText('24x7: QQQ, SPY'); // as chosen

  // compare the two
  await view.getByLabel('Compare First').check();
  await view.getByLabel('Compare Second').check();
  await view.getByRole('button', { name: 'Compare selected (2)' }).click();
  const compare = view.getByTestId('bt-compare');
  await expect(compare.getByTestId('bt-compare-chart')).toHaveAttribute('data-series', '2');
  await expect(compare.getByTestId('bt-compare-table').locator('thead th')).toHaveText(['Metric', 'Second', 'First']); // newest first, as listed
  await expect(compare.getByTestId('bt-compare-table').locator('tr[data-metric="Strategies"] td').nth(1)).toHaveText(/^ma_cross/);
  // each run's buy and hold beside its return (the simulator's last 300 bars when each run started: not the same bars)
  const bh = compare.getByTestId('bt-compare-table').locator('tr[data-metric="Buy and hold"] td');
  await expect(bh.nth(1)).toHaveText(/^[+−-]?\d+\.\d+%$/);
  await expect(bh.nth(2)).toHaveText(/^[+−-]?\d+\.\d+%$/);
  await shot(page, 'backtest-compare');

  // a longer run (six symbols, all the history there is): cancel it while its progress bar shows
  const many = ['SPY', 'QQQ', 'IWM', 'TLT', 'IEF', 'GLD'];
  await view.getByLabel('Buy and hold').check();
  await view.getByLabel('Symbols').fill(many.join(', '));
  await view.getByLabel('Bars per symbol').fill('5000');
  await view.getByLabel('Run name').fill('Long');
  await view.getByRole('button', { name: 'Run backtest' }).click();
  const long = view.locator('[data-testid="bt-run-row"]', { hasText: 'Long' });
  await expect(view.getByRole('progressbar', { name: 'Progress of Long' })).toBeVisible();
  await shot(page, 'backtest-progress');
  await view.getByRole('button', { name: 'Cancel Long' }).click();
  await expect(long).toHaveAttribute('data-state', 'canceled');
  await expect(view.getByRole('progressbar')).toHaveCount(0);
});

test('the signal strategies are listed and the ensemble runs as a backtest', async ({ page }) => {
  server ??= await startServe();
  await page.goto(server.uiUrl);
  await waitForLiveUi(page);
  await page.getByRole('tab', { name: 'Backtest' }).click();
  const view = page.getByTestId('backtest-view');
  const select = view.getByLabel('Signal strategies');
  // every builtin signal strategy is offered, from the engine's list
  await expect(select.locator('option')).toHaveCount(1 + 1 + 15);
  await expect(select.locator('option[value="cs_momentum"]')).toHaveCount(1);
  await expect(select.locator('option[value="signal/ma_cross"]')).toHaveCount(1);
  await select.selectOption('ensemble');
  await expect(view.getByLabel('Buy and hold')).toBeDisabled();
  await view.getByLabel('Symbols').fill('SPY, QQQ, IWM');
  await view.getByLabel('Bars per symbol').fill('400');
  await view.getByLabel('Run name').fill('Ensemble');
  await view.getByRole('button', { name: 'Run backtest' }).click();
  const row = view.locator('[data-testid="bt-run-row"]', { hasText: 'Ensemble' });
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 120_000 }); // fifteen strategies on a worker, on a loaded machine
  await expect(row.locator('td.bt-src')).toHaveAttribute('title', /· ensemble$/);
  await expect(view.getByTestId('bt-report')).toBeVisible();
});
