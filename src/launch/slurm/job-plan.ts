/**
 * What runs where inside the allocation: a pure function of the recipe, the job's nodes and their
 * addresses. Every component is one step on one node with its own port, its role's resources and its
 * own log files. Ports: emulated nodes on one machine share a network stack, so every component gets a
 * distinct port: server i listens on base + i, executors pick a free port and report it in their ready
 * file (the rendezvous); on a real cluster that costs nothing.
 */

import type { LogSource } from '../../logs/types.js';
import { monitorCsvPath } from '../../monitor/run-monitoring.js';
import { datasetFolders } from '../../recipe/index.js';
import { ServiceFactory } from '../../services/factory.js';
import { parseDuration } from '../../util/duration.js';
import { defaultServicePort, serverLaunchCommand, vllmDistributed } from '../commands/index.js';
import { recipeEnv } from '../commands/types.js';
import { apptainerExecArgv, containerFor } from '../containers.js';
import { type RayPlan, rayPlan } from '../ray/ray-commands.js';
import { type NodePlan, planNodes } from './node-plan.js';
import type { SlurmRecipe } from './recipe-view.js';
import { roleResources } from './resources.js';

export type StepKind = 'probe' | 'server' | 'executor' | 'monitor' | 'ray-head' | 'ray-worker';

export interface StepPlan {
  /** Unique: `<kind>-<node>`; also the srun job name and the log file stem. */
  name: string;
  kind: StepKind;
  node: string;
  /** The node's address as Slurm knows it (NodeAddr). */
  address: string;
  port?: number;
  cpus: number;
  gpus: number;
  memMb: number;
  argv: string[];
  env: Record<string, string>;
  stdout: string;
  stderr: string;
  /**
   * A file whose content means the step is ready: executors write their real address here when they
   * listen; a monitor's CSV gets its header once sampling has started.
   */
  readyFile?: string;
}

export interface JobPlan {
  nodes: NodePlan;
  /**
   * Started first, in this order; each group waits for the previous one (host probes — with monitoring
   * off — run to their end; then monitors, Ray, servers, executors).
   */
  steps: StepPlan[];
  /** host:port the orchestrator checks and sends load to (the Ray head only for distributed vLLM). */
  serverEndpoints: string[];
  healthPath: string;
  ray?: RayPlan;
}

export interface JobPlanOptions {
  resultsDir: string;
  /** Folder relative dataset paths resolve against (the submitted recipe's); default the current folder. */
  datasetBaseDir?: string;
  /** argv prefix that runs hpcbench on a compute node. */
  self: string[];
  /** NodeAddr per node name (default: the name itself). */
  addresses?: Record<string, string>;
  /** First executor port (executor j: + j). Default 0: every executor picks a free port and reports it in its ready file. */
  executorPort?: number;
  /** First server port (server i: + i). Default `servers.port`, else the service's port. */
  serverPort?: number;
  /** Monitor sampling interval, seconds (default `monitoring.interval`, else 5). */
  monitorInterval?: number;
  /** Pushgateway (default `monitoring.pushgateway`). */
  pushgateway?: string;
  /** Run label for monitors (Pushgateway grouping). */
  runId?: string;
  file?: string;
}

export function planJob(recipe: SlurmRecipe, nodeNames: string[], o: JobPlanOptions): JobPlan {
  const nodes = planNodes(nodeNames, recipe, o.file);
  const addr = (n: string) => o.addresses?.[n] ?? n;
  const log = (name: string, ext: string) => `${o.resultsDir}/logs/${name}.${ext}`;
  const step = (
    kind: StepKind,
    node: string,
    rest: Omit<StepPlan, 'name' | 'kind' | 'node' | 'address' | 'stdout' | 'stderr'>,
  ): StepPlan => {
    const name = `${kind}-${node}`;
    return {
      name,
      kind,
      node,
      address: addr(node),
      stdout: log(name, 'out'),
      stderr: log(name, 'err'),
      ...rest,
    };
  };
  const steps: StepPlan[] = [];
  const service = recipe.workload.service;

  const interval = o.monitorInterval ?? parseDuration(recipe.monitoring?.interval) ?? 5;
  const pushgateway = pushgatewayUrl(o.pushgateway ?? recipe.monitoring?.pushgateway);
  const roleOf = (n: string) =>
    nodes.servers.includes(n) ? 'server' : nodes.clients.includes(n) ? 'client' : 'monitor';
  // A monitor or probe shares its node's GPUs (srun --overlap) so that nvidia-smi sees them under device cgroups.
  const gpusOf = (n: string) =>
    roleResources(recipe, `${roleOf(n)}s` as 'servers' | 'clients' | 'monitors').gpus;
  // Each node describes itself (CPU, GPUs, driver, OS) for run.json's provenance, beside its monitor CSV.
  const hostFile = (n: string) => monitorCsvPath(o.resultsDir, n, roleOf(n)).replace(/\.csv$/, '.host.json');
  const allNodes = [...nodes.servers, ...nodes.clients, ...nodes.monitors];
  if (!(recipe.monitoring?.enabled ?? true)) {
    // Monitoring off: a short step per node writes the node's description and exits.
    for (const node of allNodes) {
      const file = hostFile(node);
      const argv = [...o.self, 'probe-host', '--output', file, '--node', node, '--role', roleOf(node)];
      const size = { cpus: 1, memMb: 256, gpus: gpusOf(node) };
      steps.push(step('probe', node, { ...size, argv, env: {}, readyFile: file }));
    }
  } else {
    // On a monitor node the monitor is the only step: it gets resources.monitors (default 4 CPUs, 8 GB);
    // beside a server or executor it takes a small share of that node's allocation.
    const monitorNode = roleResources(recipe, 'monitors');
    const sizeOf = (n: string) =>
      roleOf(n) === 'monitor'
        ? { cpus: monitorNode.cpus, memMb: monitorNode.memGb * 1024 }
        : { cpus: 1, memMb: 256 };
    for (const node of allNodes) {
      const csv = monitorCsvPath(o.resultsDir, node, roleOf(node));
      const argv = [...o.self, 'monitor', '--output', csv, '--node', node];
      argv.push('--host-info', hostFile(node));
      argv.push('--role', roleOf(node), '--interval', String(interval));
      if (o.runId) argv.push('--run-id', o.runId);
      if (pushgateway) argv.push('--pushgateway', pushgateway);
      if (pushgateway && recipe.monitoring?.keep_pushgateway_groups) argv.push('--keep-groups');
      steps.push(
        step('monitor', node, { ...sizeOf(node), gpus: gpusOf(node), argv, env: {}, readyFile: csv }),
      );
    }
  }

  const server = roleResources(recipe, 'servers');
  const serverImage = containerFor(recipe, 'servers');
  const wrap = (argv: string[], env: Record<string, string>, gpus: number) =>
    serverImage
      ? {
          argv: apptainerExecArgv(serverImage.image, argv, { gpu: gpus > 0, binds: recipe.binds, env }),
          env: {},
        }
      : { argv, env };
  const basePort = o.serverPort ?? recipe.servers?.port ?? defaultServicePort(service);
  const cfg = recipe.servers?.service_config ?? {};
  let ray: RayPlan | undefined;
  let serverNodes = nodes.servers;
  if (service === 'vllm' && vllmDistributed(cfg) && nodes.servers.length > 1) {
    ray = rayPlan(nodes.servers.map(addr), vllmDistributed(cfg)!, server);
    nodes.servers.forEach((node, i) => {
      const cmd = i === 0 ? ray!.head : ray!.workers[i - 1];
      // vLLM's workers find their node's address from VLLM_HOST_IP (several interfaces on HPC nodes).
      const w = wrap(cmd, { ...recipeEnv(recipe), VLLM_HOST_IP: addr(node) }, server.gpus);
      steps.push(step(i === 0 ? 'ray-head' : 'ray-worker', node, { ...resources(server), ...w }));
    });
    serverNodes = nodes.servers.slice(0, 1);
  }
  const serverEndpoints: string[] = [];
  const healthPath =
    recipe.servers?.health_check?.endpoint ?? ServiceFactory.getCapabilities(service).health_path;
  serverNodes.forEach((node, i) => {
    const port = basePort + i;
    const cmd = serverLaunchCommand(service, {
      recipe,
      host: addr(node),
      port,
      cpus: server.cpus,
      gpus: server.gpus,
      self: o.self,
    });
    const custom = recipe.servers?.command;
    if (typeof custom === 'string' && custom.trim()) {
      cmd.argv = [
        '/bin/sh',
        '-c',
        custom.replaceAll('{host}', addr(node)).replaceAll('{port}', String(port)),
      ];
    }
    serverEndpoints.push(`${addr(node)}:${port}`);
    const env = ray ? { ...cmd.env, RAY_ADDRESS: ray.headAddress, VLLM_HOST_IP: addr(node) } : cmd.env;
    steps.push(step('server', node, { port, ...resources(server), ...wrap(cmd.argv, env, server.gpus) }));
  });

  const client = roleResources(recipe, 'clients');
  const clientImage = containerFor(recipe, 'clients');
  nodes.clients.forEach((node, j) => {
    const port = o.executorPort ? o.executorPort + j : 0;
    const readyFile = `${o.resultsDir}/slurm/rendezvous/executor-${node}.json`;
    let argv = [...o.self, 'executor', '--service', service, '--port', String(port)];
    argv.push('--host', addr(node), '--ready-file', readyFile, '--node', node);
    // what a start body may name: records in the results folder, datasets in the recipe's dataset folders
    argv.push('--records-dir', o.resultsDir);
    for (const d of datasetFolders(recipe, o.datasetBaseDir ?? '.')) argv.push('--dataset-dir', d);
    for (const p of recipe.plugins ?? []) argv.push('--plugin', p);
    if (clientImage) {
      argv = apptainerExecArgv(clientImage.image, ['node', ...argv.slice(1)], {
        gpu: client.gpus > 0,
        binds: recipe.binds,
      });
    }
    steps.push(step('executor', node, { port, ...resources(client), argv, env: {}, readyFile }));
  });
  return { nodes, steps, serverEndpoints, healthPath, ray };
}

/** `host`, `host:port` or a URL → a URL (Pushgateway port 9091 by default). */
export function pushgatewayUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^https?:\/\//.test(value)) return value;
  return /:\d+$/.test(value) ? `http://${value}` : `http://${value}:9091`;
}

function resources(r: { cpus: number; gpus: number; memGb: number }) {
  return { cpus: r.cpus, gpus: r.gpus, memMb: r.memGb * 1024 };
}

/** `srun --overlap -N1 -n1 -w NODE` with the step's resources and log files. */
export function srunArgv(s: StepPlan, jobHasGpus: boolean, srun = 'srun'): string[] {
  const argv = [
    srun,
    '--overlap',
    '-N1',
    '-n1',
    '-w',
    s.node,
    `--job-name=${s.name}`,
    `--cpus-per-task=${s.cpus}`,
  ];
  argv.push(`--mem=${s.memMb}M`);
  if (jobHasGpus) argv.push(`--gres=gpu:${s.gpus}`);
  argv.push(`--output=${s.stdout}`, `--error=${s.stderr}`, '--kill-on-bad-exit=1', ...s.argv);
  return argv;
}

const COMPONENT: Record<StepKind, string> = {
  probe: 'probe',
  server: 'server',
  executor: 'client',
  monitor: 'monitor',
  'ray-head': 'ray',
  'ray-worker': 'ray',
};

/** Every step's log files as log sources for the log collector. */
export function planLogSources(plan: JobPlan): LogSource[] {
  return plan.steps.map((s) => ({
    node: s.node,
    component: COMPONENT[s.kind],
    containerName: s.name,
    stdoutPath: s.stdout,
    stderrPath: s.stderr,
  }));
}
