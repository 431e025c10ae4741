// The accessibility helper itself catches violations (a check that cannot fail
// would be a defect): on a small page with an unnamed button and grey-on-grey
// text it must throw, naming the rules; in the light theme pass it must catch
// a contrast failure that only that theme has. A check scoped to a region
// catches what is inside it, ignores what is outside, and fails when nothing
// matches its selector. No server needed.
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

  // scoped: the unnamed button outside the region is not its business, one inside is
  await page.setContent(PAGE.replace('BODY', '<section id="ok"><p>Fine</p></section><section id="bad"><button></button></section>'));
  await expectAccessible(page, 'clean region, dark', '#ok');
  // the region's text fails contrast in the light theme only: the scoped second pass catches it
  const lightInside = await expectAccessibleBothThemes(page, 'region', '#ok').then(
    () => 'passed',
    (e: Error) => e.message,
  );
  expect(lightInside).toContain('color-contrast');
  expect(lightInside).toContain('light theme (within #ok)');
  expect(lightInside).not.toContain('button-name');
  const inside = await expectAccessible(page, 'bad region', '#bad').then(
    () => 'passed',
    (e: Error) => e.message,
  );
  expect(inside).toContain('button-name');
  expect(inside).toContain('within #bad');
  const none = await expectAccessible(page, 'no region', '#missing').then(
    () => 'passed',
    (e: Error) => e.message,
  );
  expect(none).toContain('nothing on the page matches #missing');
});
