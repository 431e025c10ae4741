// `tradedesk live enable|disable|status --data-dir DIR`: the live-trading
// opt-in. Enabling needs the exact confirmation phrase typed on stdin; it is
// never accepted from argv, so a script cannot switch to live by accident.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { resolveDataDir } from './common-flags.js';
import { LIVE_CONFIRMATION, readSettings, setLiveTrading } from '../engine/core/settings.js';
import { Journal } from '../engine/journal/journal.js';
import { CliError, UsageError } from './usage.js';

async function readLine(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
  try {
    return await new Promise<string>((res) => {
      rl.question(prompt, (a) => res(a));
      rl.once('close', () => res(''));
    });
  } finally {
    rl.close();
  }
}

export async function runLive(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseArgs({ args: rest, strict: true, allowPositionals: false, options: { 'data-dir': { type: 'string' } } });
  const dataDir = resolveDataDir(values['data-dir']);
  if (action === 'status') {
    const s = readSettings(dataDir).liveTrading;
    process.stdout.write(`live trading ${s.enabled ? 'ENABLED' : 'disabled'} for ${dataDir}\n`);
    return 0;
  }
  if (action !== 'enable' && action !== 'disable') throw new UsageError(`live needs enable, disable or status, got ${JSON.stringify(action ?? '')}`);
  let typed: string | undefined;
  if (action === 'enable') {
    process.stderr.write(`Live trading sends real orders with real money.\n`);
    typed = (await readLine(`Type "${LIVE_CONFIRMATION}" to enable it: `)).trim();
  }
  try {
    setLiveTrading(dataDir, action === 'enable', typed, Date.now());
  } catch (e) {
    throw new CliError((e as Error).message, 1);
  }
  // the change is journaled like any other config change
  try {
    const j = Journal.open(dataDir);
    j.append(Date.now(), 'config', { actor: 'operator', changed: [`liveTrading.enabled -> ${action === 'enable'}`], reason: 'tradedesk live' });
    await j.close();
  } catch (e) {
    // the setting is saved; say plainly that the journal could not record it (e.g. a damaged journal file)
    throw new CliError(`live trading ${action === 'enable' ? 'ENABLED' : 'disabled'}, but the change could not be journaled: ${(e as Error).message}`, 1);
  }
  process.stdout.write(`live trading ${action === 'enable' ? 'ENABLED' : 'disabled'} for ${dataDir}\n`);
  return 0;
}
