// The HALT/KILL hotkeys: accelerator validation, hotkeys.json (absent, valid,
// invalid in each way), and registration when another app holds a key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acceleratorProblem, DEFAULT_HOTKEYS, HOTKEYS_FILE, loadHotkeys, registerHotkeys } from '../../../src/main/hotkeys.js';
import { createFakeElectron } from '../../support/fake-electron.js';

const dirs: string[] = [];
function dirWith(content?: string): string {
  const d = mkdtempSync(join(tmpdir(), 'tradedesk-hotkeys-'));
  dirs.push(d);
  if (content !== undefined) writeFileSync(join(d, HOTKEYS_FILE), content);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('acceleratorProblem', () => {
  it('accepts Electron accelerators with a modifier', () => {
    for (const a of ['CommandOrControl+Alt+Shift+H', 'Ctrl+F12', 'Alt+Shift+K', 'Super+Space', 'CmdOrCtrl+num5', 'Control+Shift+=']) {
      expect(acceleratorProblem(a), a).toBeNull();
    }
  });

  it('refuses a key without a modifier, unknown parts, repeats and empties', () => {
    expect(acceleratorProblem('H')).toContain('needs at least one modifier');
    expect(acceleratorProblem('Hyper+H')).toContain("'hyper' is not a modifier");
    expect(acceleratorProblem('Ctrl+Ctrl+H')).toContain('repeats a modifier');
    expect(acceleratorProblem('Ctrl+Banana')).toContain("'Banana' is not a key");
    expect(acceleratorProblem('Ctrl++')).toContain('empty part');
  });
});

describe('loadHotkeys', () => {
  it('uses the defaults when there is no file', () => {
    expect(loadHotkeys(dirWith())).toEqual({ ...DEFAULT_HOTKEYS, problems: [] });
  });

  it('reads a valid file; null turns one key off; enabled:false turns both off', () => {
    expect(loadHotkeys(dirWith(JSON.stringify({ halt: 'Ctrl+Alt+F9', kill: 'Ctrl+Alt+F10' })))).toEqual({ halt: 'Ctrl+Alt+F9', kill: 'Ctrl+Alt+F10', problems: [] });
    expect(loadHotkeys(dirWith(JSON.stringify({ kill: null })))).toEqual({ halt: DEFAULT_HOTKEYS.halt, kill: null, problems: [] });
    expect(loadHotkeys(dirWith(JSON.stringify({ enabled: false })))).toEqual({ halt: null, kill: null, problems: [] });
  });

  it('falls back to the defaults and says why for a bad file', () => {
    const cases: Array<[string, string]> = [
      ['{not json', 'is not JSON'],
      [JSON.stringify({ halt: 'H' }), 'halt: '],
      [JSON.stringify({ halt: 'Ctrl+Alt+H', kill: 'Alt+Ctrl+H' }), 'the same key'],
      [JSON.stringify({ halt: 'Ctrl+Alt+H', panic: 'Ctrl+P' }), 'panic'],
      [JSON.stringify({ halt: 7 }), 'halt'],
    ];
    for (const [content, why] of cases) {
      const c = loadHotkeys(dirWith(content));
      expect(c.halt, content).toBe(DEFAULT_HOTKEYS.halt);
      expect(c.kill, content).toBe(DEFAULT_HOTKEYS.kill);
      expect(c.problems.join(' '), content).toContain(why);
    }
  });
});

describe('registerHotkeys', () => {
  it('registers both keys, each running its action, and unregisters them', () => {
    const fake = createFakeElectron({ userData: '/tmp/unused' });
    const ran: string[] = [];
    const r = registerHotkeys(fake.electron.globalShortcut, { ...DEFAULT_HOTKEYS, problems: [] }, (a, src) => ran.push(`${a}:${src}`), () => undefined);
    expect(r.active).toEqual(DEFAULT_HOTKEYS);
    expect(fake.press(DEFAULT_HOTKEYS.kill)).toBe(true);
    expect(ran).toEqual([`kill:global hotkey ${DEFAULT_HOTKEYS.kill}`]);
    r.unregister();
    expect(fake.shortcuts.size).toBe(0);
  });

  it('reports a key held by another application', () => {
    const fake = createFakeElectron({ userData: '/tmp/unused', takenAccelerators: [DEFAULT_HOTKEYS.halt] });
    const logs: string[] = [];
    const r = registerHotkeys(fake.electron.globalShortcut, { ...DEFAULT_HOTKEYS, problems: [] }, () => undefined, (l) => logs.push(l));
    expect(r.active).toEqual({ kill: DEFAULT_HOTKEYS.kill });
    expect(r.problems).toEqual([expect.stringContaining('HALT hotkey CommandOrControl+Alt+Shift+H is held by another application')]);
    expect(logs).toHaveLength(1);
  });
});
