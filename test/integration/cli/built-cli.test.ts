// bin/tradedesk.js chooses between the build in out/cli and the sources: the
// build only while every file listed in out/cli/inputs.json has the size and
// modification time it was built from; the sources (through tsx) when one was
// edited, touched or removed, when the list is missing, and with
// TRADEDESK_FROM_SOURCE=1; `bench` like any other command. Run on a copy of the layout in a temporary folder
// (the real bin file, the real tsx), never on this checkout's own out/cli.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../..');
let dir: string;

function run(args: string[], env: Record<string, string> = {}): { out: string; err: string; code: number | null } {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'tradedesk.js'), ...args], { encoding: 'utf8', env: { ...process.env, TRADEDESK_FROM_SOURCE: '', TRADEDESK_CLI_TRACE: '1', ...env } });
  return { out: r.stdout.trim(), err: r.stderr, code: r.status };
}

function writeInputs(): void {
  const files: Record<string, [number, number]> = {};
  for (const rel of ['src/cli/main.ts', 'src/cli/helper.ts']) {
    const st = statSync(join(dir, rel));
    files[rel] = [st.mtimeMs, st.size];
  }
  writeFileSync(join(dir, 'out', 'cli', 'inputs.json'), JSON.stringify({ files }));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tradedesk-built-cli-'));
  for (const d of ['bin', 'src/cli', 'out/cli']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(join(REPO, 'bin', 'tradedesk.js'), join(dir, 'bin', 'tradedesk.js'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'junction'); // a junction needs no rights on Windows; a plain link elsewhere
  writeFileSync(join(dir, 'src', 'cli', 'helper.ts'), "export const where: string = 'SOURCES';\n");
  writeFileSync(join(dir, 'src', 'cli', 'main.ts'), "import { where } from './helper.js';\nprocess.stdout.write(`${where} ${process.argv.slice(2).join(' ')}\\n`);\n");
  writeFileSync(join(dir, 'out', 'cli', 'cli.js'), "process.stdout.write(`BUILT ${process.argv.slice(2).join(' ')}\\n`);\n");
  writeInputs();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('bin/tradedesk.js: the build or the sources', () => {
  it('runs the build while its inputs are unchanged, with the same arguments', () => {
    const r = run(['status', '--json']);
    expect(r.out).toBe('BUILT status --json');
    expect(r.err).toContain('running the build in out/cli');
  });

  it('runs the build for bench too, and the sources with TRADEDESK_FROM_SOURCE=1', () => {
    expect(run(['bench', '--json']).out).toBe('BUILT bench --json');
    expect(run(['bench'], { TRADEDESK_FROM_SOURCE: '1' }).out).toBe('SOURCES bench');
    expect(run(['status'], { TRADEDESK_FROM_SOURCE: '1' }).out).toBe('SOURCES status');
  });

  it('runs the sources once an input is edited or only touched, and the build again when rebuilt', () => {
    const helper = join(dir, 'src', 'cli', 'helper.ts');
    writeFileSync(helper, "export const where: string = 'EDITED';\n");
    expect(run(['status']).out).toBe('EDITED status');
    writeInputs(); // rebuilt
    expect(run(['status']).out).toBe('BUILT status');
    const later = new Date(Date.now() + 5_000);
    utimesSync(helper, later, later); // same size, newer time
    const r = run(['status']);
    expect(r.out).toBe('EDITED status');
    expect(r.err).toContain('running the sources (tsx)');
    writeInputs();
  });

  it('runs the sources when the list of inputs or a listed file is missing', () => {
    expect(run(['x']).out).toBe('BUILT x');
    rmSync(join(dir, 'src', 'cli', 'helper.ts'));
    writeFileSync(join(dir, 'src', 'cli', 'main.ts'), "process.stdout.write('SOURCES-ONLY\\n');\n");
    expect(run(['x']).out).toBe('SOURCES-ONLY');
    rmSync(join(dir, 'out', 'cli', 'inputs.json'));
    expect(run(['x']).out).toBe('SOURCES-ONLY');
  });
});
