// Makes sure out/renderer holds a build of the current renderer sources before
// `tradedesk serve` serves it: if it is missing or older than src/renderer (or
// src/shared, which it bundles), build it with vite's build() API using the
// renderer section of electron.vite.config.ts. Builds go to a temporary folder
// and are swapped in, under a lock file, so concurrent serves never see half a build.
import { existsSync, promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const RENDERER_OUT = join(REPO_ROOT, 'out', 'renderer');
const RENDERER_SRC = join(REPO_ROOT, 'src', 'renderer');
const SOURCE_DIRS = [RENDERER_SRC, join(REPO_ROOT, 'src', 'shared')];
const LOCK = join(REPO_ROOT, 'out', '.renderer-build.lock');
const LOCK_STALE_MS = 10 * 60_000;

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, await newestMtime(p));
    else if (e.isFile()) newest = Math.max(newest, (await fs.stat(p)).mtimeMs);
  }
  return newest;
}

/** Why out/renderer needs a (re)build, or null if it is current. */
export async function staleReason(): Promise<string | null> {
  const built = join(RENDERER_OUT, 'index.html');
  if (!existsSync(built)) return 'out/renderer is missing';
  const builtAt = (await fs.stat(built)).mtimeMs;
  for (const dir of SOURCE_DIRS) {
    if ((await newestMtime(dir)) > builtAt) return `out/renderer is older than ${dir.slice(REPO_ROOT.length + 1)}`;
  }
  return null;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock is stale when its owner is gone (interrupted build) or it is very old. */
async function lockIsStale(): Promise<boolean> {
  const [st, owner] = await Promise.all([fs.stat(LOCK).catch(() => null), fs.readFile(LOCK, 'utf8').catch(() => '')]);
  if (!st) return false; // released meanwhile: just retry
  if (Date.now() - st.mtimeMs > LOCK_STALE_MS) return true;
  // an empty lock may be one being written right now; give it a moment
  return owner.trim() !== '' ? !pidAlive(Number(owner)) : Date.now() - st.mtimeMs > 5_000;
}

/** Removes temporary folders left by builds that were interrupted. */
async function removeAbandonedBuilds(): Promise<void> {
  const outDir = join(REPO_ROOT, 'out');
  for (const name of await fs.readdir(outDir).catch(() => [] as string[])) {
    const m = /^\.renderer-(?:build|old)-(\d+)$/.exec(name);
    if (m && !pidAlive(Number(m[1]))) await fs.rm(join(outDir, name), { recursive: true, force: true });
  }
}

async function acquireLock(log: (line: string) => void): Promise<() => Promise<void>> {
  await fs.mkdir(join(REPO_ROOT, 'out'), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      const fh = await fs.open(LOCK, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      await removeAbandonedBuilds();
      return () => fs.rm(LOCK, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await lockIsStale()) {
        await fs.rm(LOCK, { force: true });
        continue;
      }
      if (!announced) log('another process is building the UI; waiting for it');
      announced = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function rendererViteConfig(): Promise<Record<string, unknown>> {
  try {
    const { loadConfigFromFile } = await import('electron-vite');
    const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, undefined, REPO_ROOT, 'silent');
    const renderer = loaded.config.renderer as unknown;
    const env = { command: 'build', mode: 'production' };
    const cfg = typeof renderer === 'function' ? await (renderer as (e: typeof env) => unknown)(env) : renderer;
    if (cfg && typeof cfg === 'object') return cfg as Record<string, unknown>;
  } catch {
    // fall through to the equivalent inline config
  }
  const react = (await import('@vitejs/plugin-react')).default;
  return {
    root: RENDERER_SRC,
    base: './',
    plugins: [react()],
    build: { rollupOptions: { input: { index: join(RENDERER_SRC, 'index.html') } } },
  };
}

/**
 * Returns the folder to serve (out/renderer), building it first when stale, or
 * null when there is neither a build nor renderer sources to build from.
 */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<string | null> {
  let reason = await staleReason();
  if (!reason) return RENDERER_OUT;
  if (!existsSync(join(RENDERER_SRC, 'index.html'))) {
    return existsSync(join(RENDERER_OUT, 'index.html')) ? RENDERER_OUT : null;
  }
  const release = await acquireLock(log);
  try {
    reason = await staleReason(); // someone else may have just built it
    if (!reason) return RENDERER_OUT;
    log(`building the UI (${reason}); this takes a few seconds...`);
    const tmp = join(REPO_ROOT, 'out', `.renderer-build-${process.pid}`);
    const cfg = await rendererViteConfig();
    const { build } = await import('vite');
    const buildCfg = (cfg.build ?? {}) as Record<string, unknown>;
    await fs.rm(tmp, { recursive: true, force: true });
    const built = build({
      ...cfg,
      configFile: false,
      mode: 'production',
      logLevel: 'warn', // vite logs info to stdout; stdout carries only the UI line
      build: {
        ...buildCfg,
        outDir: tmp,
        emptyOutDir: true,
        rollupOptions: {
          ...((buildCfg.rollupOptions ?? {}) as Record<string, unknown>),
          // zod's sources carry comments rollup cannot place; harmless noise
          onwarn(warning: { code?: string; message: string }, warn: (w: { code?: string; message: string }) => void) {
            if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
          },
        },
      },
    });
    await built.catch(async (e: unknown) => {
      await fs.rm(tmp, { recursive: true, force: true });
      throw e;
    });
    const old = join(REPO_ROOT, 'out', `.renderer-old-${process.pid}`);
    if (existsSync(RENDERER_OUT)) await fs.rename(RENDERER_OUT, old);
    await fs.rename(tmp, RENDERER_OUT);
    await fs.rm(old, { recursive: true, force: true });
    log('UI built into out/renderer');
    return RENDERER_OUT;
  } finally {
    await release();
  }
}
