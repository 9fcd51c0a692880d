/**
 * The seed's `BaseWorkloadController`: the client side of the executor REST API. Checks executors
 * (E002), starts a workload on all of them (E004; a scheduled load over several in two steps, prepare
 * then release, so they start on one instant), waits for them, collects and merges their metrics
 * exactly (E005), stops them. Transport failures name the node: timeouts E007, refused or broken
 * connections E008. Every call goes to all executors concurrently, at most `fanOut` at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ExecutorMetrics,
  HealthResponse,
  StartRequest,
  StartResponse,
  StatusResponse,
  WorkloadSpec,
} from '../contracts/index.js';
import { type LoadFields, loadFromFields, SHARED_START_LEAD_MS } from '../contracts/index.js';
import {
  ClientHealthError,
  HpcBenchError,
  MetricsCollectionError,
  TimeoutExceededError,
  WorkloadStartError,
} from '../errors.js';
import { endpointUrl, joinUrl } from '../util/endpoint.js';
import { mapAll, settleAll } from '../util/fan-out.js';
import {
  errorReason,
  type HttpResult,
  httpText,
  parseJson,
  TransportError,
  transportToHpcError,
} from '../util/http.js';
import { safeName } from '../util/names.js';
import { aggregate } from './aggregate.js';
import type {
  AggregatedMetrics,
  ExecutorStatus,
  ExecutorTarget,
  WorkloadControllerOptions,
} from './types.js';

/** Calls to executors in flight at once by default (health, start, status, metrics, stop). */
export const DEFAULT_FAN_OUT = 64;

/** A workload as the seed wrote it (durations may be strings, flat load fields) or a full WorkloadSpec. */
export type WorkloadConfig = StartRequest;

export interface StartOptions {
  /** Per-executor overrides (e.g. `records_path`); `{node}` in `records_path` is replaced anyway. */
  perExecutor?: (target: ExecutorTarget, index: number) => Partial<WorkloadSpec>;
}

/** `records_path` with `{node}` filled in for one executor (its own records file). */
export function executorRecordsPath(template: string, node: string): string {
  return template.replaceAll('{node}', safeName(node));
}

/**
 * The instant (epoch ms, SHARED_START_LEAD_MS from now) every executor of a scheduled load (open loop,
 * ramp, trace replay) over `n` executors starts its clock on, so that their phase-shifted schedules (a
 * trace's rows) merge into the arrival process asked for, not one shifted by when each started. Undefined
 * for one executor, a closed loop (its users start at once), or a workload with its own `start_at`.
 * `startWorkload` sends it in POST /start for an executor that does not know the release step, and holds
 * the start (`await_release`); once every executor is prepared it sends the instant in POST /release.
 */
export function sharedStart(config: WorkloadConfig, n: number): number | undefined {
  if (n < 2 || config.start_at !== undefined) return undefined;
  // a seed-style body gives the load as flat fields, read as the executor reads them
  const mode = 'load' in config && config.load ? config.load.mode : loadFromFields(config as LoadFields).mode;
  if (mode === 'closed') return undefined;
  return leadFromNow();
}

function leadFromNow(): number {
  return performance.timeOrigin + performance.now() + SHARED_START_LEAD_MS;
}

/** One executor's part of the current workload, as POST /start gave it. */
export interface StartedWorkload {
  /** Its answer to POST /start (`window_start`: when its measurement began). */
  start?: StartResponse;
  /** Its `executor_index` and `executor_count`. */
  index: number;
  count: number;
}

export class BaseWorkloadController {
  readonly clientNodes: string[];
  readonly port: number;
  readonly timeout: number;
  readonly executors: ExecutorTarget[];
  protected readonly options: WorkloadControllerOptions;
  private benchmark = 'default';
  /**
   * Executors lost during a workload (their /status or /metrics could not be fetched: killed, gone,
   * unreachable), node → why. A lost executor is left out of every later call of this controller.
   */
  readonly lost = new Map<string, string>();
  /** The executors of the current workload and what each answered to POST /start. */
  private started = new Map<ExecutorTarget, StartResponse | undefined>();

  constructor(clientNodes: string[], port: number, timeout = 600, options: WorkloadControllerOptions = {}) {
    if (options.endpoints && options.endpoints.length !== clientNodes.length) {
      throw new HpcBenchError(
        'E006',
        `${options.endpoints.length} executor endpoints given for ${clientNodes.length} client nodes`,
      );
    }
    this.clientNodes = clientNodes;
    this.port = port;
    this.timeout = timeout;
    this.options = options;
    this.executors = clientNodes.map((node, i) => ({
      node,
      url: endpointUrl(options.endpoints?.[i] ?? `${node}:${port}`, port),
    }));
  }

  /** The executors not lost: those later calls address. */
  get active(): ExecutorTarget[] {
    return this.executors.filter((t) => !this.lost.has(t.node));
  }

  protected get requestTimeout(): number {
    return this.options.requestTimeout ?? Math.min(this.timeout, 30);
  }

  protected get pollInterval(): number {
    return this.options.pollInterval ?? 1;
  }

  /** Executor calls in flight at once (`options.fanOut`, default DEFAULT_FAN_OUT). */
  get fanOut(): number {
    return Math.max(1, Math.floor(this.options.fanOut ?? DEFAULT_FAN_OUT));
  }

  /** `fn` on every executor, at most `fanOut` at once; outcomes in executor order. */
  protected settleEach<R>(
    fn: (t: ExecutorTarget, i: number) => Promise<R>,
    targets: readonly ExecutorTarget[] = this.executors,
  ): Promise<PromiseSettledResult<R>[]> {
    return settleAll(targets, this.fanOut, fn);
  }

  /** `fn` on every executor not lost, at most `fanOut` at once; rejects with the first failure. */
  protected mapEach<R>(fn: (t: ExecutorTarget, i: number) => Promise<R>): Promise<R[]> {
    return mapAll(this.active, this.fanOut, fn);
  }

  /** One request to one executor; transport failures become E007/E008 naming the node. */
  protected async call(
    target: ExecutorTarget,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<HttpResult> {
    const headers: Record<string, string> = {};
    if (method === 'POST' && this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const url = joinUrl(target.url, path);
    const options = { method, headers, body, timeout: this.requestTimeout };
    try {
      try {
        return await httpText(url, options);
      } catch (err) {
        // A GET (or the idempotent POST /stop) on a kept-alive socket the executor closed fails with a
        // reset: ask once more on a fresh connection, so the error says what the executor's state is
        // (answering, or refused). POST /start is never repeated.
        const idempotent = method === 'GET' || path === '/stop';
        if (!idempotent || !(err instanceof TransportError) || err.kind !== 'network') throw err;
        if (err.message === 'connection refused') throw err;
        return await httpText(url, options);
      }
    } catch (err) {
      throw transportToHpcError(err, `executor ${target.node} (${target.url}${path})`);
    }
  }

  /** GET a JSON body; non-200 or non-JSON answers become E005 naming the node. */
  protected async getJson<T>(target: ExecutorTarget, path: string): Promise<T> {
    const res = await this.call(target, 'GET', path);
    const body = res.status === 200 ? parseJson<T>(res.text) : undefined;
    if (body === undefined) {
      throw new MetricsCollectionError(
        `executor ${target.node}: GET ${path} answered HTTP ${res.status}: ${errorReason(res)}`,
      );
    }
    return body;
  }

  /** Why the last `verifyClientHealth` returned false (E002); undefined after true. */
  lastFailure?: ClientHealthError;

  /** True when every executor answers GET /health (as the seed); else false, reason in `lastFailure`. */
  async verifyClientHealth(): Promise<boolean> {
    this.lastFailure = await this.clientHealthFailure();
    return this.lastFailure === undefined;
  }

  /**
   * Checks every executor's GET /health, retrying every pollInterval until `healthTimeout` seconds pass
   * (`onWait` hears each round that left some unanswered). Resolves to undefined, or to the E002 naming
   * each executor that did not answer with its last error.
   */
  async clientHealthFailure(): Promise<ClientHealthError | undefined> {
    const t0 = Date.now();
    const timeoutS = this.options.healthTimeout ?? Math.min(this.timeout, 30);
    const deadline = t0 + timeoutS * 1000;
    const pending = new Map<ExecutorTarget, string>(this.executors.map((t) => [t, 'not checked']));
    for (;;) {
      await this.settleEach(
        async (t) => {
          try {
            const res = await this.call(t, 'GET', '/health');
            const body = parseJson<HealthResponse>(res.text);
            if (res.status !== 200 || body?.status !== 'ok')
              throw new Error(`HTTP ${res.status}: ${errorReason(res)}`);
            pending.delete(t);
          } catch (err) {
            pending.set(
              t,
              err instanceof Error ? err.message.replace(/^executor \S+ \([^)]*\): /, '') : String(err),
            );
          }
        },
        [...pending.keys()],
      );
      if (pending.size === 0) return undefined;
      this.options.onWait?.({
        what: 'workload executors (/health)',
        pending: [...pending].map(([t, lastError]) => ({ endpoint: t.node, lastError })),
        elapsedS: (Date.now() - t0) / 1000,
        timeoutS,
      });
      if (Date.now() + this.pollInterval * 1000 >= deadline) break;
      await sleep(this.pollInterval * 1000);
    }
    const failing = [...pending].map(([t, why]) => `${t.node} (${t.url}: ${why})`);
    return new ClientHealthError(
      `workload executor${failing.length > 1 ? 's' : ''} not healthy: ${failing.join('; ')}`,
      {
        hint: 'start `hpcbench executor` on each client node (or check --client-port / the executor endpoints)',
      },
    );
  }

  /** Each executor of the current workload: its node, `executor_index`/`executor_count` and POST /start answer. */
  startedWorkloads(): ({ node: string } & StartedWorkload)[] {
    const targets = [...this.started.keys()];
    return targets.map((t, index) => ({
      node: t.node,
      index,
      count: targets.length,
      start: this.started.get(t),
    }));
  }

  /**
   * Starts the workload on every executor (each gets executor_index/executor_count). If any executor
   * rejects it, the ones that started are stopped and E004 names each rejecting executor and its reason;
   * one whose answer did not come (E007, E008: it may have started) is stopped too.
   * A scheduled load over several executors starts in two steps: POST /start holds it (`await_release`)
   * while each executor prepares (reads its prompts or trace); once all answered `prepared`, POST
   * /release gives them one `start_at`, SHARED_START_LEAD_MS ahead. An executor that does not know the
   * release (it answers `started`) starts on the `start_at` of its POST /start, and the held ones are
   * released on that same instant.
   */
  async startWorkload(config: WorkloadConfig, options: StartOptions = {}): Promise<boolean> {
    this.benchmark = typeof config.benchmark === 'string' ? config.benchmark : 'default';
    const targets = this.active;
    const n = targets.length;
    this.started = new Map(targets.map((t) => [t, undefined]));
    const startAt = sharedStart(config, n);
    const hold =
      startAt !== undefined
        ? { start_at: startAt, await_release: true, release_timeout: this.releaseTimeout(n) }
        : {};
    const results = await this.settleEach(async (t, i) => {
      const body: Record<string, unknown> = {
        ...config,
        executor_index: i,
        executor_count: n,
        ...hold,
        ...options.perExecutor?.(t, this.executors.indexOf(t)),
      };
      if (typeof body.records_path === 'string')
        body.records_path = executorRecordsPath(body.records_path, t.node);
      const res = await this.call(t, 'POST', '/start', body);
      if (res.status !== 200)
        throw new WorkloadStartError(`${t.node}: HTTP ${res.status}: ${errorReason(res)}`);
      const answer = parseJson<StartResponse>(res.text);
      this.started.set(t, answer);
      return answer;
    }, targets);
    // an executor that answered with an error did not start; one whose answer never came may have
    const mayHaveStarted = targets.filter((_, i) => {
      const r = results[i];
      return r.status === 'fulfilled' || !(r.reason instanceof WorkloadStartError);
    });
    await this.failedStart('start', results, mayHaveStarted);
    if (startAt !== undefined) await this.release(targets, startAt);
    return true;
  }

  /**
   * Seconds a held start waits for its release: every round of POST /start (fanOut at once, each up to
   * requestTimeout) and the release's own.
   */
  private releaseTimeout(n: number): number {
    return (Math.ceil(n / this.fanOut) + 1) * this.requestTimeout;
  }

  /**
   * POST /release to every executor that answered `prepared`: `start_at` SHARED_START_LEAD_MS from now, or
   * `fallback` (the instant of their POST /start) when some executor did not know the release and
   * started on it. A failed release stops them all (E004).
   */
  private async release(targets: ExecutorTarget[], fallback: number): Promise<void> {
    const held = targets.filter((t) => this.started.get(t)?.status === 'prepared');
    if (held.length === 0) return;
    const at = held.length === targets.length ? leadFromNow() : fallback;
    const results = await this.settleEach(async (t) => {
      const res = await this.call(t, 'POST', '/release', { start_at: at });
      if (res.status !== 200)
        throw new WorkloadStartError(
          `${t.node}: POST /release answered HTTP ${res.status}: ${errorReason(res)}`,
        );
      const answer = parseJson<StartResponse>(res.text);
      this.started.set(t, answer);
      return answer;
    }, held);
    await this.failedStart('release', results, targets);
  }

  /** When some of `results` failed: stops `toStop` and throws the error naming each failure. */
  private async failedStart(
    what: 'start' | 'release',
    results: PromiseSettledResult<unknown>[],
    toStop: ExecutorTarget[],
  ): Promise<void> {
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length === 0) return;
    await this.settleEach((t) => this.call(t, 'POST', '/stop'), toStop);
    const first = failures[0];
    const text = failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; ');
    if (first instanceof WorkloadStartError) {
      throw new WorkloadStartError(
        `workload ${what} failed on ${failures.length} of ${results.length} executors: ${text}`,
      );
    }
    if (first instanceof HpcBenchError) {
      throw new (first.constructor as new (m: string, o?: object) => HpcBenchError)(
        `workload ${what} failed: ${text}`,
        { cause: first },
      );
    }
    throw first;
  }

  /** Every executor's GET /status (executors lost earlier left out). */
  async getStatus(): Promise<ExecutorStatus[]> {
    return this.mapEach(async (t) => ({ ...t, status: await this.getJson<StatusResponse>(t, '/status') }));
  }

  /**
   * GET /status of every executor; one that does not answer is lost (`lost`, with why) and left out. The
   * error of the last one is thrown when none answers.
   */
  private async statusOfSurvivors(): Promise<ExecutorStatus[]> {
    const targets = this.active;
    const settled = await this.settleEach(
      async (t) => ({ ...t, status: await this.getJson<StatusResponse>(t, '/status') }),
      targets,
    );
    const out: ExecutorStatus[] = [];
    let last: unknown;
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled') out.push(r.value);
      else {
        last = r.reason;
        this.lost.set(targets[i].node, errorMessage(r.reason));
      }
    });
    if (out.length === 0 && last !== undefined) throw last;
    return out;
  }

  /**
   * Polls GET /status every pollInterval until no executor is running. With `timeout` (seconds), E007
   * names the executors still running when it passes. `onStatus` sees every poll. With `tolerateLoss`, an
   * executor that stops answering is lost (`lost`) and the others are waited for; the error is thrown
   * only when no executor answers.
   */
  async waitForCompletion(
    opts: {
      timeout?: number;
      signal?: AbortSignal;
      onStatus?: (s: ExecutorStatus[]) => void;
      tolerateLoss?: boolean;
    } = {},
  ): Promise<ExecutorStatus[]> {
    const deadline = opts.timeout === undefined ? Number.POSITIVE_INFINITY : Date.now() + opts.timeout * 1000;
    for (;;) {
      const statuses = opts.tolerateLoss ? await this.statusOfSurvivors() : await this.getStatus();
      opts.onStatus?.(statuses);
      const running = statuses.filter((s) => s.status.running);
      if (running.length === 0 || opts.signal?.aborted) return statuses;
      if (Date.now() >= deadline) {
        throw new TimeoutExceededError(
          `workload still running after ${opts.timeout}s on: ${running.map((s) => s.node).join(', ')}`,
        );
      }
      await sleep(Math.min(this.pollInterval * 1000, Math.max(0, deadline - Date.now())), undefined, {
        signal: opts.signal,
      }).catch(() => undefined);
    }
  }

  /** Every executor's GET /metrics, merged exactly into the seed's aggregate shape. */
  async getMetrics(): Promise<AggregatedMetrics> {
    const per = await this.mapEach(async (t) => ({
      node: t.node,
      metrics: await this.getJson<ExecutorMetrics>(t, '/metrics'),
    }));
    return aggregate(per, this.benchmark);
  }

  /**
   * GET /metrics of every executor of the current workload that still answers, merged exactly; `lost`
   * names the others with why (after a loss mid-benchmark, what the survivors measured is kept). With
   * `rebuild`, the measurements of an executor whose /metrics cannot be fetched are rebuilt (from its
   * records file) and merged too; `rebuilt` names those. Undefined metrics when there is nothing to merge.
   */
  async getAvailableMetrics(
    opts: {
      rebuild?: (target: ExecutorTarget, workload: StartedWorkload) => Promise<ExecutorMetrics | undefined>;
    } = {},
  ): Promise<{ metrics?: AggregatedMetrics; lost: string[]; rebuilt: string[] }> {
    const targets = this.started.size ? [...this.started.keys()] : this.active;
    const rebuilt: string[] = [];
    const settled = await this.settleEach(async (t, index) => {
      const known = this.lost.get(t.node);
      try {
        if (known !== undefined) throw new Error(known);
        return { node: t.node, metrics: await this.getJson<ExecutorMetrics>(t, '/metrics') };
      } catch (err) {
        this.lost.set(t.node, known ?? errorMessage(err));
        const workload = { start: this.started.get(t), index, count: targets.length };
        const metrics = await opts.rebuild?.(t, workload);
        if (!metrics) throw err;
        rebuilt.push(t.node);
        return { node: t.node, metrics };
      }
    }, targets);
    const per = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = targets.flatMap((t) =>
      this.lost.has(t.node) ? [`${t.node} (${this.lost.get(t.node)})`] : [],
    );
    return { metrics: per.length ? aggregate(per, this.benchmark) : undefined, lost, rebuilt };
  }

  /** POST /stop on every executor; returns true when all stopped (E007/E008/E005 otherwise). */
  async stopWorkload(): Promise<boolean> {
    const results = await this.settleEach(async (t) => {
      const res = await this.call(t, 'POST', '/stop');
      if (res.status !== 200) {
        throw new MetricsCollectionError(
          `executor ${t.node}: POST /stop answered HTTP ${res.status}: ${errorReason(res)}`,
        );
      }
    }, this.active);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return true;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
