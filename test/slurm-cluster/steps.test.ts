/**
 * The in-job step machinery on a real Slurm cluster (3 emulated nodes): the real job script, runSlurmJob
 * starting monitors, a server and executors as srun steps on the planned nodes, executors found through
 * their ready files, every step stopped at the end and on cancellation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cancelJob } from '../../src/launch/slurm/job-watch.js';
import { prepareJob, submitJob } from '../../src/launch/slurm/submit.js';
import { jobServerPort, requireCluster, waitForJob } from './cluster.js';

const ok = requireCluster();
const RECIPE = fileURLToPath(new URL('../slurm/fixtures/dummy-ci.yaml', import.meta.url));
const PROBE = fileURLToPath(new URL('./probe-job.ts', import.meta.url));
const PROBE_ARGV = [process.execPath, '--import', import.meta.resolve('tsx'), PROBE];

async function submitProbe(hold: boolean) {
  // The server's port: a free one (sbatch passes the environment on to the job).
  process.env.HPCBENCH_SERVER_PORT = await jobServerPort();
  const resultsDir = await mkdtemp(join(tmpdir(), 'hb-slurm-probe-'));
  const recipe = (await import('yaml')).parse(readFileSync(RECIPE, 'utf8'));
  const script = await prepareJob({ recipe, recipeFile: RECIPE, resultsDir, hpcbench: PROBE_ARGV });
  if (hold) {
    const text = (await readFile(script, 'utf8')).replace(
      'RESULTS_DIR=',
      'export PROBE_HOLD=1\nRESULTS_DIR=',
    );
    await writeFile(script, text);
  }
  const job = await submitJob(script, resultsDir, RECIPE);
  return { resultsDir, jobId: job.jobId };
}

function stepLog(resultsDir: string, name: string) {
  return readFileSync(join(resultsDir, 'logs', name), 'utf8');
}

describe.runIf(ok)('srun steps on the CI Slurm cluster', () => {
  it('starts every component on its planned node and finds the executors', async () => {
    const { resultsDir, jobId } = await submitProbe(false);
    const final = await waitForJob(jobId, 240_000);
    const out = readFileSync(join(resultsDir, 'slurm', `job-${jobId}.out`), 'utf8');
    expect(final.state, out).toBe('COMPLETED');
    const plan = JSON.parse(readFileSync(join(resultsDir, 'slurm', 'plan.json'), 'utf8'));
    expect(plan.nodes).toEqual({ servers: ['n1'], clients: ['n2', 'n3'], monitors: [] });
    const probe = JSON.parse(readFileSync(join(resultsDir, 'probe.json'), 'utf8'));
    // Executors picked free ports on the shared network stack and reported them through their ready files.
    expect(probe.clientEndpoints).toHaveLength(2);
    for (const e of probe.clientEndpoints) expect(e).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(new Set(probe.clientEndpoints).size).toBe(2);
    // Each executor answered from the node the plan gave it ($SLURMD_NODENAME inside its step).
    expect(probe.health.map((h: { node?: string }) => h.node)).toEqual(['n2', 'n3']);
    // Monitors ran on every node and wrote their CSV; each step has its own log.
    for (const [node, role] of [
      ['n1', 'server'],
      ['n2', 'client'],
      ['n3', 'client'],
    ]) {
      const csv = readFileSync(join(resultsDir, 'monitor', `${node}-${role}.csv`), 'utf8');
      expect(csv.split('\n')[0]).toMatch(/^timestamp,/);
      expect(stepLog(resultsDir, `monitor-${node}.err`)).toContain(`node ${node}`);
    }
    expect(stepLog(resultsDir, 'executor-n2.out')).toContain('listening');
    const steps = JSON.parse(readFileSync(join(resultsDir, 'slurm', 'steps.json'), 'utf8'));
    expect(steps.status).toBe(0);
    expect(steps.steps.map((s: { name: string }) => s.name).sort()).toEqual(
      ['executor-n2', 'executor-n3', 'monitor-n1', 'monitor-n2', 'monitor-n3', 'server-n1'].sort(),
    );
    // Monitors and executors got TERM through Slurm (scancel --signal=TERM), not a cancelled step's KILL
    // (137): 0 once their handler runs, 143 if TERM came while the process was still starting.
    for (const s of steps.steps.filter((x: { name: string }) => !x.name.startsWith('server-'))) {
      expect([0, 143], `${s.name} exit ${s.exit}`).toContain(s.exit);
    }
    await rm(resultsDir, { recursive: true, force: true });
  }, 300_000);

  it('on cancel, TERM reaches hpcbench in the job, which stops and records every step', async () => {
    const { resultsDir, jobId } = await submitProbe(true);
    const probeFile = join(resultsDir, 'probe.json');
    const deadline = Date.now() + 240_000;
    while (!existsSync(probeFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(probeFile)).toBe(true);
    const r = await cancelJob(jobId, 60);
    expect(r.before).toBe('RUNNING');
    expect(r.forced).toBe(false);
    expect(existsSync(join(resultsDir, 'probe-interrupted.json'))).toBe(true);
    const steps = JSON.parse(readFileSync(join(resultsDir, 'slurm', 'steps.json'), 'utf8'));
    expect(steps.status).toBe(130);
    for (const s of steps.steps) expect(s.exit, `${s.name} still running at the end`).not.toBeUndefined();
    const out = readFileSync(join(resultsDir, 'slurm', `job-${jobId}.out`), 'utf8');
    expect(out).toContain('received SIGTERM');
    await rm(resultsDir, { recursive: true, force: true });
  }, 300_000);
});
