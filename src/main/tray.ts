// The tray icon and its menu: the trading state, HALT and KILL (acting on the
// engine in the main process, like the hotkeys), show the window, quit. The
// label and tooltip follow the engine's status events.
import type { TradingState } from '../shared/domain.js';
import type { ElectronMain, MenuItemOptions, TrayLike } from './electron-api.js';
import type { ShellAction } from './kill-switch.js';

/** A 32×32 PNG (a red stop sign on dark), embedded so no file path is needed at run time. */
export const TRAY_ICON_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAhElEQVR42mNgGAyAX1D0/0DgoeeApx6+RGGqO4BYi0l1CFEOIMVgUh2B1wGUBC2xeol2ALmJjGwHUMNyYszC6gBiLSclenCpG3wOICXoSU2g2NQOXgeQk9VI0TPqgFEHDH4HjNxyYLQuGBTV8aBokAyKJtmAN0oHTbN8UHRMhn/fcCABAItPa8yEGf3nAAAAAElFTkSuQmCC';

export interface TrayMenuOptions {
  state: TradingState | null;
  hotkeys: Partial<Record<ShellAction, string>>;
  run: (action: ShellAction, source: string) => void;
  showWindow: () => void;
  quit: () => void;
}

/** The menu template (pure, so its items and their actions can be checked). */
export function trayMenuTemplate(o: TrayMenuOptions): MenuItemOptions[] {
  return [
    { label: `Trading: ${o.state ?? 'starting…'}`, enabled: false },
    { type: 'separator' },
    { label: 'HALT trading (no new orders)', accelerator: o.hotkeys.halt, enabled: o.state !== null, click: () => o.run('halt', 'tray menu') },
    { label: 'KILL (halt and cancel every order)', accelerator: o.hotkeys.kill, enabled: o.state !== null, click: () => o.run('kill', 'tray menu') },
    { type: 'separator' },
    { label: 'Show Tradedesk', click: o.showWindow },
    { label: 'Quit Tradedesk', click: o.quit },
  ];
}

export interface ShellTray {
  setState(state: TradingState): void;
  destroy(): void;
}

export function createTray(electron: Pick<ElectronMain, 'Tray' | 'Menu' | 'nativeImage'>, o: Omit<TrayMenuOptions, 'state'>): ShellTray {
  const tray: TrayLike = new electron.Tray(electron.nativeImage.createFromDataURL(TRAY_ICON_DATA_URL));
  let current: TradingState | null = null;
  const render = (): void => {
    tray.setToolTip(`Tradedesk — ${current ?? 'starting'}`);
    tray.setContextMenu(electron.Menu.buildFromTemplate(trayMenuTemplate({ ...o, state: current })));
  };
  render();
  return {
    setState(state) {
      if (state === current) return;
      current = state;
      render();
    },
    destroy: () => tray.destroy(),
  };
}
