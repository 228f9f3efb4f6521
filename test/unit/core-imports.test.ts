import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Core's modules import one another without a cycle, type imports included (issue 20.4): a cycle
 * makes the order modules load in matter, and it hides which part of the domain rests on which.
 */
const CORE = resolve(import.meta.dirname, '../../packages/core/src');

/** Every relative module a source file names: import, import type, export … from, import(). */
const SPECIFIERS = /(?:\bfrom\s+|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function resolveModule(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base])
    if (existsSync(candidate)) return candidate;
  throw new Error(`${relative(CORE, from)} imports '${specifier}', which does not exist`);
}

/** The import graph of the folder: file → files it imports. */
function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    graph.set(
      file,
      [...text.matchAll(SPECIFIERS)].map((m) => resolveModule(file, m[1] as string)),
    );
  }
  return graph;
}

/** One cycle of each strongly connected part of the graph that has one, as a path a → … → a. */
function importCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('packages/core: imports', () => {
  it('finds a cycle when there is one (the check itself)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
    expect(
      importCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no import cycle, type imports included', () => {
    const graph = importGraph(CORE);
    expect(graph.size).toBeGreaterThan(50);
    const cycles = importCycles(graph).map((c) => c.map((f) => relative(CORE, f)).join(' → '));
    expect(cycles).toEqual([]);
  });
});
