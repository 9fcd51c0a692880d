/**
 * The public API (src/index.ts) offers every name the docs import from 'hpcbench', and the seed's classes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runtime names in `import { a, b, type C } from 'hpcbench'` lines of README.md and docs/*.md. */
function documentedImports(): Map<string, string> {
  const names = new Map<string, string>();
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f))];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'hpcbench'/g)) {
      for (const part of m[1].split(',')) {
        const name = part.trim();
        if (/^[A-Za-z_$][\w$]*$/.test(name)) names.set(name, file);
      }
    }
  }
  return names;
}

describe('public API (src/index.ts)', () => {
  it('exports every name the docs import from hpcbench', () => {
    const documented = documentedImports();
    expect(documented.size).toBeGreaterThan(10);
    const missing = [...documented].filter(([name]) => !(name in api)).map(([n, f]) => `${n} (${f})`);
    expect(missing).toEqual([]);
  });

  it("exports the seed's classes", () => {
    for (const name of [
      'Orchestrator',
      'ServiceFactory',
      'BaseServerManager',
      'BaseWorkloadController',
      'BaseWorkloadExecutor',
      'VllmServerManager',
      'OllamaServerManager',
      'Monitor',
      'BaseLogCollector',
      'TailerLogCollector',
      'ServerHealthError',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
