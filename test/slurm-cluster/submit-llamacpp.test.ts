/**
 * The second CI Slurm run: a real llama.cpp `llama-server` (built by .ci/build-llama.sh, tiny random
 * model, CPU, one thread) started by the Slurm launcher's own llama.cpp launch command on n1, load from
 * executors on n2 and n3, through `hpcbench submit --wait`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { llamaPaths, requireLlama } from '../helpers/llama-server.js';
import { jobServerPort, requireCluster } from './cluster.js';

const ok = requireCluster() && requireLlama();

describe.runIf(ok)('hpcbench submit with llama.cpp on the CI Slurm cluster', () => {
  it('serves the tiny model from n1 and measures it from n2 and n3', async () => {
    const { bin, model } = llamaPaths();
    const base = await mkdtemp(join(tmpdir(), 'hb-slurm-llama-'));
    const recipe = join(base, 'recipe.yaml');
    writeFileSync(
      recipe,
      `scenario: slurm-ci-llamacpp
partition: debug
account: ci
orchestration:
  mode: slurm
  node_allocation: { servers: { nodes: 1 }, clients: { nodes: 2 } }
  job_config: { time_limit: "00:05:00", exclusive: true }
resources:
  servers: { gpus: 0, cpus_per_task: 1, mem_gb: 1 }
  clients: { gpus: 0, cpus_per_task: 1, mem_gb: 1 }
workload:
  component: inference
  service: llamacpp
  model: tiny
  duration: 5s
  warmup: 1s
  clients_per_node: 1
  prompt_len: 32
  gen_tokens: 16
servers:
  health_check: { timeout: 60, interval: 1 }
  service_config: { binary: ${JSON.stringify(bin)}, model_path: ${JSON.stringify(model)}, threads: 1, alias: tiny, ctx_size: 2048 }
artifacts: { container: none }
monitoring: { enabled: false }
`,
    );
    const dir = join(base, 'run');
    const env = { HPCBENCH_SERVER_PORT: await jobServerPort() };
    const r = await runCli(['submit', recipe, '--wait', '--results-dir', dir, '--interval', '1'], {
      timeout: 290_000,
      env,
    });
    expect(r.exitCode, String(r.all)).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'slurm', 'plan.json'), 'utf8'));
    const server = plan.steps.find((s: { kind: string }) => s.kind === 'server');
    expect(server.node).toBe('n1');
    expect(server.argv.slice(0, 3)).toEqual([bin, '-m', model]);
    expect(server.argv).toContain('--metrics');
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run.status).toBe('completed');
    // llama-server's own log is the server step's log.
    expect(
      readFileSync(join(dir, 'logs', 'server-n1.err'), 'utf8') +
        readFileSync(join(dir, 'logs', 'server-n1.out'), 'utf8'),
    ).toMatch(/llama|server listening/i);
    const bench = readdirSync(join(dir, 'benchmarks'))[0];
    const summary = JSON.parse(readFileSync(join(dir, 'benchmarks', bench, 'summary.json'), 'utf8'));
    expect(summary.requests.ok).toBeGreaterThan(0);
    // A few requests can meet a connection llama-server (cpp-httplib) has just closed after its
    // keep-alive limit (UND_ERR_SOCKET); the launcher's part is that nearly all of them succeed.
    expect(summary.requests.failed).toBeLessThan(summary.requests.ok / 5);
    expect(summary.tokens.output).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'summary.md'))).toBe(true);
    await rm(base, { recursive: true, force: true });
  }, 300_000);
});
