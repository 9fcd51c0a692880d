/**
 * Local mode refuses what this machine cannot hold: more executors than half its memory fits
 * (LOCAL_EXECUTOR_MB each) is E006 naming the number that fits, before any process or results folder.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkLocalCapacity, LOCAL_EXECUTOR_MB } from '../../src/launch/local/local-launcher.js';
import type { RunPlan } from '../../src/orchestrator/run-plan.js';
import { hasStackTrace, recipe, runCli, useSandbox } from './helpers.js';

const sandbox = useSandbox('hpcbench-faults-cap-');

describe('local capacity', () => {
  it('names the number of executors that fits', () => {
    const plan = (n: number) => ({ clientNodes: n }) as RunPlan;
    const mb = 20 * LOCAL_EXECUTOR_MB; // half of it holds 10
    expect(() => checkLocalCapacity(plan(10), 'r.yaml', mb)).not.toThrow();
    expect(() => checkLocalCapacity(plan(11), 'r.yaml', mb)).toThrow(
      /11 local executors .* holds at most 10/,
    );
  });

  it('hpcbench run with 4000 local executors: E006 before anything starts', async () => {
    const box = sandbox();
    const file = await box.writeRecipe(
      'huge.yaml',
      recipe(
        'huge',
        { duration: '5s', warmup: '0s' },
        {
          orchestration: { mode: 'local', node_allocation: { clients: { nodes: 4000 } } },
        },
      ),
    );
    const r = await runCli(['run', file, '--results-dir', box.path('r-huge')], { timeout: 60_000 });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stderr).toMatch(
      /^E006: .*4000 local executors need about \d+ MB; this machine \(\d+ MB\) holds at most \d+/m,
    );
    expect(hasStackTrace(r.all)).toBe(false);
    expect(await readdir(box.path('r-huge')).catch(() => 'absent')).toBe('absent');
  }, 90_000);
});
