/**
 * `hpcbench report RUN_DIR`: rebuild `report.html` (and benchmarks.csv) of a results folder from the
 * folder's own files, e.g. after an interrupted or failed run, or after upgrading hpcbench.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { ConfigValidationError } from '../errors.js';
import { writeHtmlReport } from '../report/write-report.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('rebuild report.html of a results folder from its files')
    .argument('<run-dir>', 'results folder of a run (results/<scenario>_<time>/)')
    .action(async (runDir) => {
      if (!existsSync(runDir) || !statSync(runDir).isDirectory())
        throw new ConfigValidationError(`no results folder at ${runDir}`, [
          {
            severity: 'error',
            path: 'RUN_DIR',
            message: `${runDir} must be a results folder (with run.json)`,
          },
        ]);
      if (!existsSync(`${runDir}/run.json`) && !existsSync(`${runDir}/benchmarks`))
        throw new ConfigValidationError(`${runDir} is not a results folder`, [
          { severity: 'error', path: 'RUN_DIR', message: 'expected run.json or benchmarks/ in it' },
        ]);
      const path = await writeHtmlReport(runDir);
      process.stdout.write(`report: ${path}\n`);
    });
}
