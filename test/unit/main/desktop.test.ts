// The whole desktop host (src/main/desktop.ts) with the REAL engine on a
// temporary data folder. The Electron binary cannot run here, so
// test/support/fake-electron.ts stands in for the electron module (app,
// BrowserWindow, ipcMain, session, protocol, globalShortcut, Tray, Menu,
// Notification, powerMonitor, screen) and for the process's signals.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearWorkerEntries } from '../../../src/engine/core/worker-entries.js';
import { createEngine, type Engine } from '../../../src/engine/engine.js';
import { readJournal } from '../../../src/engine/journal/reader.js';
import { startDesktop, type Desktop } from '../../../src/main/desktop.js';
import { DEFAULT_HOTKEYS } from '../../../src/main/hotkeys.js';
import { PROD_CSP, secureWebPreferences } from '../../../src/main/security.js';
import { WINDOW_STATE_FILE } from '../../../src/main/window-state.js';
import { IPC_COMMAND_CHANNEL } from '../../../src/shared/api/client.js';
import { createFakeElectron, createFakeProcess, type FakeElectron } from '../../support/fake-electron.js';

const roots: string[] = [];
const desktops: Desktop[] = [];

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Booted {
  fake: FakeElectron;
  desktop: Desktop | null;
  signal: (s: 'SIGTERM' | 'SIGINT') => void;
  userData: string;
  logs: string[];
  bindings: string[];
  engine: () => Engine;
}

function boot(o: { lock?: boolean; packaged?: boolean; env?: Record<string, string>; noBinding?: boolean } = {}): Booted {
  const root = mkdtempSync(join(tmpdir(), 'tradedesk-desktop-'));
  roots.push(root);
  const userData = join(root, 'userData');
  mkdirSync(join(root, 'out', 'main'), { recursive: true });
  mkdirSync(join(root, 'out', 'renderer'), { recursive: true });
  writeFileSync(join(root, 'out', 'renderer', 'index.html'), '<!doctype html><title>Tradedesk</title>');
  writeFileSync(join(root, 'secret.txt'), 'SECRET');
  const binding = join(root, 'better_sqlite3.node');
  writeFileSync(binding, '');
  mkdirSync(join(root, 'resources', 'native'), { recursive: true });
  writeFileSync(join(root, 'resources', 'native', 'better_sqlite3.node'), '');
  const fake = createFakeElectron({ userData, singleInstanceLock: o.lock ?? true, isPackaged: o.packaged ?? false });
  const env = { ...(o.noBinding ? {} : { TRADEDESK_SQLITE_BINDING: binding }), ...(o.env ?? {}) };
  const { process, signal } = createFakeProcess(env, join(root, 'resources'));
  const logs: string[] = [];
  const bindings: string[] = [];
  let engine: Engine | null = null;
  const desktop = startDesktop({
    electron: fake.electron,
    process,
    mainDir: join(root, 'out', 'main'),
    // the Node build of SQLite serves here; the host hands over the path it would use
    createEngine: async (dataDir, sqliteBinding) => {
      bindings.push(sqliteBinding);
      engine = await createEngine({ sim: { speed: 600 } }, { dataDir });
      return engine;
    },
    log: (l) => logs.push(l),
  });
  if (desktop) desktops.push(desktop);
  return { fake, desktop, signal, userData, logs, bindings, engine: () => engine! };
}

afterAll(async () => {
  for (const d of desktops) await d.shutdown('test end');
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  // the host pointed the workers at its temporary build; the next test file in this fork starts them from source
  clearWorkerEntries();
});

describe('single instance', () => {
  it('a second instance quits at once and starts nothing', () => {
    const b = boot({ lock: false });
    expect(b.desktop).toBeNull();
    expect(b.fake.state.quitRequests).toBe(1);
    expect(b.fake.ipcMain.handlers.size).toBe(0);
    expect(b.fake.windows).toHaveLength(0);
    expect(b.bindings).toHaveLength(0);
  });
});

describe('the running desktop app', () => {
  let b: Booted;
  beforeAll(async () => {
    b = boot();
    await b.desktop!.ready;
  });

  it('registers app:// before ready, then opens one hardened window on it', () => {
    const { calls } = b.fake;
    expect(calls.indexOf('app.requestSingleInstanceLock')).toBeGreaterThan(-1);
    expect(calls.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(calls.indexOf('app.ready'));
    expect(b.fake.schemes.map((s) => s.scheme)).toEqual(['app']);
    expect(b.fake.windows).toHaveLength(1);
    const w = b.fake.windows[0]!;
    expect(w.options.webPreferences).toEqual(secureWebPreferences(join(b.userData, '..', 'out', 'preload', 'index.cjs')));
    expect(w.loaded).toEqual(['app://tradedesk/index.html']);
    // the window's web contents got the navigation guards
    expect(w.webContents.tryNavigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(w.webContents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    let granted: boolean | undefined;
    b.fake.session.permissionRequest!({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(b.bindings).toEqual([join(b.userData, '..', 'better_sqlite3.node')]);
  });

  it('serves the renderer on app:// with the CSP, and refuses traversal', async () => {
    const handler = b.fake.protocolHandlers.get('app')!;
    const ok = await handler(new Request('app://tradedesk/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(PROD_CSP);
    const bad = await handler(new Request('app://tradedesk/..%2F..%2Fsecret.txt'));
    expect(bad.status).toBe(403);
    expect(await bad.text()).not.toContain('SECRET');
  });

  it('answers IPC only from our window', async () => {
    const w = b.fake.windows[0]!;
    const ok = await b.fake.ipcMain.invoke(IPC_COMMAND_CHANNEL, { cmd: 'status', args: {} }, 'app://tradedesk/index.html', null, w.webContents);
    expect(ok).toMatchObject({ ok: true, result: { running: true } });
    // the same web contents as another wrapper object (Electron may hand one out) is ours
    const sameId = await b.fake.ipcMain.invoke(IPC_COMMAND_CHANNEL, { cmd: 'status', args: {} }, 'app://tradedesk/index.html', null, { id: w.webContents.id });
    expect(sameId).toMatchObject({ ok: true });
    for (const sender of [{}, { id: w.webContents.id + 1000 }, null]) {
      const foreign = await b.fake.ipcMain.invoke(IPC_COMMAND_CHANNEL, { cmd: 'halt', args: {} }, 'app://tradedesk/index.html', null, sender);
      expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(b.engine().status().tradingState).toBe('ACTIVE');
    // the health command carries the main process's event-loop lag
    const health = await b.fake.ipcMain.invoke(IPC_COMMAND_CHANNEL, { cmd: 'venueHealth', args: {} }, 'app://tradedesk/index.html', null, w.webContents);
    expect(health).toMatchObject({ ok: true, result: { eventLoop: { p99Ms: expect.any(Number), worstMs: expect.any(Number) } } });
  });

  it('the HALT hotkey halts the engine in the main process, without the renderer', async () => {
    // the renderer is never asked: it could be hung
    const sentBefore = b.fake.windows[0]!.webContents.sent.length;
    expect(b.desktop!.hotkeys()!.active).toEqual(DEFAULT_HOTKEYS);
    expect(b.fake.press(DEFAULT_HOTKEYS.halt)).toBe(true);
    await until('HALTED', () => b.engine().status().tradingState === 'HALTED');
    expect(b.engine().status().lastStateChange?.reason).toBe(`HALT from the global hotkey ${DEFAULT_HOTKEYS.halt}`);
    await until('notification', () => b.fake.notifications.some((n) => n.title === 'Trading HALTED'));
    // the tray follows the state through the engine's status events
    await until('tray tooltip', () => b.fake.trays[0]!.tooltip === 'Tradedesk — HALTED');
    expect(b.fake.trays[0]!.menu[0]!.label).toBe('Trading: HALTED');
    expect(b.fake.windows[0]!.webContents.sent.length).toBeGreaterThanOrEqual(sentBefore);
  });

  it('the tray KILL halts and cancels every open order', async () => {
    const e = b.engine();
    await e.handlers.resume({ reason: 'test: resume before KILL' });
    await until('a BTC quote', () => e.quotes.has('BTC/USD'));
    const q = e.quotes.get('BTC/USD')!;
    const r = await e.handlers.submitOrder({ symbol: 'BTC/USD', side: 'buy', type: 'limit', qty: 0.01, limitPrice: Number((q.bid * 0.97).toFixed(2)), timeInForce: 'gtc' });
    expect(r.accepted).toBe(true);
    await until('order open at the venue', () => e.oms.openOrders().some((o) => o.clientOrderId === r.clientOrderId && o.status === 'accepted'));
    b.fake.clickTray('KILL');
    await until('KILL notification', () => b.fake.notifications.some((n) => n.title.startsWith('KILL')));
    const note = b.fake.notifications.find((n) => n.title.startsWith('KILL'))!;
    expect(note.title).toBe('KILL done');
    expect(note.body).toMatch(/by the tray menu: halted, [1-9]\d* order\(s\) canceled, 0 still open/);
    expect(e.status().tradingState).toBe('HALTED');
    expect(e.oms.openOrders()).toHaveLength(0);
    expect(e.oms.get(r.clientOrderId)!.status).toBe('canceled');
  });

  it('shows a native notification for each new critical alert, once', async () => {
    const e = b.engine();
    e.alerts.raise('critical', 'TEST_CRITICAL', 'the test raised a critical alert', 'test');
    e.alerts.raise('warning', 'TEST_WARNING', 'only a warning', 'test');
    await until('alert notification', () => b.fake.notifications.some((n) => n.title === 'Tradedesk: TEST_CRITICAL'));
    await new Promise((r) => setTimeout(r, 200));
    expect(b.fake.notifications.filter((n) => n.title === 'Tradedesk: TEST_CRITICAL')).toHaveLength(1);
    expect(b.fake.notifications.some((n) => n.title.includes('TEST_WARNING'))).toBe(false);
  });

  it('a second launch brings the window back', () => {
    const w = b.fake.windows[0]!;
    w.minimized = true;
    const focused = w.focused;
    b.fake.emitApp('second-instance');
    expect(w.minimized).toBe(false);
    expect(w.focused).toBe(focused + 1);
  });

  it('quitting stops the engine, journals the stop, saves the window state, then quits', async () => {
    const e = b.engine();
    const w = b.fake.windows[0]!;
    w.bounds = { x: 40, y: 50, width: 1234, height: 777 };
    b.fake.electron.app.quit();
    // the first quit is held until the shutdown is done
    expect(b.fake.state.quitted).toBe(false);
    await until('quit', () => b.fake.state.quitted);
    expect(e.status().running).toBe(false);
    expect(b.fake.shortcuts.size).toBe(0);
    expect(b.fake.trays[0]!.destroyed).toBe(true);
    expect(b.fake.ipcMain.handlers.size).toBe(0);
    const kinds = [...readJournal(join(b.userData, 'data'))].map((r) => r.kind);
    expect(kinds.at(-1)).toBe('session.stop');
    expect(JSON.parse(readFileSync(join(b.userData, WINDOW_STATE_FILE), 'utf8'))).toMatchObject({ x: 40, y: 50, width: 1234, height: 777 });
  });
});

describe('shutdown triggers', () => {
  afterEach(async () => {
    for (const d of desktops.splice(0)) await d.shutdown('test end');
  });

  it('SIGTERM stops the engine and closes the journal, then exits 0', async () => {
    const b = boot();
    await b.desktop!.ready;
    b.signal('SIGTERM');
    await until('exit', () => b.fake.state.exitCode !== null);
    expect(b.fake.state.exitCode).toBe(0);
    expect(b.engine().status().running).toBe(false);
    expect([...readJournal(join(b.userData, 'data'))].at(-1)?.kind).toBe('session.stop');
    expect(b.logs).toContain('shutting down (SIGTERM)');
  });

  it('a system shutdown is delayed until the engine stopped', async () => {
    const b = boot();
    await b.desktop!.ready;
    const ev = b.fake.systemShutdown();
    expect(ev.defaultPrevented).toBe(true);
    await until('quit', () => b.fake.state.quitted);
    expect(b.engine().status().running).toBe(false);
    expect(b.logs).toContain('shutting down (system shutdown)');
  });
});

describe('start-up', () => {
  it('a packaged app ignores ELECTRON_RENDERER_URL and TRADEDESK_SQLITE_BINDING', async () => {
    const b = boot({ packaged: true, env: { ELECTRON_RENDERER_URL: 'https://evil.example/', TRADEDESK_SQLITE_BINDING: '/tmp/evil.node' } });
    await b.desktop!.ready;
    expect(b.fake.windows[0]!.loaded).toEqual(['app://tradedesk/index.html']);
    expect(b.bindings).toEqual([join(b.userData, '..', 'resources', 'native', 'better_sqlite3.node')]);
    await b.desktop!.shutdown('test end');
  });

  it('without an Electron build of SQLite it says why and exits 1, opening nothing', async () => {
    const b = boot({ noBinding: true });
    await expect(b.desktop!.ready).rejects.toThrow(/no better-sqlite3 build for Electron/);
    expect(b.fake.state.exitCode).toBe(1);
    expect(b.fake.windows).toHaveLength(0);
    expect(existsSync(join(b.userData, 'data'))).toBe(false);
  });
});
