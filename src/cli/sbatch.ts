/** `hpcbench sbatch RECIPE`: print the Slurm job script of a recipe (and, with --plan, its steps). */
import type { Command } from '@commander-js/extra-typings';
import { planJob } from '../launch/slurm/job-plan.js';
import { totalNodes } from '../launch/slurm/node-plan.js';
import { renderPlan } from '../launch/slurm/plan-text.js';
import { loadSlurmRecipe } from '../launch/slurm/recipe-file.js';
import { jobResources } from '../launch/slurm/resources.js';
import { renderSbatch } from '../launch/slurm/sbatch.js';
import { hpcbenchArgv } from '../launch/slurm/self-argv.js';
import { defaultResultsDir } from '../launch/slurm/submit.js';
import { expandHostlist } from '../util/hostlist.js';
import { VERSION } from '../version.js';
import { SLURM_DATASETS } from './submit.js';

export function register(program: Command): void {
  program
    .command('sbatch')
    .description('print the Slurm job script for a recipe (hpcbench submit writes and submits it)')
    .argument('<recipe>', 'recipe file (YAML or JSON)')
    .option(
      '--results-dir <dir>',
      'results folder the job writes to (default <reporting.output_directory>/<scenario>_<UTC time>)',
    )
    .option('--plan [nodelist]', 'also print the srun steps for a node list (default node[1-N])')
    .action(async (file, opts) => {
      const recipe = await loadSlurmRecipe(file, SLURM_DATASETS);
      const resultsDir =
        opts.resultsDir ?? defaultResultsDir(recipe.scenario, undefined, recipe.reporting.output_directory);
      const self = hpcbenchArgv();
      process.stdout.write(renderSbatch(recipe, { resultsDir, hpcbench: self, version: VERSION, file }));
      if (opts.plan) {
        const nodes =
          typeof opts.plan === 'string'
            ? expandHostlist(opts.plan)
            : expandHostlist(`node[1-${totalNodes(recipe)}]`);
        const plan = planJob(recipe, nodes, { resultsDir, self, file });
        process.stdout.write(`\n${renderPlan(plan, jobResources(recipe).gpus > 0)}`);
      }
    });
}
