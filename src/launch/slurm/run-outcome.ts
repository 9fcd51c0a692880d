/**
 * The outcome of a finished Slurm run as `submit --wait` reports it: the run's own status (written by
 * the orchestrator into run.json, else by `hpcbench slurm-job` into slurm/steps.json), else the job's
 * exit code; and the summary the run wrote.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobState } from './job-state.js';

export async function runStatus(resultsDir: string, job: JobState): Promise<number> {
  try {
    const run = JSON.parse(await readFile(join(resultsDir, 'run.json'), 'utf8')) as { exit_code?: number };
    if (typeof run.exit_code === 'number') return run.exit_code;
  } catch {
    // no run.json (the job failed before the phases started)
  }
  try {
    const steps = JSON.parse(await readFile(join(resultsDir, 'slurm', 'steps.json'), 'utf8')) as {
      status?: number;
    };
    if (typeof steps.status === 'number') return steps.status;
  } catch {
    // the job never got as far as writing it
  }
  if (job.state === 'COMPLETED') return job.exitCode ?? 0;
  return job.exitCode && job.exitCode > 0 ? job.exitCode : 1;
}

/** The run's summary as text: summary.md, else summary.json, else the folder listing. */
export async function runSummaryText(resultsDir: string): Promise<string> {
  for (const name of ['summary.md', 'summary.json']) {
    const text = await readFile(join(resultsDir, name), 'utf8').catch(() => undefined);
    if (text !== undefined) return text.endsWith('\n') ? text : `${text}\n`;
  }
  const files = await readdir(resultsDir).catch(() => []);
  return `no summary in ${resultsDir} (files: ${files.join(', ') || 'none'})\n`;
}

/** The last lines of the job's stderr file (what to show when a job failed). */
export async function jobErrorTail(resultsDir: string, jobId: string, lines = 15): Promise<string> {
  const text = await readFile(join(resultsDir, 'slurm', `job-${jobId}.err`), 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join('\n');
}
