import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RayClusterManager, type RayRunner } from '../../src/launch/ray/ray-cluster-manager.js';
import { rayHeadArgv, rayWorkerArgv } from '../../src/launch/ray/ray-commands.js';
import { parseRayStatus, rayReadiness } from '../../src/launch/ray/ray-status.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/ray/${name}.txt`, import.meta.url), 'utf8');

describe('ray status parsing', () => {
  it('reads nodes, CPUs and GPUs of a ready two-node cluster', () => {
    expect(parseRayStatus(fixture('ready-2x4'))).toEqual({
      activeNodes: 2,
      pendingNodes: 0,
      cpusTotal: 64,
      gpusTotal: 8,
      gpusUsed: 0,
    });
    expect(rayReadiness(fixture('ready-2x4'), { nodes: 2, gpus: 8 })).toEqual({
      ready: true,
      reason: '2 nodes, 8 GPUs',
    });
  });
  it('is not ready with only the head', () => {
    expect(rayReadiness(fixture('head-only'), { nodes: 2, gpus: 8 })).toEqual({
      ready: false,
      reason: '1/2 nodes active',
    });
  });
  it('is not ready while GPUs are missing', () => {
    expect(rayReadiness(fixture('gpus-missing'), { nodes: 2, gpus: 8 })).toEqual({
      ready: false,
      reason: '4/8 GPUs registered',
    });
  });
  it('counts grouped nodes and pending nodes (Ray 2.9+ format)', () => {
    const s = parseRayStatus(fixture('busy-3-nodes'));
    expect(s).toMatchObject({ activeNodes: 3, pendingNodes: 1, cpusTotal: 96, gpusTotal: 12, gpusUsed: 12 });
    expect(rayReadiness(fixture('busy-3-nodes'), { nodes: 4, gpus: 16 }).ready).toBe(false);
    expect(rayReadiness(fixture('busy-3-nodes'), { nodes: 3, gpus: 12 }).ready).toBe(true);
  });
  it('is not ready when no cluster answers, and says why', () => {
    expect(parseRayStatus(fixture('no-cluster'))).toBeUndefined();
    const r = rayReadiness(fixture('no-cluster'), { nodes: 1, gpus: 0 });
    expect(r.ready).toBe(false);
    expect(r.reason).toContain('Could not find any running Ray instance');
  });
});

describe('ray commands', () => {
  it('renders head and worker start lines with ports and per-node resources', () => {
    expect(
      rayHeadArgv({ nodeIp: '10.0.0.1', numCpus: 8, numGpus: 4, port: 6380, dashboardPort: 8265 }),
    ).toEqual([
      'ray',
      'start',
      '--head',
      '--node-ip-address=10.0.0.1',
      '--port=6380',
      '--num-cpus=8',
      '--num-gpus=4',
      '--dashboard-host=0.0.0.0',
      '--dashboard-port=8265',
      '--block',
    ]);
    expect(
      rayWorkerArgv('10.0.0.1:6380', { nodeIp: '10.0.0.2', numCpus: 8, numGpus: 4, nodeManagerPort: 8077 }),
    ).toEqual([
      'ray',
      'start',
      '--address=10.0.0.1:6380',
      '--node-ip-address=10.0.0.2',
      '--num-cpus=8',
      '--num-gpus=4',
      '--node-manager-port=8077',
      '--block',
    ]);
  });
});

describe('RayClusterManager', () => {
  /** A runner that replays `ray status` outputs in order (Ray itself cannot run here). */
  function scripted(outputs: string[]) {
    const started: { node: string; argv: string[] }[] = [];
    const runner: RayRunner = {
      async start(node, argv) {
        started.push({ node, argv });
      },
      async exec() {
        const out = outputs.length > 1 ? outputs.shift()! : outputs[0];
        return out.includes('Node status')
          ? { stdout: out, stderr: '', exitCode: 0 }
          : { stdout: '', stderr: out, exitCode: 1 };
      },
    };
    return { runner, started };
  }
  const base = {
    head: { node: 'n1', ip: '10.0.0.1' },
    workers: [{ node: 'n2', ip: '10.0.0.2' }],
    numCpusPerNode: 32,
    numGpusPerNode: 4,
    interval: 0.01,
  };

  it('starts the head, joins workers and waits on ray status until every node and GPU is there', async () => {
    const { runner, started } = scripted([
      fixture('no-cluster'),
      fixture('head-only'),
      fixture('head-only'),
      fixture('gpus-missing'),
      fixture('ready-2x4'),
    ]);
    const m = new RayClusterManager({ ...base, runner, timeout: 10 });
    expect(await m.startHeadNode()).toBe(true);
    expect(m.getHeadIp()).toBe('10.0.0.1');
    expect(await m.connectWorker(m.headAddress())).toBe(true);
    await m.waitUntilReady();
    expect(started.map((s) => s.node)).toEqual(['n1', 'n2']);
    expect(started[1].argv).toContain('--address=10.0.0.1:6379');
  });

  it('gives E007 with the reason when the cluster never completes', async () => {
    const { runner } = scripted([fixture('head-only')]);
    const m = new RayClusterManager({ ...base, runner, timeout: 0.05 });
    await m.startHeadNode();
    await m.connectWorker(m.headAddress());
    await expect(m.waitUntilReady()).rejects.toMatchObject({
      code: 'E007',
      message: expect.stringContaining('1/2 nodes active'),
    });
  });
});
