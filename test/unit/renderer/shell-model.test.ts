// The renderer shell's pure parts: the layout model (move, show, reading a
// saved layout that may be damaged), saved preferences, and the shortcut matcher.
import { describe, expect, it } from 'vitest';
import { defaultLayout, movePanel, parseLayout, PANELS, showPanel } from '../../../src/renderer/src/layout/layout-model.js';
import { parsePrefs } from '../../../src/renderer/src/shell/prefs-store.js';
import { matchShortcut, SHORTCUTS } from '../../../src/renderer/src/shell/shortcuts.js';

describe('layout model', () => {
  it('moves a panel to the end of another area and shows it; the area it left shows its next panel', () => {
    const l = movePanel(defaultLayout(), 'chart', 'right');
    expect(l.areas.center).toEqual(['dashboard']);
    expect(l.active.center).toBe('dashboard');
    expect(l.areas.right).toEqual(['side', 'chart']);
    expect(l.active.right).toBe('chart');
    const empty = movePanel(l, 'watchlist', 'bottom');
    expect(empty.areas.left).toEqual([]);
    expect(empty.active.left).toBeNull();
    expect(showPanel(empty, 'dock').active.bottom).toBe('dock');
  });

  it('reads back what it saved', () => {
    const l = { ...movePanel(defaultLayout(), 'alerts', 'center'), sizes: { top: { 'pane-left': 25, 'pane-center': 45, 'pane-right': 30 } } };
    expect(parseLayout(JSON.stringify(l))).toEqual({ layout: l, problem: null });
  });

  it('falls back to the default or repairs a damaged layout, saying what it did', () => {
    expect(parseLayout(null)).toEqual({ layout: defaultLayout(), problem: null });
    expect(parseLayout('{not json')).toMatchObject({ layout: defaultLayout(), problem: expect.stringContaining('not valid JSON') });
    expect(parseLayout('[1,2]')).toMatchObject({ layout: defaultLayout(), problem: expect.stringContaining('no areas') });
    const raw = JSON.stringify({ areas: { left: ['chart', 'bogus', 'chart'], center: [], right: 'x' }, active: { left: 'dock' }, sizes: { rows: { a: 50, b: 'x', c: -1, d: 250 } } });
    const { layout, problem } = parseLayout(raw);
    expect(layout.areas.left).toEqual(['chart', 'watchlist']);
    expect(layout.areas.center).toEqual(['dashboard']);
    expect(layout.active.left).toBe('chart');
    expect(layout.areas.right).toEqual(['side']);
    // every panel is placed exactly once
    expect(Object.values(layout.areas).flat().sort()).toEqual([...PANELS].sort());
    expect(layout.sizes).toEqual({ rows: { a: 50 } });
    expect(problem).toMatch(/unknown panel "bogus" in left; panel 'chart' listed twice; panel 'watchlist' was missing/);
  });
});

describe('preferences', () => {
  it('defaults: the given theme, sound off, desktop notifications on; keeps valid fields, drops bad ones', () => {
    expect(parsePrefs(null, 'light')).toEqual({ theme: 'light', alertSound: false, desktopNotifications: true });
    expect(parsePrefs('{"theme":"dark","alertSound":true}', 'light')).toEqual({ theme: 'dark', alertSound: true, desktopNotifications: true });
    expect(parsePrefs('{"theme":"pink","alertSound":"yes"}', 'dark')).toEqual({ theme: 'dark', alertSound: false, desktopNotifications: true });
    expect(parsePrefs('oops', 'dark').theme).toBe('dark');
  });
});

describe('shortcuts', () => {
  const key = (k: Partial<Omit<KeyboardEvent, 'target'>> & { target?: unknown }) =>
    matchShortcut({ altKey: false, shiftKey: false, ctrlKey: false, metaKey: false, code: '', key: '', target: null, ...k } as never);
  it('maps each Alt+Shift code to its action, "?" outside fields to help, and nothing else', () => {
    for (const s of SHORTCUTS.filter((x) => x.code)) expect(key({ altKey: true, shiftKey: true, code: s.code })).toBe(s.id);
    expect(key({ altKey: true, shiftKey: true, code: 'KeyH', ctrlKey: true })).toBeNull();
    expect(key({ shiftKey: true, code: 'KeyH', key: 'H' })).toBeNull();
    expect(key({ key: '?', shiftKey: true, target: { tagName: 'DIV', isContentEditable: false } })).toBe('help');
    expect(key({ key: '?', shiftKey: true, target: { tagName: 'INPUT', isContentEditable: false } })).toBeNull();
    expect(new Set(SHORTCUTS.map((s) => s.keys)).size).toBe(SHORTCUTS.length);
  });
});
