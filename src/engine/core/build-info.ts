// Which engine wrote a journal's session: the package version and, where it is
// known, the source commit (TRADEDESK_COMMIT, set by whoever builds a release,
// else `git rev-parse HEAD` when running from a checkout). Replay names the
// recorded build beside its own when decisions diverge, so a change of the
// engine's rules since the recording is told apart from a changed record.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EngineBuild {
  version: string;
  /** The source commit, or null where it is not known (an installed build without TRADEDESK_COMMIT). */
  commit: string | null;
}

let cached: EngineBuild | undefined;

/** The nearest package.json up from this module that is Tradedesk's (the source tree, or the bundle's app root). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tradedesk' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/** TRADEDESK_COMMIT, else the HEAD of the git checkout holding `dir`, else null (also used by electron.vite.config.ts to stamp the main bundle). */
export function sourceCommitAt(dir: string): string | null {
  const fromEnv = process.env.TRADEDESK_COMMIT?.trim();
  if (fromEnv) return fromEnv;
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8', timeout: 2_000 });
  const out = r.status === 0 ? r.stdout.trim() : '';
  return /^[0-9a-f]{40}$/.test(out) ? out : null;
}

/** This engine's build (worked out once per process). */
export function engineBuild(): EngineBuild {
  cached ??= { version: packageVersion(), commit: sourceCommitAt(dirname(fileURLToPath(import.meta.url))) };
  return cached;
}

/** A build as read from a record: undefined unless it has a string version and a string or null commit. */
export function asBuild(x: unknown): EngineBuild | undefined {
  const b = x as Partial<EngineBuild> | null | undefined;
  return b && typeof b === 'object' && typeof b.version === 'string' && (b.commit === null || typeof b.commit === 'string') ? { version: b.version, commit: b.commit } : undefined;
}

/** "Tradedesk 0.1.0 (commit 1a2b3c4)"; an old record without one is named so. */
export function describeBuild(b: EngineBuild | undefined): string {
  if (!b) return 'an engine that did not record its build';
  return `Tradedesk ${b.version}${b.commit ? ` (commit ${b.commit.slice(0, 7)})` : ' (commit unknown)'}`;
}

/** True only when both builds are known to be the same. */
export function sameBuild(a: EngineBuild | undefined, b: EngineBuild): boolean {
  return a !== undefined && a.version === b.version && a.commit !== null && a.commit === b.commit;
}
