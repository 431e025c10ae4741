// The same UI over the Electron transport: a stand-in for the preload's
// window.tradedesk (one function per command resolving to {ok, result} |
// {ok:false, error}, plus onEvent) is injected before the page loads and
// relays to a real `tradedesk serve`. The UI must pick the IPC client, need no
// token in the URL, validate events (dropping bad ones) and show command errors.
import { expect, test } from '@playwright/test';
import { COMMAND_NAMES } from '../../src/shared/api/contract.js';
import { startServe, type ServeHandle } from './support/serve.js';
import { shot, waitForLiveUi } from './support/ui.js';

let server: ServeHandle;

test.beforeAll(async () => {
  server = await startServe();
});

test.afterAll(async () => {
  await server?.stop();
});

/** Runs in the page before any script: defines window.tradedesk like the preload does. */
function installBridge({ wsUrl, names }: { wsUrl: string; names: string[] }): void {
  type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };
  const w = window as unknown as Record<string, unknown>;
  const ws = new WebSocket(wsUrl);
  const ready = new Promise((res) => ws.addEventListener('open', res));
  const pending = new Map<number, (reply: Reply) => void>();
  const listeners = new Set<(message: unknown) => void>();
  let nextId = 0;
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; event?: string } & Reply;
    if (msg.event !== undefined) listeners.forEach((l) => l(msg));
    else pending.get(msg.id!)?.(msg.ok ? { ok: true, result: msg.result } : { ok: false, error: msg.error });
  });
  const bridge: Record<string, unknown> = {
    onEvent(listener: (message: unknown) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  for (const name of names) {
    bridge[name] = async (args: unknown): Promise<Reply> => {
      const failure = (w.__failNext as Record<string, string> | undefined)?.[name];
      if (failure) return { ok: false, error: { code: 'TEST_FAILURE', message: failure } };
      await ready;
      const id = ++nextId;
      return new Promise<Reply>((resolve) => {
        pending.set(id, (reply) => {
          pending.delete(id);
          resolve(reply);
        });
        ws.send(JSON.stringify({ id, cmd: name, args: args ?? {} }));
      });
    };
  }
  // Lets the test push a malformed event through the bridge.
  w.__emitRaw = (message: unknown) => listeners.forEach((l) => l(message));
  w.tradedesk = bridge;
}

test('the UI runs over the preload bridge, drops invalid events and shows command errors', async ({ page }) => {
  const dropped: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => m.text().includes('dropped an invalid event') && dropped.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  const wsUrl = `${server.origin.replace(/^http/, 'ws')}ws?token=${encodeURIComponent(server.token)}`;
  await page.addInitScript(installBridge, { wsUrl, names: COMMAND_NAMES as string[] });

  // No #token in the URL: the bridge is the transport.
  await page.goto(server.origin);
  await waitForLiveUi(page);
  await expect(page.getByTestId('connection-state')).toContainText('Electron IPC');
  await expect(page.getByTestId('connection-error')).toHaveCount(0);
  await expect(page.getByTestId('trading-state')).toHaveText('ACTIVE');
  await expect(page.getByTestId('watch-row').first()).toBeVisible();
  await expect.poll(async () => Number(await page.getByTestId('chart').getAttribute('data-bars'))).toBeGreaterThan(10);

  // A malformed event is dropped and logged; the UI keeps its state and keeps updating.
  await page.evaluate(() => {
    const emit = (window as unknown as { __emitRaw: (m: unknown) => void }).__emitRaw;
    emit({ event: 'status', data: { tradingState: 'BOGUS' } });
    emit({ event: 'nope', data: 1 });
  });
  await expect.poll(() => dropped.length).toBe(2);
  await expect(page.getByTestId('trading-state')).toHaveText('ACTIVE');
  const clock = page.getByTestId('sim-clock');
  const before = await clock.textContent();
  await expect.poll(() => clock.textContent()).not.toBe(before);

  // A failing command shows its error message; the state does not change.
  await page.evaluate(() => {
    (window as unknown as { __failNext: Record<string, string> }).__failNext = { halt: 'risk engine unavailable' };
  });
  await page.getByTestId('halt-button').click();
  const notice = page.getByTestId('command-notice');
  await expect(notice).toHaveAttribute('data-kind', 'error');
  await expect(notice).toContainText('HALT failed: risk engine unavailable (TEST_FAILURE)');
  await expect(page.getByTestId('trading-state')).toHaveText('ACTIVE');
  await shot(page, '30-ipc-command-error');

  // A failing RESUME keeps its dialog open and shows the error inside it.
  await page.evaluate(() => {
    (window as unknown as { __failNext: Record<string, string> }).__failNext = {};
  });
  await page.getByTestId('halt-button').click();
  await expect(page.getByTestId('trading-state')).toHaveText('HALTED');
  await page.evaluate(() => {
    (window as unknown as { __failNext: Record<string, string> }).__failNext = { resume: 'resume refused: drawdown limit breached' };
  });
  await page.getByTestId('resume-button').click();
  await page.getByTestId('resume-reason').fill('try to resume');
  await page.getByTestId('modal-confirm').click();
  await expect(page.getByTestId('modal-error')).toContainText('resume refused: drawdown limit breached');
  await expect(page.getByTestId('modal')).toBeVisible();
  await expect(page.getByTestId('trading-state')).toHaveText('HALTED');
  await shot(page, '31-ipc-resume-error');
  await page.getByTestId('modal-cancel').click();
  await expect(page.getByTestId('modal')).toHaveCount(0);
  expect(errors).toEqual([]);
});
