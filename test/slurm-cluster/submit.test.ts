/**
 * `hpcbench submit --wait` and `hpcbench cancel` on the CI Slurm cluster (3 emulated nodes): the simulated
 * service on one node, load from executors on the two others, the whole run inside one Slurm job.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { jobServerPort, requireCluster, waitForJob } from './cluster.js';

const ok = requireCluster();
const FIXTURE = new URL('../slurm/fixtures/dummy-ci.yaml', import.meta.url);

async function recipeWith(
  duration: string,
  timeLimit = '00:05:00',
): Promise<{ dir: string; recipe: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hb-slurm-run-'));
  const recipe = join(dir, 'recipe.yaml');
  const text = readFileSync(FIXTURE, 'utf8').replace('duration: 4s', `duration: ${duration}`);
  writeFileSync(recipe, text.replace('time_limit: "00:05:00"', `time_limit: "${timeLimit}"`));
  return { dir: join(dir, 'run'), recipe };
}

/** The simulated server's port (sbatch passes the environment on to the job). */
async function portEnv() {
  return { HPCBENCH_SERVER_PORT: await jobServerPort() };
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** Every .json parses and every .jsonl line parses: the folder is readable. */
function assertReadable(dir: string) {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    if (file.endsWith('.json')) expect(() => json(file), file).not.toThrow();
    if (file.endsWith('.jsonl')) {
      for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        expect(() => JSON.parse(line), `${file}: ${line.slice(0, 80)}`).not.toThrow();
      }
    }
  }
}

describe.runIf(ok)('hpcbench submit on the CI Slurm cluster', () => {
  it('submit --wait runs the simulated service on n1 with load from n2 and n3 to completion', async () => {
    const { dir, recipe } = await recipeWith('4s');
    // a dataset named relative to the recipe's folder (the job reads a copy of the recipe in run/slurm/)
    writeFileSync(join(dir, '..', 'prompts.jsonl'), '{"prompt": "one two three", "max_tokens": 3}\n');
    writeFileSync(
      recipe,
      readFileSync(recipe, 'utf8').replace('  warmup: 1s', '  warmup: 1s\n  dataset: prompts.jsonl'),
    );
    const r = await runCli(['submit', recipe, '--wait', '--results-dir', dir, '--interval', '1'], {
      timeout: 240_000,
    });
    expect(r.exitCode, String(r.all)).toBe(0);
    const jobId = String(r.stdout).split('\n')[0];
    expect(jobId).toMatch(/^\d+$/);
    // The plan and where things ran.
    const plan = json(join(dir, 'slurm', 'plan.json'));
    expect(plan.nodes).toEqual({ servers: ['n1'], clients: ['n2', 'n3'], monitors: [] });
    const run = json(join(dir, 'run.json'));
    expect(run.status).toBe('completed');
    expect(run.mode).toBe('slurm');
    expect(run.client_endpoints).toHaveLength(2);
    expect(new Set(run.client_endpoints).size).toBe(2);
    // Each executor's step log carries its node name ($SLURMD_NODENAME inside the step).
    expect(readFileSync(join(dir, 'logs', 'executor-n2.err'), 'utf8')).toContain('executor n2');
    expect(readFileSync(join(dir, 'logs', 'executor-n3.err'), 'utf8')).toContain('executor n3');
    expect(readFileSync(join(dir, 'logs', 'server-n1.out'), 'utf8').length).toBeGreaterThan(0);
    // The results folder is complete.
    for (const f of [
      'summary.json',
      'summary.md',
      'recipe.resolved.json',
      'slurm/steps.json',
      `slurm/job-${jobId}.out`,
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const benchDirs = readdirSync(join(dir, 'benchmarks'));
    expect(benchDirs.length).toBe(1);
    const metrics = json(join(dir, 'benchmarks', benchDirs[0], 'metrics.json'));
    expect(JSON.stringify(metrics)).toMatch(/n2/);
    const summary = json(join(dir, 'benchmarks', benchDirs[0], 'summary.json'));
    expect(summary.requests.ok).toBeGreaterThan(0);
    expect(summary.requests.failed).toBe(0);
    expect(summary.tokens.output / summary.requests.ok).toBe(3); // the dataset's max_tokens
    for (const csv of ['n1-server.csv', 'n2-client.csv', 'n3-client.csv'])
      expect(existsSync(join(dir, 'monitor', csv)), csv).toBe(true);
    assertReadable(dir);
    // Provenance: each of the three nodes described by its own monitor step, the job, the recipe digest.
    const p = run.provenance;
    expect(p.nodes.map((n: { node: string; roles: string[] }) => [n.node, n.roles])).toEqual([
      ['n1', ['server']],
      ['n2', ['client']],
      ['n3', ['client']],
    ]);
    for (const n of p.nodes) {
      expect(n.cpu.count, n.node).toBeGreaterThan(0);
      expect(n.memory_gib, n.node).toBeGreaterThan(0);
      expect(n.os.kernel, n.node).toBeTruthy();
      expect(n.gpus, n.node).toHaveProperty('count');
    }
    expect(p.slurm).toMatchObject({ job_id: jobId, partition: 'debug' });
    expect(p.slurm.node_list).toMatch(/^n/);
    const submitted = readFileSync(join(dir, 'slurm', 'recipe.yaml'));
    expect(p.recipe.sha256).toBe(createHash('sha256').update(submitted).digest('hex'));
    expect(p.servers[0].details.server).toBe('hpcbench-simulator');
    // Every step was stopped.
    const steps = json(join(dir, 'slurm', 'steps.json'));
    for (const s of steps.steps) expect(s.exit, s.name).not.toBeUndefined();
    const final = await waitForJob(jobId, 30_000);
    expect(final.state).toBe('COMPLETED');
    await rm(join(dir, '..'), { recursive: true, force: true });
  }, 300_000);

  it('a job cancelled mid-run leaves partial, readable results', async () => {
    const { dir, recipe } = await recipeWith('120s');
    const r = await runCli(['submit', recipe, '--results-dir', dir], { env: await portEnv() });
    expect(r.exitCode, String(r.all)).toBe(0);
    const jobId = String(r.stdout).trim();
    const out = join(dir, 'slurm', `job-${jobId}.out`);
    const deadline = Date.now() + 240_000;
    while (
      Date.now() < deadline &&
      !(existsSync(out) && /benchmark \S+: \d+s/.test(readFileSync(out, 'utf8')))
    )
      await sleep(500);
    expect(readFileSync(out, 'utf8')).toMatch(/benchmark \S+: \d+s/);
    const c = await runCli(['cancel', dir, '--grace', '60'], { timeout: 90_000 });
    expect(c.exitCode, String(c.all)).toBe(0);
    expect(c.stdout).toMatch(new RegExp(`job ${jobId}: RUNNING -> `));
    expect(c.stdout).not.toContain('killed after the grace period');
    const final = await waitForJob(jobId, 30_000);
    expect(['COMPLETED', 'FAILED', 'CANCELLED']).toContain(final.state);
    const run = json(join(dir, 'run.json'));
    expect(run.status).toBe('interrupted');
    assertReadable(dir);
    const steps = json(join(dir, 'slurm', 'steps.json'));
    for (const s of steps.steps) expect(s.exit, s.name).not.toBeUndefined();
    await rm(join(dir, '..'), { recursive: true, force: true });
  }, 300_000);

  it('a job that reaches its time limit gets TERM first (--signal) and writes its results', async () => {
    // A three-minute job for a five-minute benchmark: Slurm sends TERM to the batch shell 45 s (a quarter
    // of the limit) or up to 60 s earlier than that before the end, i.e. 75-135 s after the start, well
    // after the ~30 s startup; hpcbench stops the workload and writes what it has.
    const { dir, recipe } = await recipeWith('5m', '00:03:00');
    const r = await runCli(['submit', recipe, '--wait', '--results-dir', dir, '--interval', '1'], {
      timeout: 290_000,
      env: await portEnv(),
    });
    const jobId = String(r.stdout).split('\n')[0];
    const out = readFileSync(join(dir, 'slurm', `job-${jobId}.out`), 'utf8');
    expect(out).toContain('received SIGTERM');
    expect(readFileSync(join(dir, 'slurm', 'job.sbatch'), 'utf8')).toContain('#SBATCH --signal=B:TERM@45');
    const run = json(join(dir, 'run.json'));
    expect(run.status).toBe('interrupted');
    expect(out).toMatch(/benchmark \S+: \d+s/);
    expect(r.exitCode).not.toBe(0);
    assertReadable(dir);
    const steps = json(join(dir, 'slurm', 'steps.json'));
    for (const s of steps.steps) expect(s.exit, s.name).not.toBeUndefined();
    await rm(join(dir, '..'), { recursive: true, force: true });
  }, 300_000);
});
