// Accessibility check for the browser tests: runs axe-core (WCAG 2.0/2.1 A and
// AA rules, colour contrast included) on the page as it is and fails on any
// violation, listing each rule, its impact and the elements that break it.
// `expectAccessibleBothThemes` checks the same state in the dark and the light
// theme (switched through the page's own data-theme, then put back); in the
// second theme only the rules a theme can change (colours) run again.
//
// A check can be scoped to one region (`within`, a CSS selector): a dialog,
// drawer or panel opened on a page whose whole was already checked in the same
// test. Rules then run on that region only; axe's colour-contrast rule costs
// about a millisecond per element, and the workstation behind a dialog holds
// over a thousand, so a scoped check takes a fraction of a whole-page one.
//
// axe-core is injected once per page load and run in the page itself (the UI
// has no frames): @axe-core/playwright's `analyze()` re-injects into every
// frame and finishes each run in a newly opened page, which made each check
// 2–3× slower and the browser suite the longest part of CI.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, type Page } from '@playwright/test';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** The WCAG rules whose outcome depends on colours, i.e. on the theme. */
const THEME_RULES = ['color-contrast', 'link-in-text-block'];

// the axe-core that @axe-core/playwright itself depends on (same version)
const requireFromAxePlaywright = createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright'));
const AXE_SOURCE = readFileSync(requireFromAxePlaywright.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; failureSummary: string }[];
}

type RunOnly = { type: 'tag' | 'rule'; values: string[] };

async function runAxe(page: Page, runOnly: RunOnly, within?: string): Promise<Violation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async ([only, scope]) => {
    type AxeNode = { target: unknown[]; failureSummary?: string };
    type AxeViolation = { id: string; impact?: string | null; help: string; nodes: AxeNode[] };
    const axe = (window as unknown as { axe: { run: (ctx: Document | { include: string[][] }, o: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    if (scope !== null && document.querySelectorAll(scope).length === 0) throw new Error(`axe: nothing on the page matches ${scope}`);
    // a panel still fading in (the decision drawer's 120 ms entrance) has its colours blended with the page: axe
    // would measure the contrast of a frame of the animation. Wait for every animation that ends to end.
    const ending = document.getAnimations().filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)));
    await Promise.all(ending.map((a) => a.finished.catch(() => undefined)));
    const r = await axe.run(scope === null ? document : { include: [[scope]] }, { runOnly: only, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), failureSummary: n.failureSummary ?? '' })),
    }));
  }, [runOnly, within ?? null] as const);
}

function expectNone(violations: Violation[], label: string): void {
  const lines = violations.map((v) => {
    const nodes = v.nodes.slice(0, 6).map((n) => `    - ${n.target}: ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 300)}`);
    const more = v.nodes.length > 6 ? [`    … and ${v.nodes.length - 6} more`] : [];
    return [`  ${v.id} (${v.impact ?? 'n/a'}): ${v.help}`, ...nodes, ...more].join('\n');
  });
  expect(lines, `axe: accessibility violations in "${label}"\n${lines.join('\n')}`).toEqual([]);
}

/**
 * Runs axe (every WCAG A/AA rule) on the page, or on the region `within`
 * selects; throws naming every violation. `label` says which state was checked.
 */
export async function expectAccessible(page: Page, label: string, within?: string): Promise<void> {
  expectNone(await runAxe(page, { type: 'tag', values: WCAG_TAGS }, within), within ? `${label} (within ${within})` : label);
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

/** The same check in both themes (all rules in the first, the colour rules in the second); the theme is put back. */
export async function expectAccessibleBothThemes(page: Page, label: string, within?: string): Promise<void> {
  const before = await currentTheme(page);
  const where = within ? ` (within ${within})` : '';
  try {
    await applyTheme(page, 'dark');
    await expectAccessible(page, `${label}, dark theme`, within);
    await applyTheme(page, 'light');
    expectNone(await runAxe(page, { type: 'rule', values: THEME_RULES }, within), `${label}, light theme${where}`);
  } finally {
    await applyTheme(page, before);
  }
}
