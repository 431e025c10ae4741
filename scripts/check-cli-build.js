#!/usr/bin/env node
// After `vite build --config cli.vite.config.ts` (npm test runs it beside the
// Electron build): the `tradedesk` command now runs the build in out/cli, not
// the sources, and it answers: its usage, and an unknown command refused with
// exit 2 (the CLI's integration tests then run every command on it). Exits 1
// naming what failed.
import { spawnSync } from 'node:child_process';

function run(args) {
  return spawnSync(process.execPath, ['bin/tradedesk.js', ...args], { encoding: 'utf8', env: { ...process.env, TRADEDESK_CLI_TRACE: '1' } });
}

const fail = (msg) => {
  process.stderr.write(`check-cli-build: ${msg}\n`);
  process.exit(1);
};
const help = run(['--help']);
if (help.status !== 0 || !help.stdout.includes('Usage: tradedesk')) fail(`tradedesk --help exited ${help.status}: ${help.stderr}`);
if (!help.stderr.includes('running the build in out/cli')) fail(`tradedesk did not run the build just made: ${help.stderr.trim()}`);
const usage = run(['frobnicate']);
if (usage.status !== 2 || !usage.stderr.includes('unknown command "frobnicate"')) fail(`an unknown command should exit 2 naming it, got ${usage.status}: ${usage.stderr}`);
process.stdout.write('check-cli-build: tradedesk runs the build in out/cli\n');
