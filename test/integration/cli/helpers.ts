// Helpers for the CLI integration tests: spawn the real `tradedesk` command
// (node bin/tradedesk.js) and parse the UI line `serve` prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const BIN = join(REPO, 'bin', 'tradedesk.js');
export const UI_LINE = /^UI: (http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+))$/;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tradedesk ...args` to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tradedesk ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export interface ServeProcess {
  proc: ChildProcess;
  url: string;
  port: number;
  token: string;
  stdoutLines: () => string[];
  stderr: () => string;
  /** SIGTERM, wait for exit; returns the exit code. Safe to call twice. */
  stop(): Promise<number | null>;
}

/** Spawns `tradedesk serve --port 0 --speed 600` (plus extra args) and waits for its UI line. */
export function spawnServe(extra: string[] = [], timeoutMs = 170_000): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tradedesk-test-'));
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--speed', '600', '--data-dir', dataDir, ...extra], {
    cwd: REPO,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let stopping: Promise<number | null> | null = null;
  const stop = (): Promise<number | null> => {
    stopping ??= (async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    })();
    return stopping;
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve printed no UI line in ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    proc.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const line of stdout.split('\n')) {
        const m = UI_LINE.exec(line);
        if (!m) continue;
        clearTimeout(timer);
        resolvePromise({
          proc,
          url: m[1]!,
          port: Number(m[2]),
          token: m[3]!,
          stdoutLines: () => stdout.split('\n').filter(Boolean),
          stderr: () => stderr,
          stop,
        });
        return;
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before printing its UI line; stderr:\n${stderr}`));
    });
  });
}
