/**
 * `distribution_strategy: static` + `target_mapping` in a real local run: two simulated servers started by
 * the test (so their ground truth outlives the run), two executors, a crossed mapping (client-1 → server-2
 * by node name, client-2 → server-1 by URL). Each simulator's own record of the requests it served
 * (GET /hpcbench/requests, `client_request_id` = the executor's record id `<node>-<seq>`) must show only
 * its mapped executor. On the CI Slurm cluster (.ci/slurm-up.sh; skipped without it unless CI=true): the
 * mapping by hostname, resolved inside the job, decides which server node gets the load.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobServerPort, requireCluster } from '../slurm-cluster/cluster.js';
import { hasStackTrace, onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

function staticRecipe(name: string, endpoints: string[], target_mapping: unknown) {
  return recipe(
    name,
    { duration: '2s', warmup: '0s', clients_per_node: 2 },
    {
      orchestration: {
        mode: 'local',
        node_allocation: {
          servers: { nodes: 2 },
          clients: { nodes: 2, distribution_strategy: 'static', target_mapping },
        },
      },
      servers: { endpoints, health_check: { timeout: 20, interval: 0.2 } },
    },
  );
}

async function servedBy(url: string): Promise<string[]> {
  const res = await fetch(`${url}/hpcbench/requests`);
  const body = (await res.json()) as { requests: { client_request_id: string | null }[] };
  return body.requests.map((r) => String(r.client_request_id));
}

const executorOf = (id: string) => id.replace(/-\d+$/, '');

describe('static distribution with target_mapping', () => {
  it('sends each executor only to its mapped server (crossed mapping, node name and URL)', async () => {
    const [s1, s2] = await Promise.all([box.startSim('sim1'), box.startSim('sim2')]);
    const file = await box.writeRecipe(
      'static.yaml',
      staticRecipe(
        'static',
        [s1.url, s2.url],
        [
          { client_group: 'client-1', server_endpoints: ['server-2'] },
          { client_group: 'client-2', server_endpoints: [s1.url] },
        ],
      ),
    );
    const res = await runCli(['run', file, '--quiet', '--results-dir', box.path('r-static')], {
      timeout: 180_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    const [on1, on2] = await Promise.all([servedBy(s1.url), servedBy(s2.url)]);
    expect(on1.length).toBeGreaterThan(0);
    expect(on2.length).toBeGreaterThan(0);
    expect(new Set(on1.map(executorOf))).toEqual(new Set(['client-2']));
    expect(new Set(on2.map(executorOf))).toEqual(new Set(['client-1']));
    const runJson = await readJson(join(await onlyRunDir(box.path('r-static')), 'run.json'));
    expect(runJson.target_mapping.map((m: { executor: string; server_urls: string[] }) => m)).toMatchObject([
      { executor: 'client-1', server_urls: [s2.url] },
      { executor: 'client-2', server_urls: [s1.url] },
    ]);
  }, 240_000);

  it('an executor in no client_group is E006 before anything starts (no results folder)', async () => {
    const s1 = await box.startSim('sim3');
    const file = await box.writeRecipe(
      'partial.yaml',
      staticRecipe('partial', [s1.url], [{ client_group: 'client-1', server_endpoints: ['server-1'] }]),
    );
    const res = await runCli(['run', file, '--quiet', '--results-dir', box.path('r-partial')], {
      timeout: 180_000,
    });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(
      /^E006: .*partial\.yaml: orchestration\.node_allocation\.clients\.target_mapping: executor client-2 is in no client_group \(groups: "client-1"\)/m,
    );
    expect(hasStackTrace(res.all)).toBe(false);
    expect(await servedBy(s1.url)).toEqual([]);
    await expect(readdir(box.path('r-partial'))).rejects.toThrow();
  }, 240_000);
});

describe.runIf(requireCluster())('static distribution with target_mapping in a Slurm job', () => {
  it('maps the executor on n3 to the server on n2 by hostname (n1 gets nothing)', async () => {
    const file = await box.writeRecipe('slurm-static.yaml', {
      scenario: 'slurm-static',
      partition: 'debug',
      account: 'ci',
      orchestration: {
        mode: 'slurm',
        total_nodes: 3,
        node_allocation: {
          servers: { nodes: 2 },
          clients: {
            nodes: 1,
            distribution_strategy: 'static',
            target_mapping: [{ client_group: 'n3', server_endpoints: ['n2'] }],
          },
        },
        job_config: { time_limit: '00:05:00', exclusive: true },
      },
      resources: {
        servers: { gpus: 0, cpus_per_task: 1, mem_gb: 1 },
        clients: { gpus: 0, cpus_per_task: 1, mem_gb: 1 },
      },
      workload: {
        component: 'inference',
        service: 'dummy',
        model: 'dummy-model',
        duration: '3s',
        warmup: '0s',
        clients_per_node: 2,
      },
    });
    const dir = box.path('r-slurm');
    const res = await runCli(['submit', file, '--wait', '--results-dir', dir, '--interval', '1'], {
      timeout: 240_000,
      env: { HPCBENCH_SERVER_PORT: await jobServerPort(2) },
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await readJson(join(dir, 'run.json'));
    expect(run).toMatchObject({ status: 'completed', server_nodes: ['n1', 'n2'], client_nodes: ['n3'] });
    const n2 = run.server_endpoints[1];
    const metrics = await readJson(join(dir, 'benchmarks', run.benchmarks[0].name, 'metrics.json'));
    expect(metrics.aggregate.total_requests).toBeGreaterThan(0);
    const tokens = Object.fromEntries(
      metrics.server_metrics.servers.map((s: { url: string; generation_tokens?: number }) => [
        s.url,
        s.generation_tokens ?? 0,
      ]),
    );
    expect(tokens[n2]).toBeGreaterThan(0);
    expect(tokens[run.server_endpoints[0]]).toBe(0);
    expect(run.target_mapping).toMatchObject([{ executor: 'n3', server_urls: [n2] }]);
  }, 300_000);
});
