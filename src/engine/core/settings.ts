// User settings that outlive a session, kept in <data-dir>/settings.json: for
// now the live-trading opt-in, which needs a typed confirmation and is
// journaled. A live venue is refused unless this opt-in is on.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileDurably } from './durable-file.js';
import { TradedeskError } from './errors.js';

/** What the operator must type to enable live trading. */
export const LIVE_CONFIRMATION = 'I UNDERSTAND THIS TRADES REAL MONEY';

const Settings = z.object({
  liveTrading: z.object({ enabled: z.boolean(), changedAt: z.number() }).default({ enabled: false, changedAt: 0 }),
});
export type Settings = z.infer<typeof Settings>;

function file(dataDir: string): string {
  return join(dataDir, 'settings.json');
}

export function readSettings(dataDir: string): Settings {
  const f = file(dataDir);
  if (!existsSync(f)) return Settings.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(f, 'utf8'));
  } catch (e) {
    throw new TradedeskError('SETTINGS_INVALID', `${f} is not valid JSON (${(e as Error).message}); fix or remove it`);
  }
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) throw new TradedeskError('SETTINGS_INVALID', `${f}: ${parsed.error.issues.map((i) => `field '${i.path.join('.')}': ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function writeSettings(dataDir: string, s: Settings): void {
  const f = file(dataDir);
  writeFileDurably(f, JSON.stringify(s, null, 2));
}

/** Turns live trading on (with the exact typed confirmation) or off. */
export function setLiveTrading(dataDir: string, enabled: boolean, confirmation: string | undefined, now: number): Settings {
  if (enabled && confirmation !== LIVE_CONFIRMATION) {
    throw new TradedeskError('CONFIRMATION_REQUIRED', `to enable live trading, type exactly: ${LIVE_CONFIRMATION}`);
  }
  const s = readSettings(dataDir);
  s.liveTrading = { enabled, changedAt: now };
  writeSettings(dataDir, s);
  return s;
}
