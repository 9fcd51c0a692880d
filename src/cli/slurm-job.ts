/**
 * `hpcbench slurm-job RESULTS_DIR` (hidden): what the job script runs inside the allocation. Loads the
 * submitted recipe from RESULTS_DIR/slurm/, starts every component as an srun step, runs the phases
 * through the Orchestrator (results into RESULTS_DIR) and stops every step, also on TERM.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { renderThresholdTable } from '../decide/evaluate.js';
import { renderRepetitionTable, summarizeRepetitions } from '../decide/repetitions.js';
import { renderSearchText } from '../decide/search.js';
import { ConfigValidationError } from '../errors.js';
import { containerFor } from '../launch/containers.js';
import { runSlurmJob } from '../launch/slurm/job-runner.js';
import { loadSlurmRecipe } from '../launch/slurm/recipe-file.js';
import { hpcbenchArgv } from '../launch/slurm/self-argv.js';
import { startRunMonitoring } from '../monitor/run-monitoring.js';
import { serverTargets } from '../orchestrator/hooks.js';
import { Orchestrator } from '../orchestrator/orchestrator.js';
import { logProgress } from './slurm-progress.js';

async function submittedRecipe(resultsDir: string): Promise<string> {
  const dir = join(resultsDir, 'slurm');
  const name = (await readdir(dir).catch(() => [] as string[])).find((f) => /^recipe\.(ya?ml|json)$/.test(f));
  if (!name)
    throw new ConfigValidationError(
      `${dir}: no recipe.yaml/recipe.json (was the run prepared by hpcbench submit?)`,
    );
  return join(dir, name);
}

export function register(program: Command): void {
  program
    .command('slurm-job', { hidden: true })
    .description('run a submitted recipe inside its Slurm allocation (started by the job script)')
    .argument('<results-dir>', "the run's results folder (holds slurm/recipe.*)")
    .option('--ready-timeout <seconds>', 'seconds to wait for executors to be ready', '180')
    .action(async (dir, opts) => {
      const resultsDir = resolve(dir);
      const recipeFile = await submittedRecipe(resultsDir);
      const recipe = await loadSlurmRecipe(recipeFile);
      const log = (l: string) => process.stdout.write(`[hpcbench ${new Date().toISOString()}] ${l}\n`);
      process.exitCode = await runSlurmJob({
        resultsDir,
        recipe,
        recipeFile,
        self: hpcbenchArgv(),
        readyTimeout: Number(opts.readyTimeout),
        log,
        orchestrate: async (ctx) => {
          const orchestrator = new Orchestrator({
            serverNodes: ctx.serverNodes.slice(0, ctx.serverEndpoints.length),
            clientNodes: ctx.clientNodes,
            configFile: recipeFile,
            serverEndpoints: ctx.serverEndpoints,
            clientEndpoints: ctx.clientEndpoints,
            token: ctx.token,
            runDir: resultsDir,
            signal: ctx.signal,
            mode: 'slurm',
            containerImages: (['servers', 'clients', 'monitors'] as const).flatMap((role) => {
              const c = containerFor(recipe, role);
              return c ? [{ role, ...c }] : [];
            }),
            runInfo: { slurm_job_id: process.env.SLURM_JOB_ID, slurm_plan: 'slurm/plan.json' },
            logSources: ctx.logSources,
            // Node monitors run as srun steps; in-process: only the server-metrics scraper.
            monitoring: (hook) =>
              startRunMonitoring({
                resultsDir,
                runId: hook.runId,
                nodes: [],
                interval: 5,
                pushgatewayUrl: recipe.monitoring?.pushgateway,
                // The job runner deletes the run's groups once every step has stopped (runSlurmJob).
                keepGroups: true,
                serverTargets: serverTargets(recipe.workload.service, hook.serverUrls),
                onWarning: hook.warn,
              }),
          });
          logProgress(orchestrator, log);
          const results = await orchestrator.run();
          process.stdout.write(renderThresholdTable(results.benchmarks));
          process.stdout.write(renderSearchText(results.search));
          process.stdout.write(renderRepetitionTable(summarizeRepetitions(results.benchmarks)));
          return results.exit_code;
        },
      });
    });
}
