// Flags several commands share, parsed one way: --data-dir (serve's rule: the
// given folder, else ~/.tradedesk, made absolute), --endpoint (name=URL
// pairs overriding a venue's endpoints) and --calendar (a replay's calendar).
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { CALENDAR_CHOICES, type CalendarChoice } from '../engine/data/bar-calendar.js';
import { UsageError } from './usage.js';

/** `--calendar auto|nyse|24x7` (backtest, serve --bars), or undefined when not given. */
export function parseCalendar(flag: string | undefined): CalendarChoice | undefined {
  if (flag !== undefined && !(CALENDAR_CHOICES as readonly string[]).includes(flag)) throw new UsageError(`--calendar must be ${CALENDAR_CHOICES.join(', ')}, got ${JSON.stringify(flag)}`);
  return flag as CalendarChoice | undefined;
}

/** The data folder: `--data-dir` if given, else ~/.tradedesk; absolute. */
export function resolveDataDir(flag: string | undefined): string {
  return resolve(flag ?? resolve(homedir(), '.tradedesk'));
}

/** `--endpoint rest=URL,data=URL,...` (repeatable) -> {rest, data, stream, 'data-stream'}. */
export function parseEndpoints(specs: readonly string[] | undefined): Record<string, string> {
  const endpoints: Record<string, string> = {};
  for (const spec of specs ?? []) {
    for (const part of spec.split(',')) {
      const m = /^(rest|data|stream|data-stream)=(.+)$/.exec(part.trim());
      if (!m) throw new UsageError(`--endpoint takes name=URL pairs (rest, data, stream, data-stream), got ${JSON.stringify(part)}`);
      endpoints[m[1]!] = m[2]!;
    }
  }
  return endpoints;
}
