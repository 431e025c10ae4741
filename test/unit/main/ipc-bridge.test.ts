// The Electron IPC bridge (src/main/ipc-bridge.ts) driving the REAL engine.
// The Electron binary cannot run here; FakeElectronIpc (test/support/fake-electron.ts)
// stands in for ipcMain only (and FakeWebContents for the window's webContents):
// it records the one registered handler and invokes it the way Electron would,
// with a sender and a senderFrame.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.js';
import type { EngineHandle } from '../../../src/engine/engine-api.js';
import { registerIpcBridge, rendererUrlCheck, type BridgeReply } from '../../../src/main/ipc-bridge.js';
import { FakeElectronIpc, FakeWebContents } from '../../support/fake-electron.js';
import { IPC_COMMAND_CHANNEL, IPC_EVENT_CHANNEL } from '../../../src/shared/api/client.js';
import { parseEvent, parseResult } from '../../../src/shared/api/protocol.js';

const OUR_PAGE = 'app://tradedesk/index.html';

let engine: EngineHandle;
const fakeIpc = new FakeElectronIpc();
const wc = new FakeWebContents();
/** The renderer of our window, at our page, unless told otherwise. */
const ipc = {
  handlers: fakeIpc.handlers,
  invoke: (channel: string, payload: unknown, url = OUR_PAGE, parent: unknown = null, sender: unknown = wc): Promise<BridgeReply> =>
    fakeIpc.invoke(channel, payload, url, parent, sender),
};
const logs: string[] = [];
let remove: () => void;

beforeAll(async () => {
  engine = await createEngine({ sim: { speed: 600 } });
  remove = registerIpcBridge({
    ipcMain: fakeIpc,
    engine,
    isAllowedSenderUrl: rendererUrlCheck({}),
    isExpectedSender: (sender) => sender === wc,
    target: () => wc,
    log: (l) => logs.push(l),
  });
  await engine.start();
});

afterAll(async () => {
  remove?.();
  await engine?.stop();
});

describe('IPC bridge', () => {
  it('registers exactly one handler, on the command channel', () => {
    expect([...ipc.handlers.keys()]).toEqual([IPC_COMMAND_CHANNEL]);
  });

  it('runs a valid command on the real engine', async () => {
    const reply = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'status', args: {} });
    expect(reply.ok).toBe(true);
    const status = parseResult('status', (reply as { result: unknown }).result);
    expect(status.running).toBe(true);
    expect(status.speed).toBe(600);

    const halted = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'halt', args: { reason: 'ipc test' } });
    expect(parseResult('halt', (halted as { result: unknown }).result).tradingState).toBe('HALTED');
    expect(engine.status().tradingState).toBe('HALTED');
    const resumed = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'resume', args: { reason: 'ipc test done' } });
    expect(parseResult('resume', (resumed as { result: unknown }).result).tradingState).toBe('ACTIVE');
  });

  it('answers an unknown command with UNKNOWN_COMMAND', async () => {
    const reply = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'rmRf', args: {} });
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect((reply as { error: { message: string } }).error.message).toContain('rmRf');
  });

  it('answers bad arguments with BAD_ARGS naming the field', async () => {
    const reply = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'getBars', args: { symbol: 'AAA', limit: 'lots' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_ARGS' } });
    expect((reply as { error: { message: string } }).error.message).toContain("field 'limit'");
    const resume = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'resume', args: {} });
    expect((resume as { error: { message: string } }).error.message).toContain("field 'reason'");
  });

  it('answers a malformed payload with BAD_MESSAGE', async () => {
    expect(await ipc.invoke(IPC_COMMAND_CHANNEL, 'status')).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
    expect(await ipc.invoke(IPC_COMMAND_CHANNEL, null)).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
  });

  it('refuses foreign senders and never runs their command', async () => {
    const before = engine.status().tradingState;
    for (const url of [
      'https://evil.example/index.html',
      'file:///home/user/Downloads/evil.html',
      'file:///opt/Tradedesk/resources/app/out/renderer/index.html',
      'app://evil/index.html',
      'app://tradedesk.evil.example/index.html',
      'app://user:pw@tradedesk/index.html',
      'about:blank',
      'data:text/html,<script>1</script>',
    ]) {
      const reply = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'halt', args: { reason: 'pwned' } }, url);
      expect(reply, url).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    // a subframe of our own page is refused too
    const sub = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'halt', args: {} }, OUR_PAGE, { url: OUR_PAGE });
    expect(sub).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    // and a destroyed frame
    const h = ipc.handlers.get(IPC_COMMAND_CHANNEL)!;
    expect(await h({ senderFrame: null }, { cmd: 'halt', args: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(engine.status().tradingState).toBe(before);
    expect(logs.some((l) => l.includes('refused a command from https://evil.example'))).toBe(true);
  });

  it('refuses our page loaded in another web contents (not our window)', async () => {
    const before = engine.status().tradingState;
    const other = new FakeWebContents();
    const reply = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'halt', args: { reason: 'other window' } }, OUR_PAGE, null, other);
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(engine.status().tradingState).toBe(before);
    expect(logs.at(-1)).toContain('(not our window)');
  });

  it('refuses and logs a payload failing its schema, and does not act on it', async () => {
    const before = engine.status().tradingState;
    expect(before).not.toBe('HALTED');
    const n = logs.length;
    // halt with a scope that is not in the schema: nothing halts
    const reply = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'halt', args: { reason: 'x', scope: { account: 'all' } } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_ARGS' } });
    expect(engine.status().tradingState).toBe(before);
    const extra = await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'kill', args: { reason: 'x', force: true } });
    expect(extra).toMatchObject({ ok: false, error: { code: 'BAD_ARGS' } });
    expect(engine.status().tradingState).toBe(before);
    const lines = logs.slice(n);
    expect(lines.some((l) => l.startsWith('ipc: refused command "halt": BAD_ARGS'))).toBe(true);
    expect(lines.some((l) => l.startsWith('ipc: refused command "kill": BAD_ARGS'))).toBe(true);
  });

  it('forwards engine events to the window as {event, data} on the event channel', async () => {
    const deadline = Date.now() + 30_000;
    while (!wc.sent.some((s) => (s.message as { event?: string }).event === 'quotes') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(wc.sent.length).toBeGreaterThan(0);
    for (const s of wc.sent) {
      expect(s.channel).toBe(IPC_EVENT_CHANNEL);
      expect(parseEvent(s.message), JSON.stringify(s.message).slice(0, 200)).not.toBeNull();
    }
    expect(wc.sent.some((s) => (s.message as { event?: string }).event === 'quotes')).toBe(true);
  });

  it('stops forwarding to a destroyed window', async () => {
    wc.destroyed = true;
    const count = wc.sent.length;
    await ipc.invoke(IPC_COMMAND_CHANNEL, { cmd: 'halt', args: { reason: 'marks status dirty' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(wc.sent.length).toBe(count);
    wc.destroyed = false;
  });
});

describe('rendererUrlCheck', () => {
  it('in development accepts only the dev server origin', () => {
    const check = rendererUrlCheck({ devServerUrl: 'http://localhost:5173/' });
    expect(check('http://localhost:5173/#/orders')).toBe(true);
    expect(check('http://localhost:5174/')).toBe(false);
    expect(check(OUR_PAGE)).toBe(false);
  });

  it('in production accepts only app://tradedesk/', () => {
    const check = rendererUrlCheck({});
    expect(check(OUR_PAGE)).toBe(true);
    expect(check(`${OUR_PAGE}#token`)).toBe(true);
    expect(check('app://tradedesk/assets/x.js')).toBe(true);
    expect(check('app://other/index.html')).toBe(false);
    expect(check('file:///opt/Tradedesk/out/renderer/index.html')).toBe(false);
    expect(check('http://tradedesk/index.html')).toBe(false);
    expect(check('not a url')).toBe(false);
  });
});
