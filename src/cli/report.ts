/**
 * `hpcbench report RUN_DIR`: rebuild `report.html` of a results folder from the
 * folder's own files, e.g. after an interrupted or failed run, or after upgrading hpcbench. A run whose
 * orchestrator was killed (run.json still `running`, the process gone) is recovered first: its
 * unfinished benchmark is rebuilt from the records files, the recipe's thresholds judged on the rebuilt
 * figures, and the run marked interrupted (src/orchestrator/recover.ts); an open loop's load-generator
 * verdict and the threshold table are printed, with the run's status beside them (an interrupted run,
 * not one that completed with failed thresholds or an invalid generator).
 */
import type { Command } from '@commander-js/extra-typings';
import { renderThresholdTable } from '../decide/evaluate.js';
import { generatorNote } from '../decide/generator-gate.js';
import { recoverRun } from '../orchestrator/recover.js';
import { writeHtmlReport } from '../report/write-report.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('rebuild report.html of a results folder from its files (recovers a killed run)')
    .argument('<run-dir>', 'results folder of a run (results/<scenario>_<time>/)')
    .option(
      '--recover',
      'recover a run.json still at running whose orchestrator cannot be checked here (another host, not named, or named by a PID alone that another process holds): it is gone',
    )
    .action(async (runDir, opts) => {
      const recovery = await recoverRun(
        runDir,
        (m) => process.stderr.write(`warning: ${m}\n`),
        opts.recover === true,
      );
      if (recovery.note)
        process.stderr.write(`${recovery.recovered ? 'recovered' : 'note'}: ${recovery.note}\n`);
      for (const d of recovery.details ?? []) process.stderr.write(`recovery: ${d}\n`);
      if (recovery.generators) {
        for (const g of recovery.generators)
          process.stdout.write(`load_generator: ${g.name}: ${generatorNote(g.check) ?? g.check.label}\n`);
        process.stdout.write(
          `note: the run is interrupted: the load generator of ${recovery.generators.map((g) => g.name).join(', ')} was judged by hpcbench report on the rebuilt figures, with the sends due by the last one measured\n`,
        );
      }
      if (recovery.thresholds) {
        const judged = recovery.thresholds.filter((b) => b.rebuilt).map((b) => b.name);
        process.stdout.write(renderThresholdTable(recovery.thresholds));
        process.stdout.write(
          `note: the run is interrupted${judged.length ? `: the thresholds of ${judged.join(', ')} were evaluated by hpcbench report on the rebuilt figures` : ''}\n`,
        );
      }
      const path = await writeHtmlReport(runDir);
      process.stdout.write(`report: ${path}\n`);
    });
}
