/**
 * Provenance of every node with monitoring off, on the CI Slurm cluster (3 emulated nodes): each node's
 * probe step (`hpcbench probe-host`) describes its own node before the servers start, so run.json lists
 * n1 (server), n2 and n3 (clients) with CPU, memory, GPUs (the step's Slurm GPUs) and OS; no monitor ran.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { jobServerPort, requireCluster, waitForJob } from './cluster.js';

const ok = requireCluster();
const FIXTURE = new URL('../slurm/fixtures/dummy-ci.yaml', import.meta.url);
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe.runIf(ok)('provenance on the CI Slurm cluster with monitoring off', () => {
  it('a probe step per node describes n1, n2 and n3 in run.json', async () => {
    const base = await mkdtemp(join(tmpdir(), 'hb-slurm-prov-'));
    const dir = join(base, 'run');
    const recipe = join(base, 'recipe.yaml');
    const text = readFileSync(FIXTURE, 'utf8')
      .replace('monitoring: { enabled: true }', 'monitoring: { enabled: false }')
      .replace('duration: 4s', 'duration: 2s');
    expect(text).toContain('monitoring: { enabled: false }');
    writeFileSync(recipe, text);
    const r = await runCli(['submit', recipe, '--wait', '--results-dir', dir, '--interval', '1'], {
      timeout: 240_000,
      env: { HPCBENCH_SERVER_PORT: await jobServerPort() },
    });
    expect(r.exitCode, String(r.all)).toBe(0);
    const jobId = String(r.stdout).split('\n')[0];
    const run = json(join(dir, 'run.json'));
    expect(run.status).toBe('completed');
    // no monitor step ran (no CSV); each node's description is in monitor/
    const files = readdirSync(join(dir, 'monitor')).sort();
    expect(files.filter((f) => f.endsWith('.csv'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.host.json'))).toEqual([
      'n1-server.host.json',
      'n2-client.host.json',
      'n3-client.host.json',
    ]);
    const steps = json(join(dir, 'slurm', 'steps.json')).steps as { name: string; exit: unknown }[];
    expect(steps.filter((s) => s.name.startsWith('monitor-'))).toEqual([]);
    expect(steps.filter((s) => s.name.startsWith('probe-'))).toEqual([
      { name: 'probe-n1', node: 'n1', exit: 0 },
      { name: 'probe-n2', node: 'n2', exit: 0 },
      { name: 'probe-n3', node: 'n3', exit: 0 },
    ]);
    expect(existsSync(join(dir, 'logs', 'probe-n2.err'))).toBe(true);
    const p = run.provenance;
    expect(p.notes ?? []).toEqual([]);
    expect(p.nodes.map((n: { node: string; roles: string[] }) => [n.node, n.roles])).toEqual([
      ['n1', ['server']],
      ['n2', ['client']],
      ['n3', ['client']],
    ]);
    for (const n of p.nodes) {
      expect(n.hostname, n.node).toBeTruthy();
      expect(n.cpu.count, n.node).toBeGreaterThan(0);
      expect(n.memory_gib, n.node).toBeGreaterThan(0);
      expect(n.os.kernel, n.node).toBeTruthy();
      expect(n.gpus, n.node).toHaveProperty('count');
    }
    // the server's probe ran with the server role's GPU (resources.servers.gpus: 1), the clients' without
    expect(p.nodes[0].gpus.slurm_gpus).toBe('0');
    expect(p.nodes[1].gpus.slurm_gpus).toBeUndefined();
    expect(p.slurm).toMatchObject({ job_id: jobId, partition: 'debug' });
    expect((await waitForJob(jobId, 30_000)).state).toBe('COMPLETED');
    await rm(base, { recursive: true, force: true });
  }, 300_000);
});
