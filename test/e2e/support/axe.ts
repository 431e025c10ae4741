// Accessibility check for the browser tests: runs axe-core (WCAG 2.0/2.1 A and
// AA rules, colour contrast included) on the page as it is and fails on any
// violation, listing each rule, its impact and the elements that break it.
// `expectAccessibleBothThemes` checks the same state in the dark and the light
// theme (switched through the page's own data-theme, then put back).
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe on the page; throws naming every violation. `label` says which state was checked. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const lines = results.violations.map((v) => {
    const nodes = v.nodes.slice(0, 6).map((n) => `    - ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ').slice(0, 300) ?? ''}`);
    const more = v.nodes.length > 6 ? [`    … and ${v.nodes.length - 6} more`] : [];
    return [`  ${v.id} (${v.impact ?? 'n/a'}): ${v.help}`, ...nodes, ...more].join('\n');
  });
  expect(lines, `axe: accessibility violations in "${label}"\n${lines.join('\n')}`).toEqual([]);
}

export async function currentTheme(page: Page): Promise<string> {
  return page.evaluate(() => document.documentElement.dataset.theme ?? 'dark');
}

async function applyTheme(page: Page, theme: string): Promise<void> {
  await page.evaluate((t) => {
    document.documentElement.dataset.theme = t;
  }, theme);
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

/** The same check in both themes; the page's theme is put back afterwards. */
export async function expectAccessibleBothThemes(page: Page, label: string): Promise<void> {
  const before = await currentTheme(page);
  try {
    for (const theme of ['dark', 'light']) {
      await applyTheme(page, theme);
      await expectAccessible(page, `${label}, ${theme} theme`);
    }
  } finally {
    await applyTheme(page, before);
  }
}
