/** `hpcbench cancel RUN_DIR|JOBID`: stop a submitted run gracefully (partial results are written). */
import { existsSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { cancelJob } from '../launch/slurm/job-watch.js';
import { readJobRecord } from '../launch/slurm/submit.js';

export function register(program: Command): void {
  program
    .command('cancel')
    .description(
      'cancel a submitted run: TERM to hpcbench in the job (writes partial results), scancel after --grace',
    )
    .argument('<run>', 'results folder of a submitted run, or a Slurm job id')
    .option('--grace <seconds>', 'seconds to wait for a clean stop before scancel kills the job', '90')
    .action(async (run, opts) => {
      const jobId = /^\d+(_\d+)?$/.test(run) && !existsSync(run) ? run : (await readJobRecord(run)).jobId;
      const r = await cancelJob(jobId, Number(opts.grace));
      const after = r.after
        ? `${r.after.state}${r.after.exitCode !== undefined ? ` (exit ${r.after.exitCode})` : ''}`
        : 'gone';
      process.stdout.write(
        `job ${jobId}: ${r.before} -> ${after}${r.forced ? ' (killed after the grace period)' : ''}\n`,
      );
    });
}
