/**
 * The first version's recipes keep working: they validate, or fail exactly as their comments say.
 * They live outside the repository (../shared/reference/original/, see test/helpers/originals.ts).
 */
import { expect, it } from 'vitest';
import type { ConfigIssue } from '../../src/errors.js';
import { ConfigValidationError } from '../../src/errors.js';
import { expandBenchmarks, loadRecipe, validateRecipeFile } from '../../src/recipe/index.js';

import { describeOriginals, original } from '../helpers/originals.js';

const recipes = (f: string) => original('recipes', f);
const tests = (f: string) => original('test_recipes', f);
/** Outside any Slurm allocation, whatever the test runner's environment. */
const NO_SLURM = { env: {} };
const errors = (issues: ConfigIssue[]) => issues.filter((i) => i.severity === 'error');
const warnings = (issues: ConfigIssue[]) => issues.filter((i) => i.severity === 'warning');

describeOriginals('recipes/ (real users) validate', () => {
  it('logging_meluxina.yaml: valid, resolves its logging and artifacts', async () => {
    const issues = await validateRecipeFile(recipes('logging_meluxina.yaml'), NO_SLURM);
    expect(errors(issues)).toEqual([]);
    const { recipe } = await loadRecipe(recipes('logging_meluxina.yaml'));
    expect(recipe.logging).toMatchObject({ type: 'tailer', create_jsonl: true, flush_interval: 3 });
    expect(recipe.artifacts?.python).toEqual({
      path: 'python_3_12_3_v2.sif',
      remote: 'docker://python:3.12.3-slim',
    });
    expect(recipe.environment).toEqual({ OLLAMA_NUM_PARALLEL: '4', OLLAMA_MAX_QUEUE: '512' });
    expect(recipe.workload.clients_per_node).toBe(5);
    expect(recipe.orchestration.total_nodes).toBe(4);
  });

  it('ollama_meluxina.yaml: valid with a warning for GPUs on client nodes; the suite maps num_threads', async () => {
    const issues = await validateRecipeFile(recipes('ollama_meluxina.yaml'), NO_SLURM);
    expect(errors(issues)).toEqual([]);
    const gpu = warnings(issues).find((w) => w.path === 'resources.clients.gpus');
    expect(gpu).toMatchObject({ line: 33, column: 11 });
    expect(gpu?.message).toMatch(/GPU/);
    const { recipe } = await loadRecipe(recipes('ollama_meluxina.yaml'));
    const plans = expandBenchmarks(recipe);
    expect(plans.map((p) => [p.name, p.workload.load])).toEqual([
      ['latency_c1', { mode: 'closed', clients_per_node: 1, sleep_seconds: 0.05 }],
      ['latency_c10', { mode: 'closed', clients_per_node: 10, sleep_seconds: 0.01 }],
      ['throughput_c10_nosleep', { mode: 'closed', clients_per_node: 10, sleep_seconds: 0 }],
    ]);
    expect(plans[0].workload).toMatchObject({
      duration: 900,
      warmup: 120,
      model: 'llama2',
      service: 'ollama',
    });
  });
});

describeOriginals('test_recipes/', () => {
  it('perfect.yaml: no errors, no warnings', async () => {
    expect(await validateRecipeFile(tests('perfect.yaml'), NO_SLURM)).toEqual([]);
  });

  it('minimal_valid.yaml: valid, with the "too few for good load" warning on clients_per_node (line 14)', async () => {
    const issues = await validateRecipeFile(tests('minimal_valid.yaml'), NO_SLURM);
    expect(errors(issues)).toEqual([]);
    expect(warnings(issues)).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      path: 'orchestration.node_allocation.clients.clients_per_node',
      line: 14,
    });
    expect(issues[0].message).toMatch(/too few for good load/);
  });

  it('ollama_test.yaml: valid, with a plausibility warning for 400 requests/s on Ollama', async () => {
    const issues = await validateRecipeFile(tests('ollama_test.yaml'), NO_SLURM);
    expect(errors(issues)).toEqual([]);
    expect(warnings(issues)).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'workload.target_rps', line: 36, column: 15 });
    expect(issues[0].message).toMatch(/implausible for ollama.*OLLAMA_NUM_PARALLEL/);
  });

  it('errors_only.yaml: fails with every error its comments name', async () => {
    const issues = await validateRecipeFile(tests('errors_only.yaml'), NO_SLURM);
    const byPath = Object.fromEntries(errors(issues).map((i) => [i.path, i]));
    // line 4: missing account
    expect(byPath.account.message).toMatch(/required for orchestration.mode slurm/);
    // line 8: total_nodes 10 vs 3+4+1
    expect(byPath['orchestration.total_nodes']).toMatchObject({ line: 8, column: 16 });
    expect(byPath['orchestration.total_nodes'].message).toMatch(/3 servers \+ 4 clients \+ 1 monitors = 8/);
    // lines 20-22: negative GPUs, cpus 0, mem 0
    expect(byPath['resources.servers.gpus']).toMatchObject({ line: 20, message: 'must be 0 or more' });
    expect(byPath['resources.servers.cpus_per_task']).toMatchObject({
      line: 21,
      message: 'must be at least 1',
    });
    expect(byPath['resources.servers.mem_gb']).toMatchObject({ line: 22, message: 'must be at least 1' });
    // line 23: missing resources.clients
    expect(byPath['resources.clients'].message).toMatch(/required/);
    // line 27: postgres is no inference service; the message lists the registered ones
    expect(byPath['workload.service']).toMatchObject({ line: 27, column: 12 });
    expect(byPath['workload.service'].message).toMatch(/postgres.*dummy, llamacpp, ollama, vllm/);
    // line 28: "10minutes"
    expect(byPath['workload.duration']).toMatchObject({ line: 28, column: 13 });
    expect(byPath['workload.duration'].message).toMatch(/'30s', '15m', '2h'/);
    // line 29: missing model
    expect(byPath['workload.model'].message).toMatch(/required for service postgres/);
    // line 30: missing prompt_len is a warning: the MeluXina recipes have none and must validate
    expect(warnings(issues).find((w) => w.path === 'workload')?.message).toMatch(/no prompt_len/);
    // line 32: missing artifacts
    expect(byPath.artifacts.message).toMatch(/required for orchestration.mode slurm/);
    expect(errors(issues)).toHaveLength(10);
    await expect(loadRecipe(tests('errors_only.yaml'))).rejects.toMatchObject({ code: 'E006' });
  });

  it('invalid.yaml: a YAML parse error with its line', async () => {
    const issues = await validateRecipeFile(tests('invalid.yaml'), NO_SLURM);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', line: 2, file: tests('invalid.yaml') });
    expect(issues[0].message).toMatch(/invalid YAML.*quote/i);
    const err = await loadRecipe(tests('invalid.yaml')).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err.format()).toMatch(/^E006: .*invalid\.yaml[\s\S]*invalid\.yaml:2:\d+: error: invalid YAML/);
  });
});
