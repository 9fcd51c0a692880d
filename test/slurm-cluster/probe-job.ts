/**
 * Stands in for `hpcbench slurm-job` to test the step machinery on the CI cluster independently of the
 * benchmark phases: the real runSlurmJob starts the planned steps; "orchestrate" asks every executor's
 * /health through the address from its ready file and records what it saw, then (PROBE_HOLD=1) waits
 * for TERM like a long benchmark would.
 * Usage (as the job script's HPCBENCH command): probe-job.ts slurm-job RESULTS_DIR
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runSlurmJob } from '../../src/launch/slurm/job-runner.js';
import { loadSlurmRecipe } from '../../src/launch/slurm/recipe-file.js';
import { hpcbenchArgv } from '../../src/launch/slurm/self-argv.js';

const dir = process.argv[3];
const recipeFile = join(dir, 'slurm', 'recipe.yaml');
const recipe = await loadSlurmRecipe(recipeFile);
process.exitCode = await runSlurmJob({
  resultsDir: dir,
  recipe,
  recipeFile,
  self: hpcbenchArgv(),
  readyTimeout: 90,
  orchestrate: async (ctx) => {
    const health = await Promise.all(
      ctx.clientEndpoints.map(
        async (e) => (await fetch(`http://${e}/health`)).json() as Promise<Record<string, unknown>>,
      ),
    );
    const probe = {
      serverNodes: ctx.serverNodes,
      clientNodes: ctx.clientNodes,
      clientEndpoints: ctx.clientEndpoints,
      health,
    };
    await writeFile(join(dir, 'probe.json'), JSON.stringify(probe, null, 2));
    if (process.env.PROBE_HOLD) {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      await writeFile(join(dir, 'probe-interrupted.json'), JSON.stringify({ at: new Date().toISOString() }));
      return 130;
    }
    return 0;
  },
});
