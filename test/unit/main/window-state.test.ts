// The remembered window state: validated on read (bad JSON, bad values, extra
// keys, an off-screen position), written atomically, round-tripped.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, loadWindowState, saveWindowState, WINDOW_STATE_FILE, windowStateOf } from '../../../src/main/window-state.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tradedesk-winstate-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const DISPLAY = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window state', () => {
  it('is the default without a file, and round-trips what was saved', () => {
    const d = tmp();
    expect(loadWindowState(d, DISPLAY)).toEqual({ state: DEFAULT_WINDOW_STATE, problem: null });
    const s = windowStateOf({ x: 50, y: 60, width: 1300.4, height: 850 }, true);
    saveWindowState(d, s);
    expect(loadWindowState(d, DISPLAY)).toEqual({ state: { version: 1, x: 50, y: 60, width: 1300, height: 850, maximized: true }, problem: null });
    expect(readdirSync(d)).toEqual([WINDOW_STATE_FILE]);
  });

  it('clamps a window smaller than the minimum when saving', () => {
    expect(windowStateOf({ x: 0, y: 0, width: 100, height: 50 }, false)).toMatchObject({ width: 960, height: 600 });
  });

  it('falls back to the defaults, saying why, for a damaged or hand-edited file', () => {
    const cases: Array<[string, string]> = [
      ['{"version":1,', 'is not JSON'],
      [JSON.stringify({ version: 2, width: 1000, height: 700, maximized: false }), 'version'],
      [JSON.stringify({ version: 1, width: -5, height: 700, maximized: false }), 'width'],
      [JSON.stringify({ version: 1, width: 1000, height: 'tall', maximized: false }), 'height'],
      [JSON.stringify({ version: 1, width: 1000, height: 700, maximized: false, x: 1e12, y: 0 }), 'x'],
      [JSON.stringify({ version: 1, width: 1000, height: 700, maximized: false, zoom: 3 }), 'zoom'],
      [JSON.stringify([1, 2]), 'file'],
    ];
    for (const [content, why] of cases) {
      const d = tmp();
      writeFileSync(join(d, WINDOW_STATE_FILE), content);
      const r = loadWindowState(d, DISPLAY);
      expect(r.state, content).toEqual(DEFAULT_WINDOW_STATE);
      expect(r.problem, content).toContain(why);
    }
  });

  it('drops a position that lies on no current display (a monitor was unplugged)', () => {
    const d = tmp();
    saveWindowState(d, windowStateOf({ x: 2500, y: 100, width: 1200, height: 800 }, false));
    const r = loadWindowState(d, DISPLAY);
    expect(r.state).toEqual({ version: 1, width: 1200, height: 800, maximized: false });
    expect(r.problem).toContain('on no current display');
    // still on the second display when it is there
    expect(loadWindowState(d, [...DISPLAY, { x: 1920, y: 0, width: 2560, height: 1440 }]).state.x).toBe(2500);
  });

  it('never writes an invalid state', () => {
    const d = tmp();
    expect(() => saveWindowState(d, { version: 1, width: Number.NaN, height: 700, maximized: false })).toThrow();
    expect(existsSync(join(d, WINDOW_STATE_FILE))).toBe(false);
  });
});
