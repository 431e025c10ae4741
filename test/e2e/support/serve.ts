// Starts `tradedesk serve` for one spec file and stops it after: waits for the
// single stdout line `UI: http://127.0.0.1:PORT/#token=TOKEN`, keeps stderr for
// error messages, and kills the process (SIGTERM, then SIGKILL) at the end.
// Each server gets a fresh data folder, so a trading state left by one run
// (HALTED after KILL survives restarts) never leaks into the next; a spec that
// restarts on the same journal passes its own folder (kept after stop). Extra
// environment (e.g. a unique TRADEDESK_KEYCHAIN_SERVICE, so a spec never
// touches a user's keychain entries) goes in ServeOptions.env.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export interface ServeHandle {
  /** http://127.0.0.1:PORT/#token=TOKEN */
  uiUrl: string;
  /** http://127.0.0.1:PORT/ */
  origin: string;
  token: string;
  /** The data folder (journal) this server uses. */
  dataDir: string;
  stderr: () => string;
  stop: () => Promise<void>;
}

const UI_LINE = /^UI: (http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)$/;

export interface ServeOptions {
  /** Use this data folder and leave it in place on stop (the caller removes it). */
  dataDir?: string;
  /** Extra environment for the serve process (added to this process's). */
  env?: Record<string, string>;
}

/** A fresh data folder the caller owns (pass it as ServeOptions.dataDir). */
export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'tradedesk-e2e-'));
}

export async function startServe(
  args: string[] = ['--port', '0', '--speed', '600', '--seed', '7'],
  timeoutMs = 150_000,
  options: ServeOptions = {},
): Promise<ServeHandle> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? makeDataDir();
  const child: ChildProcess = spawn(process.execPath, ['bin/tradedesk.js', 'serve', ...args, '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', ...(options.env ?? {}) },
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });

  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
      await exited;
      clearTimeout(timer);
    }
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const { origin, token } = await new Promise<{ origin: string; token: string }>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no UI: line within ${timeoutMs / 1000}s\nstderr:\n${stderr.slice(-4000)}`)), timeoutMs);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        for (const line of stdout.split('\n')) {
          const m = UI_LINE.exec(line.trim());
          if (m) {
            clearTimeout(timer);
            res({ origin: m[1]!, token: m[2]! });
          }
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        rej(new Error(`tradedesk serve exited (code ${code}, signal ${signal}) before printing its UI line\nstderr:\n${stderr.slice(-4000)}`));
      });
    });
    return { uiUrl: `${origin}#token=${token}`, origin, token, dataDir, stderr: () => stderr, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
