/**
 * The seed's `Orchestrator`: drives one run through its phases, each announced as a typed event:
 *
 *   recipe → server-health (E001) → prepare (E003) → monitoring → client-health (E002) → logging →
 *   benchmarks (each: start E004, wait on executor state, stop, metrics E005) → results → teardown
 *
 * Results are written to the results folder as the run goes. An abort (signal, Ctrl-C/SIGTERM wired by
 * the CLI) stops the workload, keeps what was measured and resolves with status `interrupted`; any other
 * failure is written to run.json and rethrown as its typed error.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TOKEN_ENV } from '../contracts/index.js';
import { failedThresholds } from '../decide/evaluate.js';
import { saturationText } from '../decide/saturation.js';
import type { SearchOutcome } from '../decide/search.js';
import { fromSystemError, isHpcBenchError } from '../errors.js';
import { EXIT_CODES, exitCodeForStatus } from '../exit-codes.js';
import type { LogSource } from '../logs/types.js';
import { benchmarkParameters } from '../report/params.js';
import { type ReportFormat, ResultsWriter } from '../report/results-writer.js';
import type { BenchmarkResult, RunResults } from '../report/types.js';
import { processIdentity } from '../results-folder/index.js';
import type { BenchmarkStatus, RunStatus } from '../results-folder/types.js';
import { ServerWindowTracker } from '../serverstats/window-tracker.js';
import type { BaseServerManager } from '../services/base/base-server-manager.js';
import { ServiceFactory } from '../services/factory.js';
import { VERSION } from '../version.js';
import { errorInfo, runBenchmark } from './benchmark-runner.js';
import { idleSeconds, type RunEnergy, startRunEnergy } from './energy.js';
import { OrchestratorEmitter, type PhaseName } from './events.js';
import { startDefaultLogging, startDefaultMonitoring } from './hooks.js';
import { namedNodes } from './node-names.js';
import type { HookContext, OrchestratorOptions, Stoppable } from './options.js';
import { type RunProvenance, startProvenance } from './provenance.js';
import { traceDigest } from './rebuild.js';
import { planFromRecipe } from './recipe-plan.js';
import { attachRunLog } from './run-log.js';
import type { RunPlan } from './run-plan.js';
import { runTotals } from './run-totals.js';
import { type RunOne, runSearch } from './search-runner.js';
import { pinnedTargets, resolveTargetMapping } from './target-mapping.js';
import { applyVerdict, benchmarkVerdict, gateGenerator, runVerdict } from './verdict.js';

/** Thrown inside the run when its signal aborts; never escapes run(). */
export class RunInterrupted extends Error {
  constructor(reason?: unknown) {
    super(
      `run interrupted${reason instanceof Error ? `: ${reason.message}` : reason ? `: ${String(reason)}` : ''}`,
    );
    this.name = 'RunInterrupted';
  }
}

/** The typed failure (E001-E003) of a check that returns one, thrown. */
function throwFailure(failure: Error | undefined): void {
  if (failure) throw failure;
}

export class Orchestrator extends OrchestratorEmitter {
  readonly options: OrchestratorOptions;
  readonly serverPort: number;
  readonly clientPort: number;
  readonly timeout: number;
  /** The results folder, once the run created it. */
  runDir?: string;
  /** The log sources collected: the options' plus the orchestrator's own log. */
  private logSources?: LogSource[];
  /** The last results, also when run() threw. */
  results?: RunResults;
  private readonly abort = new AbortController();
  /** Where the run is: a phase, or `benchmark NAME (warmup|measuring|...)`. */
  private where = 'starting';
  /** Where the run was when it was interrupted. */
  private interruptedIn?: string;
  private readonly stoppables: { name: string; s: Stoppable }[] = [];
  private provenance?: RunProvenance;
  /** A capacity search's outcome so far (`workload.search`). */
  search?: SearchOutcome;

  constructor(options: OrchestratorOptions) {
    super();
    this.serverPort = options.serverPort ?? 11434;
    this.clientPort = options.clientPort ?? 5000;
    // host:port (or URL) nodes without explicit endpoints: the same forms as the CLI, or E006 at once
    const clients = options.clientEndpoints
      ? undefined
      : namedNodes(options.clientNodes, this.clientPort, 'clientNodes');
    const servers = options.serverEndpoints
      ? undefined
      : namedNodes(options.serverNodes, this.serverPort, 'serverNodes');
    this.options = {
      ...options,
      ...(clients ? { clientNodes: clients.names, clientEndpoints: clients.endpoints } : {}),
      ...(servers ? { serverNodes: servers.names, serverEndpoints: servers.endpoints } : {}),
    };
    this.timeout = options.timeout ?? 600;
    this.abort.signal.addEventListener('abort', () => {
      this.interruptedIn ??= this.where;
    });
    this.on('benchmark-start', (e) => {
      this.where = `benchmark ${e.name} (starting)`;
    });
    this.on('benchmark-progress', (e) => {
      this.where = `benchmark ${e.name} (${e.phase})`;
    });
    const external = options.signal;
    if (external) {
      if (external.aborted) this.abort.abort(external.reason);
      else external.addEventListener('abort', () => this.abort.abort(external.reason), { once: true });
    }
  }

  /** Stops the run as an abort signal would (what was measured is kept). */
  interrupt(reason: unknown = 'interrupted'): void {
    this.abort.abort(reason);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Runs `fn` as a phase: start/done/failed events; rejects with RunInterrupted as soon as the run aborts. */
  private async phase<T>(
    name: PhaseName,
    fn: () => Promise<T>,
    detail?: string,
    abortable = true,
  ): Promise<T> {
    const t0 = Date.now();
    if (name !== 'results') this.where = name;
    this.emit('phase', { phase: name, state: 'start', detail });
    const signal = abortable ? this.abort.signal : new AbortController().signal;
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new RunInterrupted(signal.reason));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      const value = await Promise.race([fn(), aborted]);
      this.emit('phase', { phase: name, state: 'done', elapsedMs: Date.now() - t0 });
      return value;
    } catch (err) {
      this.emit('phase', { phase: name, state: 'failed', elapsedMs: Date.now() - t0, error: errorInfo(err) });
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private skip(name: PhaseName, detail: string): void {
    this.emit('phase', { phase: name, state: 'skipped', detail });
  }

  private warn = (message: string): void => {
    this.emit('warning', message);
  };

  async run(): Promise<RunResults> {
    const runLog = attachRunLog(this);
    try {
      return await this.runLogged(runLog);
    } finally {
      runLog.close();
    }
  }

  private async runLogged(runLog: ReturnType<typeof attachRunLog>): Promise<RunResults> {
    const o = this.options;
    const plan = await this.phase('recipe', () =>
      o.plan ? Promise.resolve(o.plan) : planFromRecipe({ configFile: o.configFile, recipe: o.recipe }),
    );
    for (const w of plan.warnings ?? []) this.warn(w);
    const manager = ServiceFactory.createServerManager(plan.service, plan.serverConfig, {
      onProgress: (p) => this.emit('prepare-progress', p),
      onWait: ({ step, ...w }) =>
        this.emit('wait', { phase: step === 'prepare' ? 'prepare' : 'server-health', ...w }),
      signal: this.abort.signal,
    });
    const serverEndpoints = o.serverEndpoints ?? o.serverNodes.map((n) => `${n}:${this.serverPort}`);
    const serverUrls = serverEndpoints.map((e) => manager.baseUrl(e));
    const clientEndpoints = o.clientEndpoints ?? o.clientNodes.map((n) => `${n}:${this.clientPort}`);
    const writer = o.runDir
      ? new ResultsWriter(o.runDir)
      : await ResultsWriter.create(
          o.resultsDir ?? plan.reporting?.outputDirectory ?? 'results',
          plan.scenario,
        );
    if (plan.reporting) writer.formats = plan.reporting.formats.filter((f): f is ReportFormat => f !== 'pdf');
    this.runDir = writer.dir;
    const orchestratorLog = runLog.open(writer.dir);
    // The orchestrator's own log is aggregated with the components' logs (component `orchestrator`).
    if (o.logSources?.length)
      this.logSources = [
        ...o.logSources,
        { node: hostname(), component: 'orchestrator', containerName: 'orchestrator', path: orchestratorLog },
      ];
    const runId = writer.dir.split(/[\\/]/).pop() ?? plan.scenario;
    await writer.writeRecipe(plan.recipeFile, plan.resolved, o.recipe);
    await writer.startRun({
      hpcbench_version: VERSION,
      scenario: plan.scenario,
      run_id: runId,
      mode: o.mode ?? 'attach',
      recipe_file: plan.recipeFile,
      service: plan.service,
      server_nodes: o.serverNodes,
      client_nodes: o.clientNodes,
      server_endpoints: serverUrls,
      client_endpoints: clientEndpoints,
      started_at: new Date().toISOString(),
      status: 'running',
      orchestrator: { host: hostname(), pid: process.pid, ...processIdentity() },
      benchmarks: plan.benchmarks.map((b) => ({ name: b.name, status: 'pending' })),
      ...o.runInfo,
    });
    const provenance = startProvenance({
      runDir: writer.dir,
      recipeFile: plan.recipeFile,
      recipe: plan.recipeFile ? undefined : (o.recipe ?? plan.resolved),
      containers: o.containerImages,
      mode: o.mode ?? 'attach',
    });
    this.provenance = provenance;
    const ctx: HookContext = {
      runId,
      runDir: writer.dir,
      plan,
      serverNodes: o.serverNodes,
      clientNodes: o.clientNodes,
      serverUrls,
      warn: this.warn,
    };
    const results: BenchmarkResult[] = plan.benchmarks.map((b) => ({ name: b.name, status: 'pending' }));
    let failure: unknown;
    try {
      await this.runPhases(plan, ctx, manager, serverEndpoints, clientEndpoints, writer, results);
    } catch (err) {
      // a disk full or a port in use is a typed error (E005 / E006), not an internal one
      failure = fromSystemError(err) ?? err;
    }
    const interrupted = this.abort.signal.aborted;
    const failed = failure !== undefined && !(failure instanceof RunInterrupted);
    const verdict = runVerdict(results, { failure: failed, interrupted, search: this.search });
    const status = verdict.status;
    const error =
      status === 'interrupted'
        ? { message: `${new RunInterrupted(this.abort.signal.reason).message} during ${this.interruptedIn}` }
        : failed
          ? errorInfo(failure)
          : undefined;
    const reason = verdict.reason ?? error?.message;
    for (const r of results)
      if (r.status === 'pending' || r.status === 'running') r.status = interrupted ? 'interrupted' : r.status;
    const exitCode = this.exitCode(
      status,
      failed && !isHpcBenchError(failure),
      failedThresholds(results) > 0,
    );
    const final: RunResults = {
      ...runTotals(results),
      scenario: plan.scenario,
      run_id: runId,
      status,
      exit_code: exitCode,
      ...(reason ? { reason } : {}),
      ...(status === 'interrupted' ? { interrupted_phase: this.interruptedIn } : {}),
      results_dir: writer.dir,
      benchmarks: results,
      ...(this.search ? { search: this.search } : {}),
      ...(error ? { error } : {}),
    };
    this.results = final;
    await this.phase(
      'results',
      async () => {
        const prov = await provenance.finish().catch((err: Error) => {
          this.warn(`provenance: ${err.message}`);
          return undefined;
        });
        await writer.updateRun({
          ...(prov ? { provenance: prov } : {}),
          ended_at: new Date().toISOString(),
          status,
          exit_code: exitCode,
          ...(reason ? { reason } : {}),
          ...(status === 'interrupted' ? { interrupted_phase: this.interruptedIn } : {}),
          error,
          benchmarks: benchmarkEntries(results),
        });
        await writer.writeRunSummary(results, final, this.search);
      },
      undefined,
      false,
    ).catch((err) => this.warn(`writing results: ${(err as Error).message}`));
    await this.teardown();
    // Last, so that the monitors' and logs' final lines are in it.
    await writer
      .writeReport()
      .then((path) => {
        if (path) this.emit('report', path);
      })
      .catch((err) => this.warn(`writing report.html: ${(err as Error).message}`));
    this.emit('done', final);
    if (failed) throw failure;
    return final;
  }

  private async runPhases(
    plan: RunPlan,
    ctx: HookContext,
    manager: BaseServerManager,
    serverEndpoints: string[],
    clientEndpoints: string[],
    writer: ResultsWriter,
    results: BenchmarkResult[],
  ): Promise<void> {
    const o = this.options;
    const executorTargets = await this.staticTargets(plan, ctx, clientEndpoints, writer);
    const healthTimeout = manager.healthCheck.timeout;
    await this.phase(
      'server-health',
      () => manager.healthFailure(serverEndpoints, healthTimeout).then(throwFailure),
      serverEndpoints.join(', '),
    );
    await this.phase(
      'prepare',
      () => manager.preparationFailure(serverEndpoints, this.timeout).then(throwFailure),
      manager.model,
    );
    this.provenance?.servers(ctx.serverUrls, plan.service, manager.model);
    const monitoring =
      o.monitoring ?? (o.enableMonitoring || plan.monitoring?.enabled ? startDefaultMonitoring(o) : false);
    if (monitoring)
      this.stoppables.push({ name: 'monitoring', s: await this.phase('monitoring', () => monitoring(ctx)) });
    else this.skip('monitoring', 'monitoring not enabled');
    const controller = ServiceFactory.createWorkloadController(
      plan.service,
      o.clientNodes,
      this.clientPort,
      this.timeout,
      {
        token: o.token ?? process.env[TOKEN_ENV],
        endpoints: clientEndpoints,
        pollInterval: o.pollInterval,
        healthTimeout: o.clientHealthTimeout,
        onWait: (w) => this.emit('wait', { phase: 'client-health', ...w }),
      },
    );
    await this.phase(
      'client-health',
      () => controller.clientHealthFailure().then(throwFailure),
      clientEndpoints.join(', '),
    );
    const loggingOff = plan.logging?.enabled === false;
    const logging =
      o.logging ??
      (this.logSources?.length && !loggingOff ? startDefaultLogging(this.logSources, plan.logging) : false);
    if (logging)
      this.stoppables.push({ name: 'logging', s: await this.phase('logging', () => logging(ctx)) });
    else this.skip('logging', loggingOff ? 'logging.enabled is false' : 'no log sources');
    this.emit('phase', {
      phase: 'benchmarks',
      state: 'start',
      detail: `${plan.benchmarks.length} benchmark(s)`,
    });
    const energy = monitoring ? await this.energyPhase(plan, ctx) : undefined;
    if (energy?.idle) await writer.updateRun({ idle_baseline: energy.idle });
    const t0 = Date.now();
    const serverWindow = this.serverWindowFactory(manager, ctx.serverUrls);
    const one: RunOne = async (b, index, total, remainingSeconds, judge) => {
      results[index] = { name: b.name, status: 'running' };
      await writer.prepareBenchmark(b.name);
      await writer.updateRun({ benchmarks: benchmarkEntries(results) });
      const executors = controller.active.length;
      // what a rebuild checks the trace file against, should this orchestrator be killed mid-benchmark
      const trace = await traceDigest(b.spec);
      const { result, failure, executorErrors, lost } = await runBenchmark(b, {
        controller,
        events: this,
        serverUrls: ctx.serverUrls,
        executorTargets,
        recordsPath: join(writer.benchmarkDir(b.name), 'records-{node}.jsonl'),
        timeout: this.timeout,
        signal: this.abort.signal,
        index,
        total,
        remainingSeconds,
        serverWindow: serverWindow?.(b.name, b.spec.server_urls),
        ...(trace ? { trace } : {}),
        onStarted: (started, executors) => writer.startBenchmark(started, executors, trace),
        energy: energy
          ? async (result) => {
              const power = await energy.measure(result).catch((err: Error) => {
                this.warn(`energy of ${b.name}: ${err.message}`);
                return undefined;
              });
              if (power) await writer.writePower(b.name, power);
            }
          : undefined,
      });
      result.parameters = benchmarkParameters(result.spec ?? b.spec, executors);
      if (result.status === 'completed')
        applyVerdict(
          result,
          benchmarkVerdict(result, {
            maxErrorRate: b.spec.max_error_rate,
            executorErrors,
            lostExecutors: lost,
          }),
        );
      else if (result.status === 'failed' && !result.reason && result.error)
        result.reason = result.error.message;
      if (result.saturation?.stopped_early)
        result.reason = [result.reason, saturationText(result.saturation)].filter(Boolean).join('; ');
      gateGenerator(result, b.spec);
      if (result.status !== 'interrupted') judge?.(result);
      results[index] = result;
      if (result.status === 'failed' || result.status === 'degraded')
        this.warn(`benchmark ${result.name} ${result.status}: ${result.reason}`);
      await writer.writeBenchmark(result);
      // why the benchmarks after this one cannot run, if they cannot
      const left = controller.active.length;
      const stop =
        left === 0
          ? `no executor left: ${[...controller.lost.keys()].join(', ')} lost`
          : failure
            ? `the run ended: benchmark ${b.name} failed (${errorLine(failure)})`
            : result.status === 'failed' && plan.onFailure === 'stop'
              ? `benchmark ${b.name} failed and orchestration.on_failure is stop`
              : undefined;
      if (stop && !this.abort.signal.aborted) skipRest(results, index + 1, stop);
      else if (lost.length && index + 1 < results.length)
        this.warn(`the next benchmarks run on the ${left} executor(s) left (lost: ${lost.join('; ')})`);
      await writer.updateRun({ benchmarks: benchmarkEntries(results) });
      this.emit('benchmark-done', { ...result, index, total });
      if (failure) {
        this.emit('phase', {
          phase: 'benchmarks',
          state: 'failed',
          elapsedMs: Date.now() - t0,
          error: errorInfo(failure),
        });
        throw failure;
      }
      return { result, halt: stop !== undefined };
    };
    if (plan.search) {
      const outcome = await runSearch(plan.search, one, this.abort.signal, (o) => {
        this.search = o;
      });
      this.emit('search-done', outcome);
    } else
      for (const [index, b] of plan.benchmarks.entries()) {
        if (this.abort.signal.aborted) break;
        const { halt } = await one(
          b,
          index,
          plan.benchmarks.length,
          plan.benchmarks
            .slice(index + 1)
            .reduce((n, x) => n + (x.spec.warmup ?? 0) + (x.spec.duration ?? 0), 0),
        );
        if (halt) break;
      }
    this.emit('phase', { phase: 'benchmarks', state: 'done', elapsedMs: Date.now() - t0 });
  }

  /** The idle baseline and per-benchmark energy, when the monitors report power (src/orchestrator/energy.ts). */
  private async energyPhase(plan: RunPlan, ctx: HookContext): Promise<RunEnergy | undefined> {
    const interval = this.options.monitorInterval ?? plan.monitoring?.interval ?? 5;
    const idle = this.options.idleBaseline ?? idleSeconds(interval);
    const t0 = Date.now();
    this.emit('phase', { phase: 'idle-baseline', state: 'start', detail: `${idle}s` });
    const energy = await startRunEnergy({
      runDir: ctx.runDir,
      idle,
      signal: this.abort.signal,
      warn: this.warn,
    });
    if (energy) this.emit('phase', { phase: 'idle-baseline', state: 'done', elapsedMs: Date.now() - t0 });
    else this.skip('idle-baseline', 'no GPU power or CPU energy readings');
    return energy;
  }

  /**
   * `distribution_strategy: static`: each executor's servers from `target_mapping` (E006 before anything
   * else runs when it does not fit the run's executors and servers), written to run.json as
   * `target_mapping`. Undefined for the other strategies (every executor gets every server).
   */
  private async staticTargets(
    plan: RunPlan,
    ctx: HookContext,
    clientEndpoints: string[],
    writer: ResultsWriter,
  ): Promise<string[][] | undefined> {
    if (plan.distributionStrategy !== 'static') return undefined;
    let urls: string[][];
    if (plan.targetMapping) {
      const resolved = resolveTargetMapping({
        mapping: plan.targetMapping,
        clientNodes: ctx.clientNodes,
        clientEndpoints,
        serverNodes: ctx.serverNodes,
        serverUrls: ctx.serverUrls,
        attach: (this.options.mode ?? 'attach') === 'attach',
        file: plan.recipeFile,
      });
      for (const w of resolved.warnings) this.warn(w);
      urls = resolved.urls;
    } else urls = pinnedTargets(ctx.clientNodes.length, ctx.serverUrls);
    await writer.updateRun({
      target_mapping: ctx.clientNodes.map((node, i) => ({
        executor: node,
        endpoint: clientEndpoints[i],
        server_urls: urls[i],
      })),
    });
    return urls;
  }

  /**
   * Per benchmark, a tracker of the servers' /metrics over its measurement window, when the service has
   * /metrics and `serverMetrics` is not false. Warnings are given once per run.
   */
  private serverWindowFactory(
    manager: BaseServerManager,
    serverUrls: string[],
  ): ((benchmark: string, urls?: string[]) => ServerWindowTracker) | undefined {
    const opt = this.options.serverMetrics ?? true;
    const metricsPath = manager.getMetricsPath();
    if (opt === false || !metricsPath) return undefined;
    const groundTruthPath = manager.getGroundTruthPath();
    const warned = new Set<string>();
    return (benchmark, urls) =>
      new ServerWindowTracker({
        targets: (urls?.length ? urls : serverUrls).map((url) => ({ url, metricsPath, groundTruthPath })),
        warn: this.warn,
        warned,
        benchmark,
        gaugeInterval: typeof opt === 'object' ? opt.gaugeInterval : undefined,
      });
  }

  /**
   * The exit code for run.json and the process (src/exit-codes.ts); interrupted: the abort reason's
   * `exitCode` (143 for SIGTERM) when it carries one; completed with a failed threshold: 99.
   */
  exitCode(status: RunStatus, internal = false, thresholdsFailed = false): number {
    const code = (this.abort.signal.reason as { exitCode?: unknown } | undefined)?.exitCode;
    if (status === 'completed' && thresholdsFailed) return EXIT_CODES.thresholds;
    return status === 'interrupted' && typeof code === 'number'
      ? code
      : exitCodeForStatus(status, { internal });
  }

  /** Stops everything the run started (reverse order); failures become warnings. */
  private async teardown(): Promise<void> {
    const t0 = Date.now();
    this.emit('phase', { phase: 'teardown', state: 'start' });
    for (const { name, s } of this.stoppables.reverse()) {
      try {
        await s.stop();
      } catch (err) {
        this.warn(`stopping ${name}: ${(err as Error).message}`);
      }
    }
    this.stoppables.length = 0;
    this.emit('phase', { phase: 'teardown', state: 'done', elapsedMs: Date.now() - t0 });
  }
}

/** `E00x: message` (or the message) of an error. */
function errorLine(err: unknown): string {
  const e = errorInfo(err);
  return e.code ? `${e.code}: ${e.message}` : e.message;
}

/** Marks the benchmarks from `from` on as skipped, with why. */
function skipRest(results: BenchmarkResult[], from: number, why: string): void {
  for (const r of results.slice(from)) {
    r.status = 'skipped';
    r.reason = `skipped: ${why}`;
  }
}

/** run.json's `benchmarks`: name, status and the reason when there is one. */
function benchmarkEntries(
  results: BenchmarkResult[],
): { name: string; status: BenchmarkStatus; reason?: string }[] {
  return results.map((r) => ({ name: r.name, status: r.status, ...(r.reason ? { reason: r.reason } : {}) }));
}
