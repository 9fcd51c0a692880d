/**
 * `hpcbench run RECIPE`: run a recipe on this machine (mode local, the default when no cluster is named):
 * servers and executors as child processes, progress on stderr, the summary table on stdout, results in
 * `<results-dir>/<scenario>_<UTC time>/`. A `mode: slurm` recipe is refused (use `hpcbench submit`)
 * unless --local is given. Ctrl-C / SIGTERM keeps what was measured and exits 130 / 143.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { failedThresholds } from '../decide/evaluate.js';
import { EXIT_CODES } from '../exit-codes.js';
import { runLocal } from '../launch/local/local-launcher.js';
import { interruptOnSignals } from '../launch/local/signals.js';
import { type Orchestrator, RunInterrupted } from '../orchestrator/orchestrator.js';
import { positiveSeconds } from './flags.js';
import { attachProgress } from './progress.js';
import { writeRunTables, writeTablesBeforeError } from './run-tables.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run a benchmark recipe on this machine (servers and executors as local processes)')
    .argument('<recipe>', 'recipe file (YAML or JSON)')
    .option(
      '--results-dir <dir>',
      'base folder for the results folder of this run (default: reporting.output_directory, else results)',
    )
    .option(
      '--quiet',
      'no progress output (warnings, the summary table and the results path are still printed)',
    )
    .option('--strict', 'every recipe warning is an error (E006 before anything starts)')
    .option('--local', "run a recipe whose orchestration.mode is 'slurm' on this machine")
    .option('--wide', 'summary table with every column (default: fits 120 columns)')
    .option('--timeout <seconds>', 'seconds for control operations and grace after each benchmark', '600')
    .action(async (recipe, opts) => {
      const timeout = positiveSeconds('--timeout', opts.timeout);
      const signals = interruptOnSignals((sig) =>
        process.stderr.write(`\n${sig}: stopping the workload and writing results (again to exit now)\n`),
      );
      let orchestrator: Orchestrator | undefined;
      try {
        const { runDir, results } = await runLocal({
          recipeFile: recipe,
          resultsDir: opts.resultsDir,
          local: opts.local,
          strict: opts.strict,
          signal: signals.signal,
          orchestrator: { timeout },
          onOrchestrator: (o) => {
            orchestrator = o;
            // --quiet hides progress, never a warning: a warning may say the run measures something else
            if (!opts.quiet) attachProgress(o);
            else o.on('warning', (w) => process.stderr.write(`warning: ${w}\n`));
          },
        });
        writeRunTables(results, opts.wide);
        process.stdout.write(`results: ${runDir}\n`);
        const report = join(runDir, 'report.html');
        if (existsSync(report)) process.stdout.write(`report: ${report}\n`);
        if (results.exit_code === EXIT_CODES.thresholds)
          process.stderr.write(
            `${failedThresholds(results.benchmarks)} threshold(s) failed (see the table above): exit 99\n`,
          );
        if (results.status === 'interrupted')
          process.stderr.write(
            `run interrupted (${signals.received ?? 'aborted'}) during ${results.interrupted_phase}: partial results kept\n`,
          );
        else if (results.reason) process.stderr.write(`run ${results.status}: ${results.reason}\n`);
        // The same code as run.json's exit_code (src/exit-codes.ts).
        process.exitCode = results.exit_code;
      } catch (err) {
        const runDir = (err as { runDir?: string }).runDir;
        if (err instanceof RunInterrupted) {
          process.stderr.write(
            `${err.message} during launch (starting the servers and executors)${runDir ? `; run.json in ${runDir}` : ''}\n`,
          );
          process.exitCode = signals.exitCode();
          return;
        }
        writeTablesBeforeError(orchestrator?.results, opts.wide);
        if (runDir) process.stderr.write(`results (partial): ${runDir}\n`);
        throw err;
      } finally {
        signals.dispose();
      }
    });
}
