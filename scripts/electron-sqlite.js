#!/usr/bin/env node
// Fetches better-sqlite3's prebuilt addon for Electron's ABI into
// build/native/electron-<version>/better_sqlite3.node, leaving the Node build in
// node_modules untouched (the CLI and the tests keep using it). Run by
// `npm start` before it launches Electron; needs the network once.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export function electronSqlitePath(version) {
  return join(root, 'build', 'native', `electron-${version}`, 'better_sqlite3.node');
}

export function ensureElectronSqlite() {
  const version = require('electron/package.json').version;
  const target = electronSqlitePath(version);
  if (existsSync(target)) return target;
  const pkg = dirname(require.resolve('better-sqlite3/package.json'));
  const work = mkdtempSync(join(tmpdir(), 'tradedesk-sqlite-electron-'));
  try {
    cpSync(pkg, work, { recursive: true, filter: (src) => !src.includes(`${pkg}/build`) });
    const r = spawnSync(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', version, '--arch', process.arch], { cwd: work, stdio: 'inherit' });
    const built = join(work, 'build', 'Release', 'better_sqlite3.node');
    if (r.status !== 0 || !existsSync(built)) {
      throw new Error(`could not fetch better-sqlite3 for Electron ${version} (prebuild-install exit ${r.status}); on a machine with a compiler run: npx @electron/rebuild -f -w better-sqlite3`);
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureElectronSqlite()}\n`);
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
