#!/usr/bin/env node
// `npm test`: the only set-up step the tests need. Finds or installs what they
// use (a Chromium for the browser tests), then runs the typecheck, lint, the
// Electron build and a check of its output (scripts/check-electron-bundle.js),
// the build of the command (scripts/check-cli-build.js), the unit and
// integration tests (vitest), and the end-to-end
// tests (Playwright against `tradedesk serve`). Stops at the first failure.
//
// Steps that do not depend on each other run at the same time, so a 2-core
// machine is not left half idle by single-threaded tools: typecheck, lint and
// the Electron build (then its check) and the build of the `tradedesk` command
// (out/cli, then its check) together; then vitest, whose `serve` processes find
// out/renderer already built (no second renderer build) and whose CLI processes
// start from out/cli (half the CPU of running the sources through tsx); then
// Playwright. The output of a step run beside others is printed when it ends.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { keyringBusConfig } from './keyring-bus.js';

const require = createRequire(import.meta.url);
const bin = (name) => `node_modules/.bin/${name}`;

function log(msg) {
  process.stderr.write(`[test] ${msg}\n`);
}

/** One command of the run. */
function step(label, cmd, args, env = {}) {
  return { label, cmd, args, env };
}

const running = new Set();

/** Runs one command; resolves with its exit status. `quiet` buffers its output until it ends. */
function runOne({ label, cmd, args, env }, quiet) {
  const t0 = Date.now();
  log(`${label}: ${cmd} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...env } });
    running.add(child);
    const out = [];
    if (quiet) {
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => out.push(d));
    }
    let ended = false;
    const done = (status) => {
      if (ended) return; // 'error' may be followed by 'close'
      ended = true;
      running.delete(child);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      if (quiet && out.length) process.stdout.write(Buffer.concat(out));
      if (status !== 0) log(`${label} FAILED after ${secs}s (exit ${status})`);
      else log(`${label} passed in ${secs}s`);
      resolve(status);
    };
    child.on('error', (e) => {
      out.push(Buffer.from(`${e.message}\n`));
      done(1);
    });
    child.on('close', (code, signal) => done(code ?? signal));
  });
}

/** Runs the sequences at the same time (the steps of each one after another); exits at the first failure. */
async function runParallel(sequences) {
  const quiet = sequences.length > 1;
  await Promise.all(
    sequences.map(async (seq) => {
      for (const s of seq) {
        const status = await runOne(s, quiet);
        if (status !== 0) {
          // the first failure ends the run: stop whatever runs beside it
          for (const c of running) c.kill('SIGTERM');
          process.exit(typeof status === 'number' ? status : 1);
        }
      }
    }),
  );
}

function playwrightChromium() {
  try {
    const { chromium } = require('playwright-core');
    const p = chromium.executablePath();
    return p && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return playwrightChromium();
}

function ensureChromium() {
  let found = findChromium();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    log('no Chromium found: installing Debian chromium (apt-get install -y chromium)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
      r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
    }
    found = findChromium();
    if (found) return found;
  } else {
    log('no Chromium found: trying Playwright\'s own browser (npx playwright install chromium)');
    spawnSync(bin('playwright'), ['install', 'chromium'], { stdio: 'inherit' });
    found = findChromium();
    if (found) return found;
  }
  log('Chromium is needed for the browser tests and could not be installed. Run one of:');
  log('  sudo apt-get install -y chromium        (Debian/Ubuntu)');
  log('  npx playwright install chromium         (where downloads are allowed)');
  log('or set CHROMIUM_PATH to a Chromium/Chrome binary.');
  process.exit(1);
}

function keychainAnswers() {
  // a read of a missing entry can succeed without a keychain; a write cannot
  const probe = "const {Entry}=require('@napi-rs/keyring');const e=new Entry('tradedesk-test-probe','probe');e.setPassword('x');e.deletePassword()";
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore' }).status === 0;
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The credential and journal-anchor tests use a real OS keychain. Where none
 * answers, run the suite inside a throwaway D-Bus session whose gnome-keyring
 * the bus starts unlocked, and again if it dies (keyring-bus.js), installing
 * it on Debian as root, as for Chromium.
 */
function ensureKeychain() {
  if (keychainAnswers()) return;
  if (process.env.TRADEDESK_KEYRING_SESSION) {
    log('started a gnome-keyring session but the keychain still does not answer');
    process.exit(1);
  }
  if (!hasCommand('dbus-run-session') || !hasCommand('gnome-keyring-daemon')) {
    if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
      log('no keychain: installing gnome-keyring and dbus (apt-get install -y gnome-keyring dbus)');
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'gnome-keyring', 'dbus'], { stdio: 'inherit', env });
      if (r.status !== 0) {
        spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
        r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'gnome-keyring', 'dbus'], { stdio: 'inherit', env });
      }
    }
    if (!hasCommand('dbus-run-session') || !hasCommand('gnome-keyring-daemon')) {
      log('A keychain is needed for the credential tests. Run: sudo apt-get install -y gnome-keyring dbus');
      process.exit(1);
    }
  }
  log('no keychain answers: running the suite in a throwaway dbus + gnome-keyring session');
  // a fresh keyring directory: never touches (or is blocked by) a user's own keyrings
  const keyringHome = mkdtempSync(join(tmpdir(), 'tradedesk-keyring-'));
  const busDir = mkdtempSync(join(tmpdir(), 'tradedesk-bus-'));
  const r = spawnSync('dbus-run-session', [`--config-file=${keyringBusConfig(busDir)}`, '--', process.execPath, 'scripts/test.js'], {
    stdio: 'inherit',
    env: { ...process.env, TRADEDESK_KEYRING_SESSION: '1', XDG_DATA_HOME: keyringHome },
  });
  rmSync(keyringHome, { recursive: true, force: true });
  rmSync(busDir, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

const t0 = Date.now();
ensureKeychain();
const chromium = ensureChromium();
log(`Chromium: ${chromium}`);
await runParallel([
  [step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])],
  [step('lint', bin('eslint'), ['.'])],
  [step('electron build', bin('electron-vite'), ['build']), step('electron bundle check', process.execPath, ['scripts/check-electron-bundle.js'])],
  [step('cli build', bin('vite'), ['build', '--config', 'cli.vite.config.ts']), step('cli build check', process.execPath, ['scripts/check-cli-build.js'])],
]);
await runParallel([[step('unit+integration', bin('vitest'), ['run'])]]);
await runParallel([[step('e2e', bin('playwright'), ['test'], { CHROMIUM_PATH: chromium })]]);
log(`all passed in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
