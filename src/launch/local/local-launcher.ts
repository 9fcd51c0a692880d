/**
 * `hpcbench run` in local mode: every component a child process on 127.0.0.1. Starts the servers and one
 * executor per client node (free ports, rendezvous through ready files, a per-run random bearer token in
 * HPCBENCH_TOKEN, each child's output in `<run>/logs/<node>-<component>.log`), runs the Orchestrator and
 * stops every child by PID at the end, also on errors and on abort.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { TOKEN_ENV } from '../../contracts/index.js';
import {
  ClientHealthError,
  ConfigValidationError,
  fromSystemError,
  type HpcBenchError,
  isHpcBenchError,
  ServerHealthError,
} from '../../errors.js';
import { exitCodeForStatus } from '../../exit-codes.js';
import type { LogSource } from '../../logs/index.js';
import type { OrchestratorOptions } from '../../orchestrator/options.js';
import { Orchestrator, RunInterrupted } from '../../orchestrator/orchestrator.js';
import { planFromRecipe } from '../../orchestrator/recipe-plan.js';
import type { RunPlan } from '../../orchestrator/run-plan.js';
import { resolveTargetMapping } from '../../orchestrator/target-mapping.js';
import { ResultsWriter } from '../../report/results-writer.js';
import type { RunResults } from '../../report/types.js';
import { createResultsDir } from '../../results-folder/naming.js';
import { selfCommand } from '../../util/self.js';
import { VERSION } from '../../version.js';
import { ManagedChild } from './child.js';
import { freePort } from './free-port.js';
import { localClientNodes, localServerNodes, planExecutors, planServers, withPort } from './local-plan.js';
import { startOrphanWatchdog, type Watchdog } from './watchdog.js';

export interface LocalRunOptions {
  recipeFile: string;
  /** Folder under which `<scenario>_<UTC stamp>/` is created. Default `results`. */
  resultsDir?: string;
  /** Run a recipe whose `orchestration.mode` is `slurm` on this machine anyway. */
  local?: boolean;
  /** Every recipe warning is an error (E006 before anything starts). */
  strict?: boolean;
  signal?: AbortSignal;
  /** Seconds to wait for each child to be ready. Default 60. */
  startTimeout?: number;
  /** Called with the orchestrator before it runs (subscribe to its events here). */
  onOrchestrator?: (o: Orchestrator) => void;
  /** Extra Orchestrator options (timeouts, poll interval, monitoring...). */
  orchestrator?: Partial<OrchestratorOptions>;
}

export interface LocalRunHandle {
  plan: RunPlan;
  runDir: string;
  results: RunResults;
}

/** Memory one local executor process is planned with (a Node process under load). */
export const LOCAL_EXECUTOR_MB = 100;

/**
 * Local mode starts one process per executor: more than half of this machine's memory holds
 * (LOCAL_EXECUTOR_MB each) is E006 naming the number that fits, before anything starts.
 */
export function checkLocalCapacity(plan: RunPlan, recipeFile: string, totalMb = totalmem() / 2 ** 20): void {
  const executors = localClientNodes(plan).length;
  const fits = Math.max(1, Math.floor((totalMb * 0.5) / LOCAL_EXECUTOR_MB));
  if (executors <= fits) return;
  throw new ConfigValidationError(
    `${recipeFile}: ${executors} local executors need about ${executors * LOCAL_EXECUTOR_MB} MB; this machine (${Math.round(totalMb)} MB) holds at most ${fits}: lower orchestration.node_allocation.clients.nodes to ${fits} or run it on a cluster (hpcbench submit)`,
    [
      {
        severity: 'error',
        path: 'orchestration.node_allocation.clients.nodes',
        message: `at most ${fits} executors fit on this machine in local mode`,
        file: recipeFile,
      },
    ],
  );
}

/** Loads the recipe and checks that it may run locally (E006 otherwise). */
export async function loadLocalPlan(recipeFile: string, local = false, strict = false): Promise<RunPlan> {
  // A slurm recipe's missing dataset is only a warning when it is loaded (node-local paths); run here with
  // --local, every dataset file must exist on this machine.
  const plan = await planFromRecipe({
    configFile: recipeFile,
    ...(local ? { missingDataset: 'error' } : {}),
    strict,
  });
  if (plan.mode === 'slurm' && !local) {
    throw new ConfigValidationError(
      `${recipeFile}: orchestration.mode is 'slurm': submit it to the cluster with \`hpcbench submit ${recipeFile}\`, or run it on this machine with \`hpcbench run --local ${recipeFile}\``,
      [
        {
          severity: 'error',
          path: 'orchestration.mode',
          message: "'slurm' recipes run with `hpcbench submit` (or `hpcbench run --local`)",
          file: recipeFile,
        },
      ],
    );
  }
  checkLocalCapacity(plan, recipeFile);
  if (plan.distributionStrategy === 'static' && plan.targetMapping) {
    // The executors' and servers' names are known before anything starts: a mapping that does not fit is
    // E006 now (the orchestrator resolves it again with the real URLs once the servers run).
    const serverNodes = localServerNodes(plan);
    resolveTargetMapping({
      mapping: plan.targetMapping,
      clientNodes: localClientNodes(plan),
      serverNodes,
      serverUrls: serverNodes.map((n) => `http://${n}.invalid`),
      file: recipeFile,
    });
  }
  return plan;
}

/** run.json of a local run that ended while its children were being started (interrupted or failed). */
async function writeLaunchRunJson(
  runDir: string,
  plan: RunPlan,
  err: unknown,
  signal: AbortSignal | undefined,
): Promise<void> {
  const interrupted = err instanceof RunInterrupted;
  const status = interrupted ? 'interrupted' : 'failed';
  const reasonCode = (signal?.reason as { exitCode?: unknown } | undefined)?.exitCode;
  const exitCode =
    interrupted && typeof reasonCode === 'number'
      ? reasonCode
      : exitCodeForStatus(status, { internal: !interrupted && !isHpcBenchError(err) });
  const now = new Date().toISOString();
  await new ResultsWriter(runDir).startRun({
    hpcbench_version: VERSION,
    scenario: plan.scenario,
    run_id: runDir.split(/[\\/]/).pop() ?? plan.scenario,
    mode: 'local',
    recipe_file: plan.recipeFile,
    service: plan.service,
    server_nodes: localServerNodes(plan),
    client_nodes: localClientNodes(plan),
    server_endpoints: [],
    client_endpoints: [],
    started_at: now,
    ended_at: now,
    status,
    exit_code: exitCode,
    ...(interrupted ? { interrupted_phase: 'launch' } : {}),
    reason: `${interrupted ? 'interrupted' : 'failed'} while starting the servers and executors: ${(err as Error).message}`,
    error: {
      ...(isHpcBenchError(err) ? { code: err.code } : {}),
      message: (err as Error).message,
    },
    benchmarks: plan.benchmarks.map((b) => ({
      name: b.name,
      status: interrupted ? 'interrupted' : 'pending',
    })),
  });
}

export async function runLocal(opts: LocalRunOptions): Promise<LocalRunHandle> {
  const plan = await loadLocalPlan(opts.recipeFile, opts.local, opts.strict);
  const runDir = await createResultsDir(
    opts.resultsDir ?? plan.reporting?.outputDirectory ?? 'results',
    plan.scenario,
  );
  const token = randomBytes(24).toString('hex');
  const layout = { runDir, self: selfCommand };
  const children: ManagedChild[] = [];
  const killAll = () => {
    for (const c of children) c.signal('SIGKILL');
  };
  process.once('exit', killAll);
  const timeout = opts.startTimeout ?? 60;
  await mkdir(join(runDir, 'launch'), { recursive: true });
  // before the first spawn: a SIGKILL of hpcbench at any moment leaves no child behind
  const watchdog: Watchdog = startOrphanWatchdog(join(runDir, 'launch', 'pids'));
  const spawnChild = (spec: ManagedChild['spec']): ManagedChild => {
    const child = new ManagedChild({ ...spec, env: { ...spec.env, ...watchdog.childEnv } });
    children.push(child);
    watchdog.register(child.pid);
    return child;
  };
  try {
    const servers = planServers(plan, layout);
    const serverEndpoints: string[] = [];
    const logSources: LogSource[] = [];
    const starting: Promise<void>[] = [];
    for (const [i, s] of servers.entries()) {
      if (!s.child) {
        serverEndpoints[i] = s.endpoint!;
        continue;
      }
      let spec = s.child;
      let port: number | undefined;
      if (s.needsPort) {
        const fixed = plan.servers?.port;
        port = fixed ? fixed + i : await freePort();
        spec = withPort(spec, port);
      }
      const child = spawnChild(spec);
      logSources.push({ node: s.node, component: 'server', containerName: plan.service, path: spec.logFile });
      if (port !== undefined) serverEndpoints[i] = `127.0.0.1:${port}`;
      else
        starting.push(
          child.waitReady(timeout, opts.signal).then(
            (r) => {
              serverEndpoints[i] = r.url ?? `127.0.0.1:${r.port}`;
            },
            (err: Error) => {
              throw new ServerHealthError(`could not start the inference server: ${err.message}`, {
                cause: err,
              });
            },
          ),
        );
    }
    const executors = planExecutors(plan, layout, token);
    const clientEndpoints: string[] = [];
    for (const [i, e] of executors.entries()) {
      const child = spawnChild(e.child);
      logSources.push({
        node: e.node,
        component: 'client',
        containerName: 'executor',
        path: e.child.logFile,
      });
      starting.push(
        child.waitReady(timeout, opts.signal).then(
          (r) => {
            clientEndpoints[i] = r.url ?? `127.0.0.1:${r.port}`;
          },
          (err: Error) => {
            throw new ClientHealthError(`could not start the workload executor: ${err.message}`, {
              cause: err,
            });
          },
        ),
      );
    }
    const settled = await Promise.allSettled(starting);
    try {
      if (opts.signal?.aborted) throw new RunInterrupted(opts.signal.reason);
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    } catch (err) {
      // the orchestrator never ran: run.json says what happened during the launch
      const typed = fromSystemError(err) ?? err;
      await writeLaunchRunJson(runDir, plan, typed, opts.signal).catch(() => undefined);
      throw Object.assign(typed as object, { runDir });
    }
    const orchestrator = new Orchestrator({
      ...opts.orchestrator,
      serverNodes: servers.map((s) => s.node),
      clientNodes: executors.map((e) => e.node),
      plan,
      serverEndpoints,
      clientEndpoints,
      token,
      runDir,
      signal: opts.signal,
      mode: 'local',
      logSources,
      runInfo: {
        pids: Object.fromEntries(children.map((c) => [c.spec.name, c.pid])),
        token_env: TOKEN_ENV,
      },
    });
    opts.onOrchestrator?.(orchestrator);
    try {
      const results = await orchestrator.run();
      return { plan, runDir, results };
    } catch (err) {
      const dead = children.filter((c) => !c.running);
      if (dead.length > 0 && isHpcBenchError(err)) {
        const which = dead.map(
          (c) => `${c.spec.name} exited (${c.exitSignal ?? `code ${c.exitCode}`}); see ${c.spec.logFile}`,
        );
        const Cls = err.constructor as new (m: string, o?: object) => HpcBenchError;
        throw Object.assign(new Cls(`${err.message} [${which.join('; ')}]`, { cause: err, hint: err.hint }), {
          runDir,
        });
      }
      throw Object.assign(err as object, { runDir });
    }
  } finally {
    watchdog.stop();
    await Promise.all(children.map((c) => c.stop()));
    process.removeListener('exit', killAll);
  }
}
