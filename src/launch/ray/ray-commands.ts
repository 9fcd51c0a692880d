/**
 * The Ray cluster behind multi-node vLLM, as commands: the head on the first server node
 * (`ray start --head` with the recipe's ports and per-node CPUs/GPUs), a worker on every other server
 * node (`--address HEAD:PORT`). `--block` keeps each `ray start` in the foreground so it lives exactly as
 * long as its srun step. Pure functions; `RayClusterManager` runs them.
 */
import type { DistributedConfig } from '../../services/base/types.js';

export const RAY_DEFAULT_PORT = 6379;

export interface RayNodeOptions {
  nodeIp: string;
  numCpus: number;
  numGpus: number;
  objectManagerPort?: number;
  nodeManagerPort?: number;
}

export interface RayHeadOptions extends RayNodeOptions {
  port?: number;
  dashboardPort?: number;
}

export function rayHeadArgv(o: RayHeadOptions, ray = 'ray'): string[] {
  const argv = [
    ray,
    'start',
    '--head',
    `--node-ip-address=${o.nodeIp}`,
    `--port=${o.port ?? RAY_DEFAULT_PORT}`,
  ];
  argv.push(...resourceFlags(o));
  argv.push('--dashboard-host=0.0.0.0');
  if (o.dashboardPort !== undefined) argv.push(`--dashboard-port=${o.dashboardPort}`);
  argv.push('--block');
  return argv;
}

export function rayWorkerArgv(headAddress: string, o: RayNodeOptions, ray = 'ray'): string[] {
  return [
    ray,
    'start',
    `--address=${headAddress}`,
    `--node-ip-address=${o.nodeIp}`,
    ...resourceFlags(o),
    '--block',
  ];
}

function resourceFlags(o: RayNodeOptions): string[] {
  const f = [`--num-cpus=${o.numCpus}`, `--num-gpus=${o.numGpus}`];
  if (o.objectManagerPort !== undefined) f.push(`--object-manager-port=${o.objectManagerPort}`);
  if (o.nodeManagerPort !== undefined) f.push(`--node-manager-port=${o.nodeManagerPort}`);
  return f;
}

export interface RayPlan {
  headAddress: string;
  head: string[];
  workers: string[][];
  expect: { nodes: number; gpus: number };
}

/** Head + workers for the given server node addresses (first = head). */
export function rayPlan(
  addresses: string[],
  dist: DistributedConfig,
  perNode: { cpus: number; gpus: number },
): RayPlan {
  const r = dist.ray ?? {};
  const port = r.port ?? RAY_DEFAULT_PORT;
  const numCpus = r.num_cpus_per_node ?? perNode.cpus;
  const numGpus = r.num_gpus_per_node ?? perNode.gpus;
  const common = {
    numCpus,
    numGpus,
    objectManagerPort: r.object_manager_port,
    nodeManagerPort: r.node_manager_port,
  };
  const headAddress = `${addresses[0]}:${port}`;
  return {
    headAddress,
    head: rayHeadArgv({ ...common, nodeIp: addresses[0], port, dashboardPort: r.dashboard_port }),
    workers: addresses.slice(1).map((ip) => rayWorkerArgv(headAddress, { ...common, nodeIp: ip })),
    expect: { nodes: addresses.length, gpus: numGpus * addresses.length },
  };
}
