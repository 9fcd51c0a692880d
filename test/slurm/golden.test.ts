/**
 * Golden tests: every original recipe, example and fixture renders to the same job script and step
 * plan as the files under golden/ (UPDATE_GOLDEN=1 writes them), and both are shellcheck clean. A missing
 * golden file fails (everywhere, not only under CI): a new recipe needs its golden files committed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planJob } from '../../src/launch/slurm/job-plan.js';
import { totalNodes } from '../../src/launch/slurm/node-plan.js';
import { renderPlan } from '../../src/launch/slurm/plan-text.js';
import { jobResources } from '../../src/launch/slurm/resources.js';
import { renderSbatch } from '../../src/launch/slurm/sbatch.js';
import { haveOriginals } from '../helpers/originals.js';
import { goldenRecipes } from './recipes.js';

const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const SELF = ['/opt/node/bin/node', '/opt/hpcbench/bin/hpcbench.js'];
/** The checkout's own path (where example datasets and traces resolve) is written as /opt/hpcbench. */
const CHECKOUT = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const portable = (text: string): string => text.replaceAll(CHECKOUT, '/opt/hpcbench');
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

function checkGolden(name: string, text: string) {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  if (!existsSync(file))
    throw new Error(
      `${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/slurm/golden.test.ts and commit it`,
    );
  expect(text).toBe(readFileSync(file, 'utf8'));
}

function shellcheck(file: string) {
  if (!hasShellcheck) {
    if (process.env.CI === 'true') throw new Error('shellcheck is missing (apt-get install -y shellcheck)');
    return;
  }
  // Throws with shellcheck's findings on any warning.
  execFileSync('shellcheck', ['-s', 'bash', '-S', 'style', file], { encoding: 'utf8' });
}

describe('job scripts and step plans', async () => {
  const recipes = await goldenRecipes();
  it.skipIf(!haveOriginals())('covers the original recipes', () => {
    expect(recipes.filter((r) => r.name.startsWith('original-')).length).toBeGreaterThanOrEqual(2);
  });
  for (const { name, recipe } of recipes) {
    it(`${name} renders to its golden job script and step plan, shellcheck clean`, () => {
      const resultsDir = `/scratch/hpcbench/results/${recipe.scenario.replace(/\W+/g, '-')}_20260101T000000Z`;
      const script = renderSbatch(recipe, { resultsDir, hpcbench: SELF, version: 'X.Y.Z' });
      checkGolden(`${name}.sh`, portable(script));
      shellcheck(join(GOLDEN, `${name}.sh`));
      const n = totalNodes(recipe);
      const nodes = Array.from({ length: n }, (_, i) => `mel${String(2001 + i).padStart(4, '0')}`);
      const addresses = Object.fromEntries(nodes.map((node, i) => [node, `10.3.${i}.${10 + i}`]));
      const plan = planJob(recipe, nodes, { resultsDir, self: SELF, addresses, runId: 'run-1' });
      checkGolden(`${name}.steps.sh`, portable(renderPlan(plan, jobResources(recipe).gpus > 0)));
      shellcheck(join(GOLDEN, `${name}.steps.sh`));
    });
  }
});
