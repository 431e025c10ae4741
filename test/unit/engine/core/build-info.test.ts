// The engine's build as journaled at a session's start: the package version and
// the source commit (here, a checkout: git's HEAD), named for replay's messages.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asBuild, describeBuild, engineBuild, sameBuild } from '../../../../src/engine/core/build-info.js';

describe('engineBuild', () => {
  it("is package.json's version and the checkout's commit (or TRADEDESK_COMMIT)", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    let head: string | null = null;
    try {
      head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      // not a checkout: the commit is unknown unless a build named it
    }
    expect(engineBuild()).toEqual({ version: pkg.version, commit: process.env.TRADEDESK_COMMIT?.trim() || head });
  });

  it('names a build, and an old record without one; two builds are the same only when both commits are known and equal', () => {
    expect(describeBuild({ version: '1.2.3', commit: '0123456789abcdef0123456789abcdef01234567' })).toBe('Tradedesk 1.2.3 (commit 0123456)');
    expect(describeBuild({ version: '1.2.3', commit: null })).toBe('Tradedesk 1.2.3 (commit unknown)');
    expect(describeBuild(undefined)).toBe('an engine that did not record its build');
    const a = { version: '1.2.3', commit: 'a'.repeat(40) };
    expect(sameBuild(a, { ...a })).toBe(true);
    expect(sameBuild({ ...a, commit: 'b'.repeat(40) }, a)).toBe(false);
    expect(sameBuild({ ...a, version: '1.2.4' }, a)).toBe(false);
    expect(sameBuild({ ...a, commit: null }, { ...a, commit: null })).toBe(false);
    expect(sameBuild(undefined, a)).toBe(false);
  });

  it('reads a recorded build only in its own shape', () => {
    expect(asBuild({ version: '1.2.3', commit: null, extra: 1 })).toEqual({ version: '1.2.3', commit: null });
    expect(asBuild({ version: '1.2.3', commit: 'abc' })).toEqual({ version: '1.2.3', commit: 'abc' });
    for (const bad of [undefined, null, 'v1', { version: 1, commit: null }, { version: '1.2.3', commit: 7 }, { version: '1.2.3' }]) expect(asBuild(bad)).toBeUndefined();
  });
});
