// The renderer's own preferences, kept in localStorage (never in the engine):
// the theme (default from prefers-color-scheme), and for critical alerts a
// sound (off by default) and desktop notifications. The theme is applied as
// data-theme on <html>, which switches the CSS variables (theme.css).
import { create } from 'zustand';

export type Theme = 'dark' | 'light';

export interface Prefs {
  theme: Theme;
  alertSound: boolean;
  desktopNotifications: boolean;
}

export const PREFS_KEY = 'tradedesk.prefs.v1';

function systemTheme(): Theme {
  try {
    return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

/** Reads stored preferences; a field missing or of the wrong type takes its default. */
export function parsePrefs(raw: string | null, fallbackTheme: Theme): Prefs {
  const prefs: Prefs = { theme: fallbackTheme, alertSound: false, desktopNotifications: true };
  if (raw === null) return prefs;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    console.warn('[tradedesk] saved preferences are not valid JSON; defaults used');
    return prefs;
  }
  if (typeof data !== 'object' || data === null) return prefs;
  const d = data as Record<string, unknown>;
  if (d.theme === 'dark' || d.theme === 'light') prefs.theme = d.theme;
  if (typeof d.alertSound === 'boolean') prefs.alertSound = d.alertSound;
  if (typeof d.desktopNotifications === 'boolean') prefs.desktopNotifications = d.desktopNotifications;
  return prefs;
}

function read(): string | null {
  try {
    return localStorage.getItem(PREFS_KEY);
  } catch {
    return null;
  }
}

export const usePrefs = create<Prefs>()(() => parsePrefs(read(), systemTheme()));

function apply(p: Prefs): void {
  if (typeof document === 'undefined') return;
  document.documentElement.dataset.theme = p.theme;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute('content', p.theme);
}

apply(usePrefs.getState());
usePrefs.subscribe((p) => {
  apply(p);
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(p));
  } catch (e) {
    console.warn('[tradedesk] could not save preferences:', (e as Error).message);
  }
});

export function toggleTheme(): void {
  usePrefs.setState((p) => ({ theme: p.theme === 'dark' ? 'light' : 'dark' }));
}

export function setPref<K extends keyof Prefs>(key: K, value: Prefs[K]): void {
  usePrefs.setState({ [key]: value } as Pick<Prefs, K>);
}
