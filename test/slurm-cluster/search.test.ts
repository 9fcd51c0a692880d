/**
 * A capacity search as a Slurm job on the CI cluster (3 emulated nodes): `hpcbench submit --wait` of a
 * search recipe against the simulated service of known capacity (batch limit B = 8, service time S = 20
 * decode steps of 20 ms: B/S = 20 requests/s) on n1, load from n2 and n3; the orchestrator chooses each
 * probe inside the job and the answer lands in the results folder.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { jobServerPort, requireCluster, waitForJob } from './cluster.js';

const ok = requireCluster();
const FIXTURE = new URL('../slurm/fixtures/dummy-ci.yaml', import.meta.url);
const CAPACITY = 20;
const PRECISION = 0.1;

describe.runIf(ok)('a capacity search as a Slurm job', () => {
  it('submit --wait finds the simulator’s capacity within the stated precision', async () => {
    const base = await mkdtemp(join(tmpdir(), 'hb-slurm-search-'));
    const dir = join(base, 'run');
    const recipe = parse(readFileSync(FIXTURE, 'utf8'));
    recipe.scenario = 'slurm-ci-search';
    delete recipe.workload.clients_per_node;
    recipe.monitoring = { enabled: false };
    Object.assign(recipe.workload, {
      duration: '3s',
      warmup: '0.5s',
      prompt_len: 8,
      gen_tokens: 21,
      search: { start: 10, max: 80, precision: PRECISION, slo: ['e2e.p99 < 600ms', 'error_rate < 1%'] },
    });
    recipe.servers = {
      service_config: {
        max_num_seqs: 8,
        decode_step_ms: 20,
        decode_batch_factor: 0,
        prefill_base_ms: 0,
        prefill_ms_per_token: 0,
        load_ms: 0,
      },
    };
    const file = join(base, 'search.yaml');
    writeFileSync(file, stringify(recipe));
    const r = await runCli(['submit', file, '--wait', '--results-dir', dir, '--interval', '1'], {
      timeout: 290_000,
      env: { HPCBENCH_SERVER_PORT: await jobServerPort() },
    });
    expect(r.exitCode, String(r.all)).toBe(0);
    const jobId = String(r.stdout).split('\n')[0];
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('completed');
    const s = summary.search;
    expect(s, JSON.stringify(summary.benchmarks.map((b: { name: string }) => b.name))).toMatchObject({
      field: 'target_rps',
      status: 'found',
    });
    expect(s.bracket.high / s.bracket.low).toBeLessThanOrEqual(1 + PRECISION + 1e-9);
    expect(Math.abs(s.capacity - CAPACITY) / CAPACITY).toBeLessThanOrEqual(PRECISION + 0.05);
    // every probe ran across both client nodes, as a benchmark of the job's results folder
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run.mode).toBe('slurm');
    expect(run.client_endpoints).toHaveLength(2);
    expect(run.benchmarks.map((b: { name: string }) => b.name)).toEqual(
      s.probes.map((p: { benchmark: string }) => p.benchmark),
    );
    const answer = JSON.parse(
      readFileSync(join(dir, 'benchmarks', `search_target_rps_${s.capacity}`, 'summary.json'), 'utf8'),
    );
    expect(answer.probe.verdict).toBe('pass');
    expect(answer.load_generator.valid).toBe(true);
    // the job's output file has the probes and the answer
    const out = readFileSync(join(dir, 'slurm', `job-${jobId}.out`), 'utf8');
    expect(out).toContain(s.text);
    expect((await waitForJob(jobId, 30_000)).state).toBe('COMPLETED');
    await rm(base, { recursive: true, force: true });
  }, 300_000);
});
