/**
 * `hpcbench submit RECIPE [--wait]`: create the run's results folder, write the job script into it,
 * submit it with `sbatch --parsable` and print the job id. With --wait, follow the job and the run's
 * progress until it ends, print the summary and exit with the run's status.
 */
import { resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { watchJob } from '../launch/slurm/job-watch.js';
import { loadSlurmRecipe } from '../launch/slurm/recipe-file.js';
import { jobErrorTail, runStatus, runSummaryText } from '../launch/slurm/run-outcome.js';
import { hpcbenchArgv } from '../launch/slurm/self-argv.js';
import { prepareJob, submitJob } from '../launch/slurm/submit.js';
import { createResultsDir } from '../results-folder/naming.js';
import { VERSION } from '../version.js';

/** Dataset files are read before submitting: missing is a warning (node-local paths), malformed E006. */
export const SLURM_DATASETS = { checkDatasets: true, missingDataset: 'warning' } as const;

export function register(program: Command): void {
  program
    .command('submit')
    .description('submit a recipe as a Slurm job (sbatch) and print the job id; --wait follows it to the end')
    .argument('<recipe>', 'recipe file (YAML or JSON)')
    .option('--wait', 'follow the job and the run until it ends; exit with the run status')
    .option(
      '--results-dir <dir>',
      'results folder on the shared filesystem (default <reporting.output_directory>/<scenario>_<UTC time>)',
    )
    .option('--sbatch-arg <arg...>', 'extra sbatch options, e.g. --sbatch-arg=--begin=now+1hour')
    .option('--interval <seconds>', 'seconds between job state polls with --wait', '2')
    .action(async (file, opts) => {
      const recipe = await loadSlurmRecipe(file, SLURM_DATASETS);
      if (recipe.orchestration?.mode && recipe.orchestration.mode !== 'slurm') {
        process.stderr.write(
          `note: ${file}: orchestration.mode is '${recipe.orchestration.mode}'; submitting it as a Slurm job anyway\n`,
        );
      }
      const resultsDir = resolve(
        opts.resultsDir ?? (await createResultsDir(recipe.reporting.output_directory, recipe.scenario)),
      );
      const script = await prepareJob({
        recipe,
        recipeFile: file,
        resultsDir,
        hpcbench: hpcbenchArgv(),
        version: VERSION,
      });
      const job = await submitJob(script, resultsDir, file, opts.sbatchArg ?? []);
      process.stdout.write(`${job.jobId}\n`);
      process.stderr.write(`submitted job ${job.jobId}; results in ${resultsDir}\n`);
      if (!opts.wait) return;
      const final = await watchJob(job.jobId, resultsDir, {
        interval: Number(opts.interval),
        onState: (s) =>
          process.stderr.write(
            `job ${job.jobId}: ${s.state}${s.nodes ? ` on ${s.nodes}` : ''}${s.reason ? ` (${s.reason})` : ''}\n`,
          ),
        onLine: (l) => process.stderr.write(`${l}\n`),
      });
      process.stdout.write(await runSummaryText(resultsDir));
      const status = await runStatus(resultsDir, final);
      if (status !== 0) {
        const tail = await jobErrorTail(resultsDir, job.jobId);
        if (tail) process.stderr.write(`last lines of ${resultsDir}/slurm/job-${job.jobId}.err:\n${tail}\n`);
      }
      process.stderr.write(`job ${job.jobId} ${final.state}; run status ${status}\n`);
      process.exitCode = status;
    });
}
