/**
 * Inside the allocation (`hpcbench slurm-job RESULTS_DIR`): plan the roles from the job's nodes, start
 * every monitor, Ray node, server and executor as its own srun step, learn the executors' addresses
 * from their ready files, run the benchmark phases, and stop every step at the end — also on TERM
 * (scancel, or the time limit through `--signal`), after the phases have written what was measured.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { ConfigValidationError, ServicePreparationError } from '../../errors.js';
import { signalExitCode } from '../../exit-codes.js';
import type { LogSource } from '../../logs/types.js';
import { deleteRunGroups } from '../../monitor/pushgateway.js';
import { apptainerPullArgv, missingImages } from '../containers.js';
import { type JobPlan, planJob, planLogSources, pushgatewayUrl, type StepPlan } from './job-plan.js';
import { startRay } from './ray-steps.js';
import type { SlurmRecipe } from './recipe-view.js';
import { waitForExecutors, waitForMonitors, waitForProbes } from './rendezvous.js';
import { jobResources } from './resources.js';
import { jobHostnames, nodeAddresses } from './scontrol.js';
import { StepGroup } from './steps.js';

export interface OrchestrateContext {
  recipe: SlurmRecipe;
  recipeFile: string;
  resultsDir: string;
  serverNodes: string[];
  clientNodes: string[];
  /** host:port of each server the load goes to. */
  serverEndpoints: string[];
  /** host:port of each executor, from its ready file. */
  clientEndpoints: string[];
  token: string;
  logSources: LogSource[];
  plan: JobPlan;
  /** Aborted on TERM/INT: stop the workload, keep and write what was measured. */
  signal: AbortSignal;
}

export interface SlurmJobOptions {
  resultsDir: string;
  recipe: SlurmRecipe;
  recipeFile: string;
  /** argv prefix that runs hpcbench on the compute nodes. */
  self: string[];
  env?: NodeJS.ProcessEnv;
  /** Seconds to wait for executors' ready files (default 180). */
  readyTimeout?: number;
  log?: (line: string) => void;
  /** Run the phases; resolves to the run's exit status (0 = success). */
  orchestrate: (ctx: OrchestrateContext) => Promise<number>;
}

export async function runSlurmJob(o: SlurmJobOptions): Promise<number> {
  const env = o.env ?? process.env;
  const log = o.log ?? ((l: string) => process.stdout.write(`[hpcbench ${new Date().toISOString()}] ${l}\n`));
  const nodelist = env.SLURM_JOB_NODELIST;
  if (!nodelist) {
    throw new ConfigValidationError(
      'hpcbench slurm-job runs inside a Slurm job (SLURM_JOB_NODELIST is not set)',
      [],
      {
        hint: 'submit the run with `hpcbench submit RECIPE`',
      },
    );
  }
  const nodes = await jobHostnames(nodelist);
  const addresses = await nodeAddresses(nodes);
  // The orchestrator's run id is the results folder's name; monitors label their pushes with it.
  const runId = basename(o.resultsDir);
  const port = (name: string) => (env[name] && Number(env[name]) > 0 ? Number(env[name]) : undefined);
  const plan = planJob(o.recipe, nodes, {
    resultsDir: o.resultsDir,
    self: o.self,
    addresses,
    runId,
    file: o.recipeFile,
    datasetBaseDir: await datasetBaseDirOf(o.recipeFile),
    serverPort: port('HPCBENCH_SERVER_PORT'),
    executorPort: port('HPCBENCH_EXECUTOR_PORT'),
  });
  const slurmDir = join(o.resultsDir, 'slurm');
  await rm(join(slurmDir, 'rendezvous'), { recursive: true, force: true });
  for (const d of ['logs', 'monitor', 'slurm/rendezvous'])
    await mkdir(join(o.resultsDir, d), { recursive: true });
  await writeFile(
    join(slurmDir, 'plan.json'),
    `${JSON.stringify({ jobId: env.SLURM_JOB_ID, allocation: nodes, addresses, ...plan }, null, 2)}\n`,
  );
  log(
    `job ${env.SLURM_JOB_ID} on ${nodes.join(',')}: servers ${plan.nodes.servers.join(',')}, clients ${plan.nodes.clients.join(',')}${plan.nodes.monitors.length ? `, monitors ${plan.nodes.monitors.join(',')}` : ''}`,
  );

  const abort = new AbortController();
  let received: string | undefined;
  const onSignal = (sig: string) => {
    if (abort.signal.aborted) return;
    received = sig;
    log(`received ${sig}: stopping the workload, writing results, stopping all steps`);
    // the exit code rides on the reason: run.json's exit_code is 143 for scancel's TERM (130 for INT)
    abort.abort(Object.assign(new Error(sig), { exitCode: signalExitCode(sig), signal: sig }));
  };
  const term = () => onSignal('SIGTERM');
  const int = () => onSignal('SIGINT');
  process.on('SIGTERM', term);
  process.on('SIGINT', int);

  const group = new StepGroup(jobResources(o.recipe).gpus > 0, env);
  const token = randomBytes(24).toString('hex');
  let status = 1;
  let stopping = false;
  let started = false;
  try {
    await pullImages(o.recipe, log);
    const byKind = (k: StepPlan['kind']) => plan.steps.filter((s) => s.kind === k);
    // Monitoring off: each node's probe step describes the node (run.json provenance) and ends.
    const probes = byKind('probe').map((s) => group.start(s));
    const unprobed = await waitForProbes(probes, Math.min(o.readyTimeout ?? 180, 60), abort.signal);
    if (unprobed.length) log(`warning: no node description from ${unprobed.join(', ')} (see their logs)`);
    const monitors = byKind('monitor').map((s) => group.start(s));
    // Samples should cover the whole run: let the monitors start before anything else (bounded).
    const late = await waitForMonitors(monitors, Math.min(o.readyTimeout ?? 180, 60), abort.signal);
    if (late.length) log(`warning: monitors not sampling yet, going on without waiting: ${late.join(', ')}`);
    if (plan.ray) await startRay(plan, o.recipe, group, env, log);
    for (const s of byKind('server')) group.start(s);
    const executors = byKind('executor').map((s) => group.start(s, { HPCBENCH_TOKEN: token }));
    log(`started ${group.steps.length} steps; waiting for ${executors.length} executors`);
    // A component that ends on its own before teardown is worth a line: its log says why.
    for (const s of group.steps) {
      void s.exited.then((code) => {
        if (!stopping) log(`step ${s.plan.name} ended early (${code}); see ${s.plan.stderr}`);
      });
    }
    const ready = await waitForExecutors(executors, o.readyTimeout ?? 180, abort.signal);
    const clientEndpoints = ready.map((a) => `${a.host}:${a.port}`);
    log(`executors ready: ${clientEndpoints.join(', ')}; servers: ${plan.serverEndpoints.join(', ')}`);
    started = true;
    status = await o.orchestrate({
      recipe: o.recipe,
      recipeFile: o.recipeFile,
      resultsDir: o.resultsDir,
      serverNodes: plan.nodes.servers,
      clientNodes: plan.nodes.clients,
      serverEndpoints: plan.serverEndpoints,
      clientEndpoints,
      token,
      logSources: planLogSources(plan),
      plan,
      signal: abort.signal,
    });
    if (abort.signal.aborted && status === 0) status = signalExitCode(received);
    return status;
  } catch (err) {
    // TERM before the phases began (e.g. the time limit while servers were starting): nothing was
    // measured; stop cleanly with the interrupted status instead of a misleading startup error.
    if (!started && abort.signal.aborted) {
      log(`interrupted before the benchmarks started: ${(err as Error).message}`);
      status = signalExitCode(received);
      return status;
    }
    throw err;
  } finally {
    stopping = true;
    log(`stopping ${group.alive().length} running steps`);
    await group.stopAll(env.SLURM_JOB_ID);
    // Every step has stopped (no monitor pushes any more): remove the run's Pushgateway groups.
    const cleanup = pushgatewayCleanupUrl(o.recipe);
    if (cleanup) {
      await deleteRunGroups(cleanup, runId).then(
        (n) => log(`deleted ${n} Pushgateway groups of run ${runId}`),
        (err) =>
          log(`warning: could not delete the Pushgateway groups of run ${runId}: ${(err as Error).message}`),
      );
    }
    const steps = group.steps.map((s) => ({ name: s.plan.name, node: s.plan.node, exit: s.exit }));
    await writeFile(join(slurmDir, 'steps.json'), `${JSON.stringify({ status, steps }, null, 2)}\n`).catch(
      () => {},
    );
    process.off('SIGTERM', term);
    process.off('SIGINT', int);
    log(`done (status ${status})`);
  }
}

/**
 * The Pushgateway whose groups of this run are deleted at the end of the job, or undefined when the
 * recipe has none or sets `monitoring.keep_pushgateway_groups: true`.
 */
export function pushgatewayCleanupUrl(recipe: SlurmRecipe): string | undefined {
  if (recipe.monitoring?.keep_pushgateway_groups) return undefined;
  return pushgatewayUrl(recipe.monitoring?.pushgateway);
}

async function pullImages(recipe: SlurmRecipe, log: (l: string) => void): Promise<void> {
  for (const image of missingImages(recipe)) {
    const argv = apptainerPullArgv(image);
    if (!argv)
      throw new ServicePreparationError(
        `container image ${image.image} is missing and has no 'remote' to pull from`,
      );
    log(`pulling ${image.remote} into ${image.image}`);
    const r = await execa(argv[0], argv.slice(1), { reject: false, all: true });
    if (r.exitCode !== 0) {
      throw new ServicePreparationError(
        `apptainer pull ${image.remote} failed (${r.exitCode}): ${String(r.all).slice(-500)}`,
      );
    }
  }
}

/** The submitted recipe's folder (recorded beside the job's copy in recipe-origin.json), else the copy's. */
async function datasetBaseDirOf(recipeFile: string): Promise<string> {
  const dir = dirname(resolve(recipeFile));
  try {
    const origin = JSON.parse(await readFile(join(dir, 'recipe-origin.json'), 'utf8'));
    if (typeof origin?.dataset_base_dir === 'string') return origin.dataset_base_dir;
  } catch {
    // no origin file: a recipe in its own folder
  }
  return dir;
}
