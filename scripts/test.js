#!/usr/bin/env node
// `npm test`: the only set-up step the tests need. Finds or installs what they
// use (a Chromium for the browser tests), then runs the typecheck, lint, the
// unit and integration tests (vitest), the Electron build and a check of its
// output (scripts/check-electron-bundle.js), and the end-to-end
// tests (Playwright against `tradedesk serve`). Stops at the first failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const bin = (name) => `node_modules/.bin/${name}`;

function log(msg) {
  process.stderr.write(`[test] ${msg}\n`);
}

function run(label, cmd, args, env = {}) {
  const t0 = Date.now();
  log(`${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    log(`${label} FAILED after ${secs}s (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  log(`${label} passed in ${secs}s`);
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
 * answers, run the suite inside a throwaway D-Bus session with an unlocked
 * gnome-keyring (installing it on Debian as root, as for Chromium).
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
  const inner = `echo -n tradedesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "${process.execPath}" scripts/test.js`;
  // a fresh keyring directory: never touches (or is blocked by) a user's own keyrings
  const keyringHome = mkdtempSync(join(tmpdir(), 'tradedesk-keyring-'));
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], {
    stdio: 'inherit',
    env: { ...process.env, TRADEDESK_KEYRING_SESSION: '1', XDG_DATA_HOME: keyringHome },
  });
  rmSync(keyringHome, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

const t0 = Date.now();
ensureKeychain();
const chromium = ensureChromium();
log(`Chromium: ${chromium}`);
run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
run('lint', bin('eslint'), ['.']);
run('unit+integration', bin('vitest'), ['run']);
run('electron build', bin('electron-vite'), ['build']);
run('electron bundle check', process.execPath, ['scripts/check-electron-bundle.js']);
run('e2e', bin('playwright'), ['test'], { CHROMIUM_PATH: chromium });
log(`all passed in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
