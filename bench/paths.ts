// Where the benchmarks find the repository's files, the same whether they run
// from source (bench/*.ts through tsx) or from the built command (out/cli,
// cli.vite.config.ts): from the repository's root, the nearest folder above
// this module that holds package.json.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repositoryRoot(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) throw new Error(`bench: no package.json above ${fileURLToPath(import.meta.url)}`);
  }
}

export const REPO_ROOT = repositoryRoot();
/** The benchmarks' own folder (bench/: the loopback server's child entry, the UI pages). */
export const BENCH_DIR = join(REPO_ROOT, 'bench');
