// What lets an open UI page outlive a restart of `tradedesk serve`: the port and
// token of the last serve on a data dir, kept in <data-dir>/serve-session.json
// (mode 0600, since the token opens the trading API). A restarted serve reuses
// the token and prefers the port, so the page's own reconnect finds it again
// with its layout intact. A file that is unreadable, malformed or readable by
// others is named in the log and replaced by a fresh session; nothing else in
// the data dir is touched.
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SESSION_FILE = 'serve-session.json';

export interface ServeSession {
  port: number;
  token: string;
}

/** base64url of 24 random bytes, as server.ts makes them. */
const TOKEN_RE = /^[A-Za-z0-9_-]{32}$/;

export function sessionPath(dataDir: string): string {
  return join(dataDir, SESSION_FILE);
}

/** The previous serve's port and token on this data dir, or null (none, or not usable: logged with the reason). */
export function readServeSession(dataDir: string, log: (line: string) => void): ServeSession | null {
  const file = sessionPath(dataDir);
  if (!existsSync(file)) return null;
  const ignore = (why: string): null => {
    log(`${file}: ${why}; starting a new session (new token)`);
    return null;
  };
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) return ignore('readable by other users (mode must be 0600)');
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof data !== 'object' || data === null) return ignore('not a JSON object');
    const { port, token } = data as Record<string, unknown>;
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) return ignore(`field "port" must be an integer from 1 to 65535, got ${JSON.stringify(port)}`);
    if (typeof token !== 'string' || !TOKEN_RE.test(token)) return ignore('field "token" is not a serve token (32 base64url characters)');
    return { port: port as number, token };
  } catch (e) {
    return ignore(`cannot be read (${(e as Error).message})`);
  }
}

/** Records this serve's port and token (mode 0600); a failure is logged, the serve goes on. */
export function writeServeSession(dataDir: string, session: ServeSession, log: (line: string) => void): void {
  const file = sessionPath(dataDir);
  try {
    // a new file, so the token is never written into an old one's wider mode
    rmSync(file, { force: true });
    writeFileSync(file, `${JSON.stringify(session)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (e) {
    log(`could not record the session in ${file} (${(e as Error).message}): a restarted serve will print a new UI link`);
  }
}

/**
 * The ports to try, in order: an explicit --port N alone; otherwise the data
 * dir's previous port first, then the default (or any free port for --port 0).
 */
export function portsToTry(requested: number, explicit: boolean, previous: ServeSession | null): number[] {
  if (explicit && requested !== 0) return [requested];
  if (previous && previous.port !== requested) return [previous.port, requested];
  return [requested];
}
