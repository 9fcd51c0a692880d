/** Dataset files checked with the recipe: issues at the field that named the file, each file read once. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planFromRecipe, RECIPE_ORIGIN_FILE } from '../../src/orchestrator/recipe-plan.js';
import { checkRecipeText, resolveRecipe } from '../../src/recipe/index.js';
import { localRecipe } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hpcbench-recipe-ds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'good.jsonl'), '{"prompt":"a"}\n');
writeFileSync(join(dir, 'bad.jsonl'), '{"prompt":"a"}\n{"nope":1}\n');
writeFileSync(join(dir, 'sg.json'), '[{"conversations": []}]');

const yaml = (lines: string[]) => ['scenario: t', ...lines].join('\n');
const check = (text: string) =>
  checkRecipeText(text, join(dir, 'r.yaml'), { baseDir: dir, checkDatasets: true });

describe('dataset checks', () => {
  it('a sweep over datasets: the issue points at the sweep value; a shared field is reported once', () => {
    const r = check(
      yaml([
        'workload:',
        '  service: dummy',
        '  duration: 60s',
        '  sweep:',
        '    dataset: [good.jsonl, bad.jsonl, sg.json]',
        '    clients_per_node: [1, 2]',
      ]),
    );
    expect(r.recipe).toBeUndefined();
    const errors = r.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => i.path)).toEqual(['workload.sweep.dataset[1]', 'workload.sweep.dataset[2]']);
    expect(errors[0]).toMatchObject({ line: 6, file: join(dir, 'r.yaml') });
    expect(errors[0].message).toContain(`dataset ${join(dir, 'bad.jsonl')}:2: each row needs`);
    expect(errors[1].message).toMatch(/sg\.json: no conversation with a human turn; format sharegpt: /);
  });

  it('a missing file is an error, a warning for a slurm recipe; malformed stays an error', () => {
    const base = ['  service: dummy', '  duration: 60s'];
    const local = check(yaml(['workload:', ...base, '  dataset: gone.jsonl']));
    expect(local.issues).toEqual([
      expect.objectContaining({ severity: 'error', path: 'workload.dataset', line: 5 }),
    ]);
    const slurm = yaml([
      'partition: p',
      'account: a',
      'resources: {servers: {gpus: 0}, clients: {gpus: 0}}',
      'orchestration: {mode: slurm}',
      'workload:',
      ...base,
    ]);
    const missing = check(`${slurm}\n  dataset: gone.jsonl`);
    expect(missing.recipe).toBeDefined();
    expect(missing.issues.filter((i) => i.path === 'workload.dataset')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/file not found/) }),
    ]);
    const bad = check(`${slurm}\n  dataset: bad.jsonl`);
    expect(bad.issues.filter((i) => i.severity === 'error').map((i) => i.path)).toEqual(['workload.dataset']);
  });

  it('a suite entry that unsets the dataset is not checked; without checkDatasets nothing is read', () => {
    const r = check(
      yaml([
        'workload:',
        '  service: dummy',
        '  duration: 60s',
        '  dataset: gone.jsonl',
        '  benchmark_suite:',
        '    - {name: synthetic, dataset: null}',
      ]),
    );
    expect(r.issues).toEqual([]);
    expect(() =>
      resolveRecipe(localRecipe({ dataset: join(dir, 'gone.jsonl') }), undefined, { checkDatasets: true }),
    ).toThrow(/1 error/);
    expect(resolveRecipe(localRecipe({ dataset: join(dir, 'gone.jsonl') })).recipe).toBeDefined();
  });
});

describe('planFromRecipe (run, orchestrate, the Slurm job)', () => {
  const recipe = yaml(['workload:', '  service: dummy', '  duration: 60s', '  dataset: good.jsonl']);

  it('gives the executors the dataset path resolved against the recipe folder', async () => {
    writeFileSync(join(dir, 'plan.yaml'), recipe);
    const plan = await planFromRecipe({ configFile: join(dir, 'plan.yaml') });
    expect(plan.benchmarks[0].spec.prompts).toEqual({ source: 'jsonl', path: join(dir, 'good.jsonl') });
  });

  it("a submitted copy in <results>/slurm/ resolves against the original recipe's folder", async () => {
    const slurm = join(dir, 'results', 'slurm');
    mkdirSync(slurm, { recursive: true });
    writeFileSync(join(slurm, 'recipe.yaml'), recipe);
    writeFileSync(
      join(slurm, RECIPE_ORIGIN_FILE),
      JSON.stringify({ recipe: join(dir, 'plan.yaml'), dataset_base_dir: dir }),
    );
    const plan = await planFromRecipe({ configFile: join(slurm, 'recipe.yaml') });
    expect(plan.benchmarks[0].spec.prompts).toMatchObject({ path: join(dir, 'good.jsonl') });
  });

  it('a malformed dataset is E006 before a plan exists', async () => {
    writeFileSync(join(dir, 'plan-bad.yaml'), recipe.replace('good.jsonl', 'bad.jsonl'));
    await expect(planFromRecipe({ configFile: join(dir, 'plan-bad.yaml') })).rejects.toMatchObject({
      code: 'E006',
      issues: [expect.objectContaining({ path: 'workload.dataset', line: 5 })],
    });
  });
});
