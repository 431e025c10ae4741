// Preload (sandboxed, CommonJS): exposes window.tradedesk = one function per
// contract command plus onEvent, and nothing else (no raw ipcRenderer). It may
// require only 'electron' at run time (sandbox), so nothing here imports zod. Each
// command resolves to the main process's {ok, result} | {ok:false, error}
// reply; the renderer validates it with the shared protocol.
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- electron is an optional dependency: without it installed there are no types to check against
import electronModule from 'electron';
import { IPC_COMMAND_CHANNEL, IPC_EVENT_CHANNEL, type PreloadBridge } from '../shared/api/client.js';
import type { CommandName } from '../shared/api/contract.js';
import { PRELOAD_COMMAND_NAMES } from './command-names.js';

interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
    removeListener(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
  };
}

const { contextBridge, ipcRenderer } = electronModule as unknown as PreloadElectron;

function commandFn(cmd: CommandName): (args: unknown) => Promise<unknown> {
  return (args: unknown) => ipcRenderer.invoke(IPC_COMMAND_CHANNEL, { cmd, args: args ?? {} });
}

const bridge = Object.fromEntries(PRELOAD_COMMAND_NAMES.map((name) => [name, commandFn(name)])) as Omit<PreloadBridge, 'onEvent'>;

const api: PreloadBridge = {
  ...bridge,
  onEvent(listener: (message: unknown) => void): () => void {
    // The IPC event object (with its sender) never reaches the page: only the message.
    const wrapped = (_event: unknown, message: unknown): void => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('tradedesk', api);
