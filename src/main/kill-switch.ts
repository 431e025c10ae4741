// HALT and KILL from the main process (global hotkey, tray menu): they call the
// engine's own command handlers directly, through the same validation as any
// command, so they work while the renderer is hung or closed. A KILL already
// running is not started twice. Each outcome is logged and shown as a native
// notification.
import type { CommandHandlers } from '../shared/api/protocol.js';
import { dispatchCommand } from '../shared/api/protocol.js';
import type { Log } from './security.js';

export type ShellAction = 'halt' | 'kill';

export interface KillSwitch {
  /** `source` says who pressed it (e.g. 'global hotkey CommandOrControl+Alt+Shift+H', 'tray menu'). */
  run(action: ShellAction, source: string): Promise<void>;
}

export interface KillSwitchOptions {
  handlers: () => CommandHandlers | null;
  notify: (title: string, body: string) => void;
  log: Log;
}

export function createKillSwitch(opts: KillSwitchOptions): KillSwitch {
  let killing: Promise<void> | null = null;
  const report = (title: string, body: string): void => {
    opts.log(`${title}: ${body}`);
    opts.notify(title, body);
  };
  const halt = async (source: string): Promise<void> => {
    const handlers = opts.handlers();
    if (!handlers) return report('HALT not possible', 'the engine is not running');
    const r = await dispatchCommand(handlers, 'halt', { reason: `HALT from the ${source}` });
    if (r.ok) report('Trading HALTED', `by the ${source}: no new orders`);
    else report('HALT failed', `${r.error.code}: ${r.error.message}`);
  };
  const kill = async (source: string): Promise<void> => {
    const handlers = opts.handlers();
    if (!handlers) return report('KILL not possible', 'the engine is not running');
    const r = await dispatchCommand(handlers, 'kill', { reason: `KILL from the ${source}` });
    if (!r.ok) return report('KILL failed', `${r.error.code}: ${r.error.message}`);
    const { canceled, stillOpen } = r.result as { canceled: number; stillOpen: number };
    report(stillOpen > 0 ? 'KILL incomplete' : 'KILL done', `by the ${source}: halted, ${canceled} order(s) canceled, ${stillOpen} still open`);
  };
  return {
    async run(action, source) {
      try {
        if (action === 'halt') return await halt(source);
        if (killing) {
          opts.log(`KILL from the ${source} ignored: a KILL is already running`);
          return await killing;
        }
        killing = kill(source).finally(() => {
          killing = null;
        });
        return await killing;
      } catch (e) {
        report(`${action.toUpperCase()} failed`, (e as Error).message);
      }
    },
  };
}
