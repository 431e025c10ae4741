#!/usr/bin/env node
// `npm run dist`: packages the desktop app for this platform with
// electron-builder (build/electron-builder.yml): AppImage and deb on Linux,
// dmg on macOS, NSIS on Windows, into dist/. Steps: build the three bundles
// (electron-vite build), fetch better-sqlite3 for Electron's ABI
// (scripts/electron-sqlite.js) and stage it where the config picks it up,
// then run electron-builder with the installed Electron's version. Extra
// arguments go to electron-builder (e.g. `npm run dist -- --linux deb`).
// Needs the Electron package and network access (electron-builder downloads
// the Electron release it packages).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

function step(label, cmd, args) {
  process.stderr.write(`[dist] ${label}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && cmd.endsWith('.cmd') });
  if (r.status !== 0) {
    process.stderr.write(`[dist] ${label} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

let electronVersion;
try {
  electronVersion = require('electron/package.json').version;
} catch {
  process.stderr.write('[dist] the electron package is not installed (it is an optional dependency that downloads its binary): run `npm install` where downloads work\n');
  process.exit(1);
}

step('electron-vite build', bin('electron-vite'), ['build']);
process.stderr.write(`[dist] better-sqlite3 for Electron ${electronVersion}\n`);
const { ensureElectronSqlite } = await import('./electron-sqlite.js');
let addon;
try {
  addon = ensureElectronSqlite();
} catch (e) {
  process.stderr.write(`[dist] ${e.message}\n`);
  process.exit(1);
}
mkdirSync(join(root, 'build', 'native', 'dist'), { recursive: true });
copyFileSync(addon, join(root, 'build', 'native', 'dist', 'better_sqlite3.node'));
step('electron-builder', bin('electron-builder'), ['--config', 'build/electron-builder.yml', `-c.electronVersion=${electronVersion}`, '--publish', 'never', ...process.argv.slice(2)]);
