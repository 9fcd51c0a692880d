/**
 * What a local run starts, as data (pure, unit-tested without processes): the inference servers (the
 * simulated service by default, a recipe's `servers.command` with `{port}`, or nothing when the recipe
 * names `servers.endpoints`) and one executor per client node, each with its log file and ready file.
 */
import { dirname, join, resolve } from 'node:path';
import { promptFile } from '../../contracts/index.js';
import type { RunPlan } from '../../orchestrator/run-plan.js';
import type { SelfCommand } from '../../util/self.js';
import type { ChildSpec } from './child.js';

export interface LocalLayout {
  runDir: string;
  /** How to run hpcbench itself: `selfCommand(...args)`. */
  self: (...args: string[]) => SelfCommand;
  host?: string;
}

export interface PlannedServer {
  node: string;
  /** Present when hpcbench starts the server; absent when attaching to `endpoint`. */
  child?: ChildSpec;
  /** For `servers.command`: the port substituted for `{port}` (the launcher picks a free one). */
  needsPort?: boolean;
  endpoint?: string;
}

export const logFile = (runDir: string, node: string, component: string) =>
  join(runDir, 'logs', `${node}-${component}.log`);
const readyFile = (runDir: string, node: string, component: string) =>
  join(runDir, 'launch', `${node}-${component}.ready.json`);

/** Node names of a local run's servers (`server-1`, ...): one per `servers.endpoints` entry, else per server node. */
export function localServerNodes(plan: RunPlan): string[] {
  const endpoints = plan.servers?.endpoints;
  const count = endpoints && endpoints.length > 0 ? endpoints.length : Math.max(1, plan.serverNodes ?? 1);
  return Array.from({ length: count }, (_, i) => `server-${i + 1}`);
}

/** Node names of a local run's executors (`client-1`, ...): one per client node. */
export function localClientNodes(plan: RunPlan): string[] {
  return Array.from({ length: Math.max(1, plan.clientNodes ?? 1) }, (_, i) => `client-${i + 1}`);
}

export function planServers(plan: RunPlan, layout: LocalLayout): PlannedServer[] {
  const host = layout.host ?? '127.0.0.1';
  const endpoints = plan.servers?.endpoints;
  const names = localServerNodes(plan);
  if (endpoints && endpoints.length > 0) {
    return endpoints.map((endpoint, i) => ({ node: names[i], endpoint }));
  }
  return names.map((node) => {
    const command = plan.servers?.command;
    if (command) {
      return {
        node,
        needsPort: true,
        child: {
          name: `${node} (${plan.service})`,
          command: '/bin/sh',
          args: ['-c', command],
          logFile: logFile(layout.runDir, node, 'server'),
        },
      };
    }
    const cfg = plan.serverConfig.service_config ?? {};
    const args = [
      'serve',
      'dummy',
      '--host',
      host,
      '--port',
      '0',
      '--ready-file',
      readyFile(layout.runDir, node, 'server'),
    ];
    if (Object.keys(cfg).length > 0) args.push('--config', JSON.stringify(cfg));
    const self = layout.self(...args);
    return {
      node,
      child: {
        name: `${node} (simulated ${plan.service})`,
        command: self.command,
        args: self.args,
        logFile: logFile(layout.runDir, node, 'server'),
        readyFile: readyFile(layout.runDir, node, 'server'),
      },
    };
  });
}

/** `servers.command` with its `{port}` and `{host}` filled in. */
export function withPort(child: ChildSpec, port: number, host = '127.0.0.1'): ChildSpec {
  return {
    ...child,
    args: child.args.map((a) => a.replaceAll('{port}', String(port)).replaceAll('{host}', host)),
  };
}

/** Folders of the dataset files the plan's benchmarks read (their paths are resolved already). */
function planDatasetDirs(plan: RunPlan): string[] {
  const dirs = new Set<string>();
  for (const b of [...plan.benchmarks, ...(plan.search ? [plan.search.base] : [])]) {
    const file = promptFile(b.spec.prompts);
    if (file !== undefined) dirs.add(dirname(resolve(file)));
  }
  return [...dirs];
}

export function planExecutors(
  plan: RunPlan,
  layout: LocalLayout,
  token: string,
): { node: string; child: ChildSpec }[] {
  const host = layout.host ?? '127.0.0.1';
  return localClientNodes(plan).map((node) => {
    const ready = readyFile(layout.runDir, node, 'executor');
    const args = [
      'executor',
      '--service',
      plan.service,
      '--host',
      host,
      '--port',
      '0',
      '--ready-file',
      ready,
      '--node',
      node,
      // what a start body may name: records in this run's folder, datasets where the benchmarks' are
      '--records-dir',
      layout.runDir,
    ];
    for (const d of planDatasetDirs(plan)) args.push('--dataset-dir', d);
    for (const p of plan.plugins ?? []) args.push('--plugin', p);
    const self = layout.self(...args);
    return {
      node,
      child: {
        name: `executor on ${node}`,
        command: self.command,
        args: self.args,
        env: { HPCBENCH_TOKEN: token },
        logFile: logFile(layout.runDir, node, 'executor'),
        readyFile: ready,
      },
    };
  });
}
