/**
 * `hpcbench report RUN_DIR`: rebuild `report.html` of a results folder from the
 * folder's own files, e.g. after an interrupted or failed run, or after upgrading hpcbench.
 */
import type { Command } from '@commander-js/extra-typings';
import { writeHtmlReport } from '../report/write-report.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('rebuild report.html of a results folder from its files')
    .argument('<run-dir>', 'results folder of a run (results/<scenario>_<time>/)')
    .action(async (runDir) => {
      const path = await writeHtmlReport(runDir);
      process.stdout.write(`report: ${path}\n`);
    });
}
