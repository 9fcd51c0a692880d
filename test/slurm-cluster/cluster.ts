/** The CI Slurm cluster (.ci/slurm-up.sh) for tests: is it there, and helpers to wait on jobs. */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminal, type JobState, jobState } from '../../src/launch/slurm/job-state.js';

/** Why the cluster cannot be used, or undefined when `sinfo` lists idle nodes n1-n3. */
export function clusterProblem(): string | undefined {
  const r = spawnSync('sinfo', ['-h', '-N', '-o', '%N %T'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    return `sinfo does not answer (${r.error?.message ?? r.stderr.trim()}); start it with .ci/slurm-up.sh`;
  const nodes = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[0]);
  for (const n of ['n1', 'n2', 'n3'])
    if (!nodes.includes(n)) return `node ${n} missing from sinfo (${nodes.join(',')})`;
  return undefined;
}

/** Skip with a message, or fail under CI=true (a test that needs Slurm must not silently pass). */
export function requireCluster(): boolean {
  const problem = clusterProblem();
  if (!problem) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but the Slurm cluster is not usable: ${problem}`);
  process.stderr.write(`skipping Slurm cluster tests: ${problem}\n`);
  return false;
}

export async function waitForJob(jobId: string, timeoutMs: number, until = isTerminal): Promise<JobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await jobState(jobId);
    if (s && until(s.state)) return s;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${s?.state} after ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** Whether a port on 127.0.0.1 can be listened on now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * HPCBENCH_SERVER_PORT for a job (sbatch passes the environment on): a base port whose `count` ports
 * from it are free (a job's servers listen on base + index, on one host here), below the kernel's
 * ephemeral range (32768-60999), so that other test files' listen(0) servers and outgoing connections
 * cannot take it between this choice and the job's start. CI runs lost a port that way: the server
 * exited on EADDRINUSE and its health check saw another process's resets.
 */
export async function jobServerPort(count = 1): Promise<string> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count));
    let free = true;
    for (let i = 0; i < count && free; i++) free = await isFree(base + i);
    if (free) return String(base);
  }
}
