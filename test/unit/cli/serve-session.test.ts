// serve-session.ts: a restarted `tradedesk serve` reuses its data dir's token
// and prefers its port (so an open page reconnects by itself); the file is
// written 0600, and a damaged or over-shared file is named and replaced.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portsToTry, readServeSession, sessionPath, writeServeSession } from '../../../src/cli/serve-session.js';

const TOKEN = 'abcdefghijklmnopqrstuvwxyz012_-A';
const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tradedesk-session-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('serve session file', () => {
  it('round-trips port and token in a file only its owner can read', () => {
    const dir = dataDir();
    const log: string[] = [];
    expect(readServeSession(dir, (l) => log.push(l))).toBeNull();
    writeServeSession(dir, { port: 40123, token: TOKEN }, (l) => log.push(l));
    expect(statSync(sessionPath(dir)).mode & 0o777).toBe(0o600);
    expect(readServeSession(dir, (l) => log.push(l))).toEqual({ port: 40123, token: TOKEN });
    expect(log).toEqual([]);
    // an existing file that was widened is narrowed again on write
    chmodSync(sessionPath(dir), 0o644);
    writeServeSession(dir, { port: 40124, token: TOKEN }, () => undefined);
    expect(statSync(sessionPath(dir)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(sessionPath(dir), 'utf8'))).toEqual({ port: 40124, token: TOKEN });
  });

  it('names the file and the problem, and starts afresh, when the file is over-shared or malformed', () => {
    const dir = dataDir();
    const file = sessionPath(dir);
    const cases: Array<[string, number, RegExp]> = [
      [JSON.stringify({ port: 40123, token: TOKEN }), 0o644, /readable by other users/],
      ['{not json', 0o600, /cannot be read/],
      [JSON.stringify({ port: 70000, token: TOKEN }), 0o600, /"port" must be an integer from 1 to 65535, got 70000/],
      [JSON.stringify({ port: 40123, token: 'short' }), 0o600, /"token" is not a serve token/],
    ];
    for (const [text, mode, why] of cases) {
      writeFileSync(file, text);
      chmodSync(file, mode);
      const log: string[] = [];
      expect(readServeSession(dir, (l) => log.push(l))).toBeNull();
      expect(log).toHaveLength(1);
      expect(log[0]).toContain(file);
      expect(log[0]).toMatch(why);
    }
  });

  it('tries the previous port first unless --port N pins one', () => {
    const prev = { port: 40123, token: TOKEN };
    expect(portsToTry(5317, false, prev)).toEqual([40123, 5317]);
    expect(portsToTry(0, true, prev)).toEqual([40123, 0]); // --port 0: any free port, the previous one preferred
    expect(portsToTry(6000, true, prev)).toEqual([6000]);
    expect(portsToTry(5317, false, null)).toEqual([5317]);
    expect(portsToTry(40123, true, prev)).toEqual([40123]);
  });
});
