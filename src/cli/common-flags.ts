// Flags several commands share, parsed one way: --data-dir (serve's rule: the
// given folder, else ~/.tradedesk, made absolute) and --endpoint (name=URL
// pairs overriding a venue's endpoints).
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { UsageError } from './usage.js';

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
