// writeFileDurably: replaces a file atomically, fsyncs the data before the
// rename and the directory after it, and leaves the old file whole when the
// write fails. The order of the fs calls is recorded through a pass-through
// wrapper of node:fs (the real calls still run on a real temp directory).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const calls: string[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      calls.push('fsync');
      fs.fsyncSync(fd);
    },
    renameSync: (a: string, b: string) => {
      calls.push('rename');
      fs.renameSync(a, b);
    },
  };
});

// the forks share a module graph across files (vitest.config.ts): load durable-file afresh, so it binds to the wrapper
vi.resetModules();
const { writeFileDurably } = await import('../../../../src/engine/core/durable-file.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tradedesk-durable-'));
  calls.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileDurably', () => {
  it('replaces the file, owner-only when new, with no temporary left behind', () => {
    const f = join(dir, 'anchor.json');
    writeFileDurably(f, '{"seq":1}');
    expect(readFileSync(f, 'utf8')).toBe('{"seq":1}');
    expect(statSync(f).mode & 0o777).toBe(0o600);
    writeFileDurably(f, '{"seq":2,"note":"é"}');
    expect(readFileSync(f, 'utf8')).toBe('{"seq":2,"note":"é"}');
    expect(readdirSync(dir)).toEqual(['anchor.json']);
  });

  it('fsyncs the data before the rename and the directory after it', () => {
    writeFileDurably(join(dir, 'settings.json'), '{}');
    expect(calls).toEqual(['fsync', 'rename', 'fsync']);
  });

  it('a failed write throws and leaves the old file whole', () => {
    const f = join(dir, 'anchor.json');
    writeFileSync(f, 'old');
    mkdirSync(`${f}.tmp`); // the temporary cannot be opened as a file
    expect(() => writeFileDurably(f, 'new')).toThrow(/anchor\.json\.tmp/);
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(calls).not.toContain('rename');
  });
});
