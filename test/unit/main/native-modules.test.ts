// Which better-sqlite3 addon the desktop host loads: the packaged one from
// resources, the one `npm start` fetched in development, never one named by
// the environment in a packaged app.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGED_SQLITE_BINDING, SQLITE_BINDING_ENV, sqliteBindingFor } from '../../../src/main/native-modules.js';

const yes = () => true;
const no = () => false;

describe('sqliteBindingFor', () => {
  it('packaged: resources/native/better_sqlite3.node, ignoring the environment', () => {
    const r = sqliteBindingFor({ isPackaged: true, resourcesPath: '/opt/Tradedesk/resources', env: { [SQLITE_BINDING_ENV]: '/tmp/evil.node' }, exists: yes });
    expect(r).toEqual({ ok: true, path: join('/opt/Tradedesk/resources', PACKAGED_SQLITE_BINDING) });
  });

  it('development: the build npm start fetched', () => {
    expect(sqliteBindingFor({ isPackaged: false, resourcesPath: undefined, env: { [SQLITE_BINDING_ENV]: '/w/build/native/electron-39.0.0/better_sqlite3.node' }, exists: yes })).toEqual({
      ok: true,
      path: '/w/build/native/electron-39.0.0/better_sqlite3.node',
    });
  });

  it('says what to do when there is none, or it is missing', () => {
    const none = sqliteBindingFor({ isPackaged: false, resourcesPath: undefined, env: {}, exists: yes });
    expect(none).toMatchObject({ ok: false, problem: expect.stringContaining('npm start') });
    const gone = sqliteBindingFor({ isPackaged: true, resourcesPath: '/r', env: {}, exists: no });
    expect(gone).toMatchObject({ ok: false, problem: expect.stringContaining(join('/r', PACKAGED_SQLITE_BINDING)) });
  });
});
