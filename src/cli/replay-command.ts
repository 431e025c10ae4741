// `tradedesk replay --data-dir DIR`: re-runs the recorded inputs through the
// engine and compares every decision and order with the journal. Exit 0 when
// all match; otherwise prints the first divergence and exits 1.
import { parseArgs } from 'node:util';
import { resolveDataDir } from './common-flags.js';
import { replayJournal } from '../engine/replay.js';

export async function runReplay(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { 'data-dir': { type: 'string' }, json: { type: 'boolean' } } });
  const dataDir = resolveDataDir(values['data-dir']);
  const r = await replayJournal(dataDir);
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else if (r.ok) process.stdout.write(`replay OK: ${r.sessions} session(s), ${r.inputs} inputs, ${r.compared} decisions/orders/fills/state changes match the journal\n`);
  else process.stderr.write(`replay DIVERGED: ${r.divergence}\n`);
  return r.ok ? 0 : 1;
}
