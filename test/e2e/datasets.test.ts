/**
 * `hpcbench run` with a dataset named relative to the recipe, started from another working directory:
 * the executors get the path resolved against the recipe's folder; the results keep the recipe as
 * written. Spawns the built CLI (dist/, `npm run build` first) so that its children start from any cwd.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyRunDir, readJson, Sandbox } from './helpers.js';

const BIN = resolve('bin/hpcbench.js');
let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

describe('relative dataset paths', () => {
  it('resolve against the recipe folder when run from another cwd', async () => {
    expect(existsSync(resolve('dist/cli/entry.js')), 'run `npm run build` first').toBe(true);
    await mkdir(box.path('project', 'data'), { recursive: true });
    await mkdir(box.path('elsewhere'), { recursive: true });
    await writeFile(
      box.path('project', 'data', 'prompts.jsonl'),
      '{"prompt":"one two three","max_tokens":4}\n{"prompt":"four five","max_tokens":4}\n',
    );
    const recipe = [
      'scenario: reldata',
      'workload:',
      '  service: dummy',
      '  duration: 2s',
      '  warmup: 0s',
      '  dataset: data/prompts.jsonl',
      'servers:',
      '  health_check: {timeout: 20, interval: 0.2}',
    ].join('\n');
    await writeFile(box.path('project', 'recipe.yaml'), recipe);
    const results = box.path('results');
    const r = await execa(
      process.execPath,
      [BIN, 'run', '../project/recipe.yaml', '--quiet', '--results-dir', results],
      { cwd: box.path('elsewhere'), reject: false, all: true, timeout: 180_000 },
    );
    expect(r.exitCode, String(r.all)).toBe(0);
    const run = await onlyRunDir(results);
    const metrics = await readJson(join(run, 'benchmarks', 'default', 'metrics.json'));
    expect(metrics.aggregate.total_requests).toBeGreaterThan(0);
    expect(metrics.aggregate.total_errors).toBe(0);
    // the results keep the recipe as the user wrote it
    expect(await readFile(join(run, 'recipe.yaml'), 'utf8')).toContain('dataset: data/prompts.jsonl');
  }, 240_000);
});
