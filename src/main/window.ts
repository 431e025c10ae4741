// The one main window: hardened webPreferences (security.ts), size and
// position from the saved window state, shown once ready, its state saved
// (debounced) when it moves or resizes and at once when it closes.
import type { BrowserWindowLike, BrowserWindowOptions, ElectronMain } from './electron-api.js';
import { secureWebPreferences, type Log } from './security.js';
import { loadWindowState, MIN_SIZE, saveWindowState, windowStateOf, type WindowState } from './window-state.js';

export const SAVE_DEBOUNCE_MS = 1000;

export function mainWindowOptions(preload: string, state: WindowState): BrowserWindowOptions {
  return {
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Tradedesk',
    backgroundColor: '#0f1115',
    webPreferences: secureWebPreferences(preload),
  };
}

export interface MainWindow {
  readonly window: BrowserWindowLike;
  /** Writes the window state now (no-op once the window is destroyed). */
  saveState(): void;
}

export function openMainWindow(
  electron: Pick<ElectronMain, 'BrowserWindow' | 'screen'>,
  o: { preload: string; stateDir: string; url: string; log: Log },
): MainWindow {
  const { state, problem } = loadWindowState(o.stateDir, electron.screen.getAllDisplays().map((d) => d.workArea));
  if (problem) o.log(`window state: ${problem}`);
  const w = new electron.BrowserWindow(mainWindowOptions(o.preload, state));
  if (state.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const saveState = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (w.isDestroyed()) return;
    try {
      saveWindowState(o.stateDir, windowStateOf(w.getNormalBounds(), w.isMaximized()));
    } catch (e) {
      o.log(`window state: not saved: ${(e as Error).message}`);
    }
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(saveState, SAVE_DEBOUNCE_MS);
    timer.unref?.();
  };
  w.on('resize', later);
  w.on('move', later);
  w.on('close', saveState);
  w.loadURL(o.url).catch((e: Error) => o.log(`cannot load the renderer: ${e.message}`));
  return { window: w, saveState };
}
