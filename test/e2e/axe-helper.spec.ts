// The accessibility helper itself catches violations (a check that cannot fail
// would be a defect): on a small page with an unnamed button and grey-on-grey
// text it must throw, naming the rules; in the light theme pass it must catch
// a contrast failure that only that theme has. No server needed.
import { expect, test } from '@playwright/test';
import { expectAccessible, expectAccessibleBothThemes } from './support/axe.js';

const PAGE = `<!doctype html><html lang="en" data-theme="dark"><head><title>axe self-test</title>
<style>
  body { background: #111; color: #eee; }
  [data-theme='light'] body { background: #fff; color: #eee; }
</style></head><body><main><h1>Self-test</h1><p>Readable in dark only</p>BODY</main></body></html>`;

test('the axe helper fails on violations, in each theme', async ({ page }) => {
  await page.setContent(PAGE.replace('BODY', ''));
  await expectAccessible(page, 'clean dark page');
  // light-theme contrast failure only: the helper's second pass must catch it
  const light = await expectAccessibleBothThemes(page, 'light contrast').then(
    () => 'passed',
    (e: Error) => e.message,
  );
  expect(light).toContain('color-contrast');
  expect(light).toContain('light theme');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

  await page.setContent(PAGE.replace('BODY', '<button></button>'));
  const unnamed = await expectAccessible(page, 'unnamed button').then(
    () => 'passed',
    (e: Error) => e.message,
  );
  expect(unnamed).toContain('button-name');
});
