// Electron main process entry: hands the real electron module to the desktop
// host (desktop.ts), which hosts the engine and one locked-down window. All
// the logic lives in modules that take the Electron API as a parameter, so it
// is tested without the Electron binary (test/unit/main).
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- electron is an optional dependency: without it installed there are no types to check against
import electronModule from 'electron';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../engine/engine.js';
import { useSqliteNativeBinding } from '../engine/core/sqlite.js';
import { startDesktop } from './desktop.js';
import type { ElectronMain, ProcessLike } from './electron-api.js';

startDesktop({
  electron: electronModule as unknown as ElectronMain,
  process: process as unknown as ProcessLike,
  mainDir: fileURLToPath(new URL('.', import.meta.url)),
  createEngine: (dataDir, sqliteBinding) => {
    // the journal, the simulator's account and the bar cache load SQLite's Electron-ABI build
    useSqliteNativeBinding(sqliteBinding);
    return createEngine({}, { dataDir });
  },
});
