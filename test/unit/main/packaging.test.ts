// The packaging configuration (build/electron-builder.yml) as electron-builder
// itself reads and validates it (its own schema), and what it must hold:
// the four targets, asar, the fuses, SQLite's Electron build as a resource
// where the main process looks for it, no in-place rebuild of node_modules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGED_SQLITE_BINDING } from '../../../src/main/native-modules.js';

const root = resolve(__dirname, '../../..');
const require = createRequire(import.meta.url);
type Config = Record<string, unknown> & {
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
  electronFuses: Record<string, boolean>;
  extraResources: Array<{ from: string; to: string }>;
  files: unknown;
};
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig: (dir: string, file: string | null, fromOptions: unknown) => Promise<Config>;
  validateConfiguration: (config: unknown, debugLogger: unknown) => Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('build/electron-builder.yml', () => {
  it("passes electron-builder's own validation, and a wrong key does not", async () => {
    const config = await getConfig(root, 'build/electron-builder.yml', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    const broken = { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/configuration\.electronFuses/);
  });

  it('builds AppImage and deb, dmg, and NSIS, into an asar', async () => {
    const c = await getConfig(root, 'build/electron-builder.yml', null);
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.mac.target).toEqual(['dmg']);
    expect(c.win.target).toEqual(['nsis']);
    expect(c.asar).toBe(true);
    expect(c.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    // electron-builder normalizes `files` to file sets
    const files = (c.files as unknown as Array<{ filter: string[] }>).flatMap((f) => f.filter);
    expect(files).toContain('out/**');
    expect(files).toContain('package.json');
    expect(files).not.toContain('src/**');
  });

  it('flips the fuses that close Node-style entry points and pin the app to its asar', async () => {
    const c = await getConfig(root, 'build/electron-builder.yml', null);
    expect(c.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
  });

  it("ships SQLite's Electron build where the main process loads it, and never rebuilds node_modules", async () => {
    const c = await getConfig(root, 'build/electron-builder.yml', null);
    expect(c.npmRebuild).toBe(false);
    expect(c.extraResources).toEqual([{ from: 'build/native/dist/better_sqlite3.node', to: PACKAGED_SQLITE_BINDING.replaceAll('\\', '/') }]);
  });

  it('npm run dist runs it; the icon is a PNG of at least 512 px', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.scripts['dist']).toBe('node scripts/dist.js');
    expect(readFileSync(resolve(root, 'scripts/dist.js'), 'utf8')).toContain("'--config', 'build/electron-builder.yml'");
    expect(pkg.main).toBe('out/main/index.js');
    const png = readFileSync(resolve(root, 'build/icon.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
  });
});
