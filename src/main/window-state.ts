// The window's size, position and maximized state, kept in
// <userData>/window-state.json. The file is validated on read (a damaged or
// hand-edited file falls back to the defaults and says why; a position on no
// current display is dropped so the window never opens off-screen) and
// written atomically (temporary file, then rename).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Rectangle } from './electron-api.js';

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1440, height: 900 };
export const MIN_SIZE = { width: 960, height: 600 };
/** How much of the window must lie on a display for its position to be kept. */
const MIN_VISIBLE = 64;

const Coord = z.number().int().min(-100_000).max(100_000);
const WindowStateSchema = z
  .object({
    version: z.literal(1),
    width: z.number().int().min(MIN_SIZE.width).max(20_000),
    height: z.number().int().min(MIN_SIZE.height).max(20_000),
    x: Coord.optional(),
    y: Coord.optional(),
    maximized: z.boolean(),
  })
  .strict();
export type WindowState = z.infer<typeof WindowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { version: 1, ...DEFAULT_SIZE, maximized: false };

function visibleOn(s: WindowState, displays: readonly Rectangle[]): boolean {
  if (s.x === undefined || s.y === undefined) return true;
  const { x, y } = s;
  return displays.some((d) => {
    const w = Math.min(x + s.width, d.x + d.width) - Math.max(x, d.x);
    const h = Math.min(y + s.height, d.y + d.height) - Math.max(y, d.y);
    return w >= MIN_VISIBLE && h >= MIN_VISIBLE;
  });
}

/** Reads the saved state; `problem` says why the defaults (or a centred window) were used instead. */
export function loadWindowState(dir: string, displays: readonly Rectangle[]): { state: WindowState; problem: string | null } {
  let raw: string;
  try {
    raw = readFileSync(join(dir, WINDOW_STATE_FILE), 'utf8');
  } catch {
    return { state: DEFAULT_WINDOW_STATE, problem: null };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    return { state: DEFAULT_WINDOW_STATE, problem: `${WINDOW_STATE_FILE} is not JSON (${(e as Error).message})` };
  }
  const parsed = WindowStateSchema.safeParse(json);
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ');
    return { state: DEFAULT_WINDOW_STATE, problem: `${WINDOW_STATE_FILE}: ${what}` };
  }
  const s = parsed.data;
  if ((s.x === undefined) !== (s.y === undefined)) return { state: { ...s, x: undefined, y: undefined }, problem: `${WINDOW_STATE_FILE}: x and y go together` };
  if (displays.length > 0 && !visibleOn(s, displays)) {
    return { state: { version: 1, width: s.width, height: s.height, maximized: s.maximized }, problem: `${WINDOW_STATE_FILE}: the saved position is on no current display; centring` };
  }
  return { state: s, problem: null };
}

/** The state to save for a window with these normal (un-maximized) bounds. */
export function windowStateOf(bounds: Rectangle, maximized: boolean): WindowState {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));
  return {
    version: 1,
    width: clamp(bounds.width, MIN_SIZE.width, 20_000),
    height: clamp(bounds.height, MIN_SIZE.height, 20_000),
    x: clamp(bounds.x, -100_000, 100_000),
    y: clamp(bounds.y, -100_000, 100_000),
    maximized,
  };
}

export function saveWindowState(dir: string, state: WindowState): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, WINDOW_STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(WindowStateSchema.parse(state), null, 2)}\n`);
  renameSync(tmp, file);
}
