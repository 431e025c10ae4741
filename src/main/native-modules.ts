// Which better-sqlite3 addon the desktop host loads. node_modules holds the
// build for Node's ABI (the CLI and the tests use it); Electron needs one for
// its own ABI, passed to better-sqlite3 through its `nativeBinding` option
// (src/engine/core/sqlite.ts):
//   - packaged: <resources>/native/better_sqlite3.node, put there by
//     electron-builder (build/electron-builder.yml, extraResources) from what
//     `npm run dist` fetched (scripts/electron-sqlite.js);
//   - development: the path `npm start` fetched and passed in
//     TRADEDESK_SQLITE_BINDING (never read in a packaged app: an environment
//     variable must not choose native code to load there).
// @napi-rs/keyring is N-API (ABI-stable): the same prebuilt binary loads in
// Node and Electron, so it needs no rebuild.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const SQLITE_BINDING_ENV = 'TRADEDESK_SQLITE_BINDING';
export const PACKAGED_SQLITE_BINDING = join('native', 'better_sqlite3.node');

export type SqliteBinding = { ok: true; path: string } | { ok: false; problem: string };

export function sqliteBindingFor(o: {
  isPackaged: boolean;
  resourcesPath: string | undefined;
  env: Record<string, string | undefined>;
  exists?: (path: string) => boolean;
}): SqliteBinding {
  const exists = o.exists ?? existsSync;
  let path: string | undefined;
  if (o.isPackaged) {
    if (!o.resourcesPath) return { ok: false, problem: 'process.resourcesPath is not set in a packaged app' };
    path = join(o.resourcesPath, PACKAGED_SQLITE_BINDING);
  } else {
    path = o.env[SQLITE_BINDING_ENV];
    if (!path) {
      return { ok: false, problem: `no better-sqlite3 build for Electron: start the app with \`npm start\` (it fetches one) or set ${SQLITE_BINDING_ENV} to the output of \`node scripts/electron-sqlite.js\`` };
    }
  }
  if (!exists(path)) return { ok: false, problem: `the better-sqlite3 build for Electron is missing: ${path}` };
  return { ok: true, path };
}
