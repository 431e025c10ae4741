// The global hotkeys for HALT and KILL: read from <userData>/hotkeys.json
// (validated; a bad file or a bad accelerator falls back to the default and
// says why), registered with globalShortcut so they work whichever app has the
// focus and whatever the renderer is doing. A key another app already holds is
// reported, never silently dropped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { GlobalShortcutLike } from './electron-api.js';
import type { ShellAction } from './kill-switch.js';
import type { Log } from './security.js';

export const HOTKEYS_FILE = 'hotkeys.json';

export const DEFAULT_HOTKEYS: Record<ShellAction, string> = {
  halt: 'CommandOrControl+Alt+Shift+H',
  kill: 'CommandOrControl+Alt+Shift+K',
};

const MODIFIERS = new Set(['command', 'cmd', 'control', 'ctrl', 'commandorcontrol', 'cmdorctrl', 'alt', 'option', 'altgr', 'shift', 'super', 'meta']);
const NAMED_KEYS = new Set(
  [
    'plus', 'space', 'tab', 'backspace', 'delete', 'insert', 'return', 'enter', 'up', 'down', 'left', 'right',
    'home', 'end', 'pageup', 'pagedown', 'escape', 'esc', 'printscreen', 'pause', 'numlock', 'scrolllock', 'capslock',
    'numdec', 'numadd', 'numsub', 'nummult', 'numdiv',
  ],
);

/**
 * Checks an Electron accelerator ("CommandOrControl+Alt+Shift+H"): at least one
 * modifier (a global key without one would steal ordinary typing), each
 * modifier once, and exactly one key. Returns an error message or null.
 */
export function acceleratorProblem(accel: string): string | null {
  const parts = accel.split('+').map((p) => p.trim());
  if (parts.some((p) => p === '')) return `'${accel}' has an empty part`;
  const key = parts[parts.length - 1]!;
  const mods = parts.slice(0, -1).map((m) => m.toLowerCase());
  if (mods.length === 0) return `'${accel}' needs at least one modifier (CommandOrControl, Alt, Shift, Super)`;
  const unknown = mods.find((m) => !MODIFIERS.has(m));
  if (unknown !== undefined) return `'${accel}': '${unknown}' is not a modifier`;
  if (new Set(mods).size !== mods.length) return `'${accel}' repeats a modifier`;
  const k = key.toLowerCase();
  const ok = /^[a-z0-9]$/.test(k) || /^f([1-9]|1[0-9]|2[0-4])$/.test(k) || /^num[0-9]$/.test(k) || NAMED_KEYS.has(k) || /^[)!@#$%^&*(:;"'<>,.?/~`{}[\]|\\=_-]$/.test(key);
  return ok ? null : `'${accel}': '${key}' is not a key Electron knows`;
}

const Accelerator = z.string().max(100).superRefine((s, ctx) => {
  const problem = acceleratorProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const HotkeysFile = z
  .object({
    /** false turns both hotkeys off (the tray menu stays). */
    enabled: z.boolean().default(true),
    halt: Accelerator.nullable().optional(),
    kill: Accelerator.nullable().optional(),
  })
  .strict();

export interface HotkeyConfig {
  /** null = this action has no hotkey. */
  halt: string | null;
  kill: string | null;
  /** Why the file was not used as written (empty when it was, or was absent). */
  problems: string[];
}

function sameKey(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().split('+').map((p) => p.trim()).sort().join('+');
  return norm(a) === norm(b);
}

/** Reads <dir>/hotkeys.json; absent = the defaults; invalid = the defaults plus the problems. */
export function loadHotkeys(dir: string): HotkeyConfig {
  let raw: string;
  try {
    raw = readFileSync(join(dir, HOTKEYS_FILE), 'utf8');
  } catch {
    return { ...DEFAULT_HOTKEYS, problems: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    return { ...DEFAULT_HOTKEYS, problems: [`${HOTKEYS_FILE} is not JSON (${(e as Error).message}): using the default hotkeys`] };
  }
  const parsed = HotkeysFile.safeParse(json);
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ');
    return { ...DEFAULT_HOTKEYS, problems: [`${HOTKEYS_FILE}: ${what}: using the default hotkeys`] };
  }
  const f = parsed.data;
  if (!f.enabled) return { halt: null, kill: null, problems: [] };
  const halt = f.halt === undefined ? DEFAULT_HOTKEYS.halt : f.halt;
  const kill = f.kill === undefined ? DEFAULT_HOTKEYS.kill : f.kill;
  if (halt && kill && sameKey(halt, kill)) {
    return { ...DEFAULT_HOTKEYS, problems: [`${HOTKEYS_FILE}: halt and kill are the same key (${halt}): using the default hotkeys`] };
  }
  return { halt, kill, problems: [] };
}

export interface RegisteredHotkeys {
  /** The accelerators that are active, by action. */
  readonly active: Partial<Record<ShellAction, string>>;
  /** Problems to show the user (bad file, key held by another app). */
  readonly problems: string[];
  unregister(): void;
}

export function registerHotkeys(
  globalShortcut: GlobalShortcutLike,
  config: HotkeyConfig,
  run: (action: ShellAction, source: string) => void,
  log: Log,
): RegisteredHotkeys {
  const active: Partial<Record<ShellAction, string>> = {};
  const problems = [...config.problems];
  for (const action of ['halt', 'kill'] as const) {
    const accel = config[action];
    if (!accel) continue;
    let ok = false;
    try {
      ok = globalShortcut.register(accel, () => run(action, `global hotkey ${accel}`));
    } catch (e) {
      problems.push(`${action.toUpperCase()} hotkey ${accel}: ${(e as Error).message}`);
      continue;
    }
    if (ok) active[action] = accel;
    else problems.push(`${action.toUpperCase()} hotkey ${accel} is held by another application: use the tray menu, or set another key in ${HOTKEYS_FILE}`);
  }
  for (const p of problems) log(`hotkeys: ${p}`);
  return {
    active,
    problems,
    unregister() {
      for (const accel of Object.values(active)) globalShortcut.unregister(accel);
    },
  };
}
