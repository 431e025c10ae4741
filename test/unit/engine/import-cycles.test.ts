// No import cycles inside src/engine: walks the import graph of every .ts file
// (static imports, `import type`, re-exports and dynamic import()) with a
// regex over its import statements and fails naming the first circle found.
// Type-only imports count too: a circle a reader has to follow is a circle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/engine');
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Local imports of one file, as absolute .ts paths inside src/engine. */
function importsOf(file: string, known: Set<string>): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = new Set<string>();
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = resolve(dirname(file), m[1]!);
    const candidates = [spec.replace(/\.js$/, '.ts'), `${spec}.ts`, join(spec, 'index.ts')];
    const hit = candidates.find((c) => known.has(c));
    if (hit) out.add(hit);
  }
  return [...out];
}

/** Every import cycle, each as a list of files (first repeated at the end). */
export function findCycles(root: string): string[][] {
  const files = tsFiles(root);
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(f, known)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string): void => {
    state.set(f, 'visiting');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      const s = state.get(g);
      if (s === 'visiting') cycles.push([...stack.slice(stack.indexOf(g)), g].map((p) => relative(root, p)));
      else if (s === undefined) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

describe('src/engine import graph', () => {
  it('has no import cycles', () => {
    const cycles = findCycles(ROOT).map((c) => c.join(' -> '));
    expect(cycles, `import cycles in src/engine:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('the walker sees imports (sanity: engine.ts imports its components)', () => {
    const files = tsFiles(ROOT);
    const engine = join(ROOT, 'engine.ts');
    expect(importsOf(engine, new Set(files)).map((p) => relative(ROOT, p))).toContain('execution/oms.ts');
  });
});
