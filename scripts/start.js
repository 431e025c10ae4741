// `npm start`: runs the Electron app (electron-vite dev) when Electron can run
// here: the electron package resolves, its binary exists, and there is a
// display. Otherwise it says why in one line and serves the same UI to a
// browser (`tradedesk serve`, which prints the UI URL), forwarding argv and stdio.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Returns null when Electron can start, else the reason it cannot. */
function electronUnavailable() {
  let binary;
  try {
    // The electron package exports the path of its binary (and throws if the download failed).
    binary = require('electron');
  } catch {
    return 'the Electron binary is not installed';
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return 'the Electron binary is not installed';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)';
  return null;
}

function run(command, args) {
  // .cmd shims need a shell on Windows
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && command.endsWith('.cmd') });
  const forward = (signal) => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (e) => {
    console.error(`cannot run ${command}: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

let why = electronUnavailable();
let sqliteForElectron;
if (why === null) {
  // the journal's SQLite addon must match Electron's ABI: fetch that build once
  try {
    const { ensureElectronSqlite } = await import('./electron-sqlite.js');
    sqliteForElectron = ensureElectronSqlite();
  } catch (e) {
    why = `no better-sqlite3 build for Electron: ${e.message}`;
  }
}
if (why === null) {
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  process.env.TRADEDESK_SQLITE_BINDING = sqliteForElectron;
  run(bin, ['dev']);
} else {
  console.error(`Electron cannot start here (${why}): serving the same UI to your browser instead`);
  run(process.execPath, [join(root, 'bin', 'tradedesk.js'), 'serve', ...process.argv.slice(2)]);
}
