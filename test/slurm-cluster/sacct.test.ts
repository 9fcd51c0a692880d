/**
 * Job state from accounting: on the CI cluster with slurmdbd (WITH_DBD=1 .ci/slurm-up.sh, as .ci/run
 * starts it), sacct's real output parses into the state, exit code and node list hpcbench reports once
 * scontrol has forgotten a job.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type JobState, sacctState } from '../../src/launch/slurm/job-state.js';
import { requireCluster, waitForJob } from './cluster.js';

function accountingProblem(): string | undefined {
  const r = spawnSync('sacct', ['-n', '-X', '-j', '1'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    return `sacct does not answer (${r.error?.message ?? r.stderr.trim()}); start the cluster with WITH_DBD=1 .ci/slurm-up.sh`;
  return undefined;
}

function requireAccounting(): boolean {
  if (!requireCluster()) return false;
  const problem = accountingProblem();
  if (!problem) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but Slurm accounting is not usable: ${problem}`);
  process.stderr.write(`skipping sacct tests: ${problem}\n`);
  return false;
}

function sbatch(...args: string[]): string {
  const r = spawnSync('sbatch', ['--parsable', '-N1', '-w', 'n2', '--output=/dev/null', ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`sbatch failed: ${r.stderr}`);
  return r.stdout.trim().split(';')[0];
}

/** Accounting lags the controller by a moment: poll until sacct has the job's final state. */
async function recorded(jobId: string, state: string): Promise<JobState | undefined> {
  let s: JobState | undefined;
  for (let i = 0; i < 60; i++) {
    s = await sacctState(jobId);
    if (s?.state === state) return s;
    await sleep(500);
  }
  return s;
}

describe.runIf(requireAccounting())('job state from sacct on the CI cluster', () => {
  it('reads a completed and a failed job with their exit codes and node', async () => {
    const ok = sbatch('--wrap', 'true');
    const failed = sbatch('--wrap', 'exit 3');
    await waitForJob(ok, 60_000);
    await waitForJob(failed, 60_000);
    expect(await recorded(ok, 'COMPLETED')).toEqual({
      state: 'COMPLETED',
      exitCode: 0,
      signal: 0,
      nodes: 'n2',
      source: 'sacct',
    });
    expect(await recorded(failed, 'FAILED')).toMatchObject({ state: 'FAILED', exitCode: 3, nodes: 'n2' });
  }, 120_000);

  it('reads a cancelled job and says nothing for a job it never saw', async () => {
    const held = sbatch('--hold', '--wrap', 'true');
    spawnSync('scancel', [held]);
    expect((await recorded(held, 'CANCELLED'))?.state).toBe('CANCELLED');
    expect(await sacctState('999999')).toBeUndefined();
  }, 60_000);
});
