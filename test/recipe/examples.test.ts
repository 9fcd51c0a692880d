/** Every recipe under examples/ validates; the Quick start is clean and short. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandBenchmarks, loadRecipe, validateRecipeFile } from '../../src/recipe/index.js';

const DIR = join(new URL('.', import.meta.url).pathname, '../../examples');
const files = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f));

describe('examples/', () => {
  it('has the four documented examples', () => {
    expect(files).toEqual(
      expect.arrayContaining(['quickstart.yaml', 'ollama-local.yaml', 'vllm-slurm.yaml', 'sweep.yaml']),
    );
  });

  it.each(files)('%s validates without errors or warnings', async (f) => {
    expect(await validateRecipeFile(join(DIR, f), { env: {} })).toEqual([]);
  });

  it('quickstart: local, dummy, 1 server, 2 clients, one run of about 15 s including warmup', async () => {
    const { recipe } = await loadRecipe(join(DIR, 'quickstart.yaml'));
    expect(recipe.orchestration.mode).toBe('local');
    expect(recipe.orchestration.node_allocation.servers.nodes).toBe(1);
    expect(recipe.orchestration.node_allocation.clients.nodes).toBe(2);
    const plans = expandBenchmarks(recipe);
    const total = plans.reduce((s, p) => s + p.workload.duration + p.workload.warmup, 0);
    expect(plans[0].workload.service).toBe('dummy');
    expect(total).toBeLessThanOrEqual(20);
  });

  it('sweep.yaml expands to 3 x 2 named benchmarks', async () => {
    const { recipe } = await loadRecipe(join(DIR, 'sweep.yaml'));
    expect(expandBenchmarks(recipe).map((p) => p.name)).toEqual([
      'concurrency=1,gen_tokens=32',
      'concurrency=1,gen_tokens=128',
      'concurrency=4,gen_tokens=32',
      'concurrency=4,gen_tokens=128',
      'concurrency=16,gen_tokens=32',
      'concurrency=16,gen_tokens=128',
    ]);
  });
});
