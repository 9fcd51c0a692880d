/**
 * The recipe types meet the contracts other modules read: the Slurm launcher's `SlurmRecipe` view and the
 * orchestrator's `BenchmarkPlanLike` / `planFromRecipe` (these assignments are checked by tsc).
 */
import { describe, expect, it } from 'vitest';
import type { SlurmRecipe } from '../../src/launch/slurm/recipe-view.js';
import { planFromRecipe, planFromResolved } from '../../src/orchestrator/index.js';
import type { BenchmarkPlanLike } from '../../src/orchestrator/run-plan.js';
import { expandBenchmarks, loadRecipe } from '../../src/recipe/index.js';
import { fixtureRecipe } from '../helpers/originals.js';

describe('contracts', () => {
  it('a loaded recipe is a SlurmRecipe; its benchmarks are BenchmarkPlanLike', async () => {
    const loaded = await loadRecipe(fixtureRecipe('suite-slurm.yaml'));
    const { recipe } = loaded;
    const slurm: SlurmRecipe = recipe;
    const plans: BenchmarkPlanLike[] = expandBenchmarks(recipe);
    expect(slurm.orchestration?.node_allocation?.servers?.nodes).toBe(1);
    const run = planFromResolved(loaded, plans);
    expect(run).toMatchObject({
      scenario: 'suite-fixture',
      service: 'ollama',
      serverNodes: 1,
      clientNodes: 2,
    });
    expect(run.serverConfig).toMatchObject({
      model: 'tinyllama',
      health_check: { endpoint: '/api/tags', timeout: 120 },
    });
    expect(run.benchmarks.map((b) => b.name)).toEqual(['one_user', 'four_users']);
  });

  it('the orchestrator loads recipe files and objects through src/recipe (E006 for a bad one)', async () => {
    const fromFile = await planFromRecipe({ configFile: fixtureRecipe('logging-slurm.yaml') });
    expect(fromFile.benchmarks).toHaveLength(1);
    expect(fromFile.benchmarks[0].spec).toMatchObject({
      duration: 180,
      warmup: 20,
      load: { mode: 'closed', clients_per_node: 6 },
    });
    const fromObject = await planFromRecipe({
      recipe: { scenario: 'o', workload: { service: 'dummy', duration: '20s' } },
    });
    expect(fromObject.benchmarks[0].spec).toMatchObject({ model: 'dummy-model', duration: 20 });
    await expect(
      planFromRecipe({ recipe: { scenario: 'o', workload: { service: 'nope', duration: 1 } } }),
    ).rejects.toMatchObject({
      code: 'E006',
    });
  });
});
