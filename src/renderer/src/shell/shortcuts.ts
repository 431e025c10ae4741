// Every keyboard shortcut of the renderer in one table (the help overlay lists
// it), and the matcher. Kill-switch shortcuts do exactly what their buttons do,
// confirmations included: they post a request that TradingControls acts on.
// Alt+Shift combinations work while typing in a field; "?" does not.
import { create } from 'zustand';

export type KillAction = 'halt' | 'resume' | 'kill' | 'flatten';
export type ShortcutId = KillAction | 'help' | 'theme' | 'dashboard' | 'chart' | 'resetLayout';

export interface Shortcut {
  id: ShortcutId;
  /** As shown to the user. */
  keys: string;
  description: string;
  /** KeyboardEvent.code with Alt+Shift held; or the plain key for '?'. */
  code?: string;
  key?: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'halt', keys: 'Alt+Shift+H', code: 'KeyH', description: 'HALT: deny new orders at once' },
  { id: 'kill', keys: 'Alt+Shift+K', code: 'KeyK', description: 'KILL: cancel every open order and halt (asks to confirm)' },
  { id: 'flatten', keys: 'Alt+Shift+F', code: 'KeyF', description: 'FLATTEN: kill, then close every position (asks to confirm)' },
  { id: 'resume', keys: 'Alt+Shift+R', code: 'KeyR', description: 'RESUME trading (asks for a reason)' },
  { id: 'dashboard', keys: 'Alt+Shift+D', code: 'KeyD', description: 'Show the Dashboard' },
  { id: 'chart', keys: 'Alt+Shift+C', code: 'KeyC', description: 'Show the Chart' },
  { id: 'theme', keys: 'Alt+Shift+T', code: 'KeyT', description: 'Switch between the light and dark theme' },
  { id: 'resetLayout', keys: 'Alt+Shift+0', code: 'Digit0', description: 'Reset the layout' },
  { id: 'help', keys: '?', key: '?', description: 'Show or hide this list of shortcuts' },
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** The shortcut a key press means, or null. */
export function matchShortcut(e: Pick<KeyboardEvent, 'altKey' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'code' | 'key' | 'target'>): ShortcutId | null {
  if (e.ctrlKey || e.metaKey) return null;
  if (e.altKey && e.shiftKey) return SHORTCUTS.find((s) => s.code === e.code)?.id ?? null;
  if (!e.altKey && e.key === '?' && !typing(e.target)) return 'help';
  return null;
}

/** A kill-switch request from the keyboard, taken by TradingControls (seq makes repeats distinct). */
export const useKillRequest = create<{ action: KillAction | null; seq: number }>()(() => ({ action: null, seq: 0 }));

export function requestKillAction(action: KillAction): void {
  useKillRequest.setState((s) => ({ action, seq: s.seq + 1 }));
}

export const useHelp = create<{ open: boolean }>()(() => ({ open: false }));

export function setHelpOpen(open: boolean): void {
  useHelp.setState({ open });
}
