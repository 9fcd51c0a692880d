/**
 * The import graph of src/ against the layer table in docs/architecture.md: a file may import its own
 * folder and folders on lower layers only. The table is read from the docs, so the docs and this check
 * cannot disagree.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

/**
 * Upward imports that are known and being moved. Each entry must still exist and still be upward — the
 * test fails otherwise, so the list only shrinks. Delete an entry in the same commit that removes the
 * import. Goal: empty.
 */
const TEMPORARY_ALLOWLIST: readonly string[] = [];

/** Layer number per top-level entry of src/ (`name/` for a folder, `name.ts` for a file). */
function readLayers(): Map<string, number> {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = doc.split(/^## Layers$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('docs/architecture.md has no "## Layers" section');
  const layers = new Map<string, number>();
  for (const line of section.split('\n')) {
    const row = /^\|\s*(\d+)\s*\|(.*)\|\s*$/.exec(line);
    if (!row) continue;
    for (const [, name] of row[2].matchAll(/`([^`]+)`/g)) layers.set(name, Number(row[1]));
  }
  return layers;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** `util/` for src/util/x.ts, `errors.ts` for src/errors.ts. */
function entryOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? `${parts[0]}/` : parts[0];
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import (static, type-only, re-export, dynamic) from a src file to another src file. */
function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), fileName).replace(/\.js$/, '.ts');
      edges.push({ from: relative(ROOT, file), to: relative(ROOT, target) });
    }
  }
  return edges;
}

const layers = readLayers();
const edges = importEdges();

function isUpward({ from, to }: Edge): boolean {
  const a = entryOf(join(ROOT, from));
  const b = entryOf(join(ROOT, to));
  return a !== b && (layers.get(b) ?? Number.POSITIVE_INFINITY) >= (layers.get(a) ?? -1);
}

const key = (e: Edge) => `${e.from} -> ${e.to}`;

describe('import layers (docs/architecture.md)', () => {
  it('the layer table is read from the docs', () => {
    expect(layers.get('errors.ts')).toBe(0);
    expect(layers.get('cli/')).toBeGreaterThan(layers.get('util/')!);
  });

  it('places every entry of src/ on a layer', () => {
    const entries = [...new Set(sourceFiles(SRC).map(entryOf))];
    expect(entries.filter((e) => !layers.has(e))).toEqual([]);
  });

  it('lists no entry that src/ does not have', () => {
    const entries = new Set(sourceFiles(SRC).map(entryOf));
    expect([...layers.keys()].filter((e) => !entries.has(e))).toEqual([]);
  });

  it('finds imports to check', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from === 'src/index.ts' && e.to === 'src/errors.ts')).toBe(true);
  });

  it('has no upward or sideways import outside the temporary allowlist', () => {
    const allowed = new Set(TEMPORARY_ALLOWLIST);
    const bad = edges.filter((e) => isUpward(e) && !allowed.has(key(e))).map(key);
    expect(bad, 'move the helper down a layer (docs/architecture.md, "Layers")').toEqual([]);
  });

  it('lists in the allowlist only upward imports that still exist', () => {
    const upward = new Set(edges.filter(isUpward).map(key));
    const stale = TEMPORARY_ALLOWLIST.filter((entry) => !upward.has(entry));
    expect(stale, 'delete these entries from TEMPORARY_ALLOWLIST').toEqual([]);
  });

  it('flags an upward import (the rule can fail)', () => {
    expect(isUpward({ from: 'src/util/x.ts', to: 'src/cli/main.ts' })).toBe(true);
    expect(isUpward({ from: 'src/metrics/a.ts', to: 'src/logs/b.ts' })).toBe(true);
    expect(isUpward({ from: 'src/cli/main.ts', to: 'src/util/x.ts' })).toBe(false);
    expect(isUpward({ from: 'src/cli/a.ts', to: 'src/cli/b.ts' })).toBe(false);
  });
});
