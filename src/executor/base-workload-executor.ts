/**
 * The seed's `BaseWorkloadExecutor`: an HTTP server on a client node that runs one workload at a time
 * and reports its metrics. Routes: GET /health (open), POST /start, POST /release, GET /status,
 * GET /metrics, GET /metrics/prometheus, POST /stop. POST routes need `Authorization: Bearer <token>` when
 * a token is set. A held start (`await_release`) prepares the run and waits for POST /release, which
 * starts its clock (the controller's shared start, docs/load-generation.md#shared-start). The service's
 * capabilities (its registration's: which APIs it speaks, its default API) choose the request client;
 * subclasses name the service and may implement the per-user hook.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { capViolations, DEFAULT_CAPS, type ExecutorCaps } from '../contracts/caps.js';
import {
  type ExecutorMetrics,
  type HealthResponse,
  isScheduledLoad,
  MAX_BODY_BYTES,
  type MetricsSnapshot,
  promptFile,
  type ServiceCapabilities,
  type StartResponse,
  type StatusResponse,
  type WorkloadSpec,
} from '../contracts/index.js';
import { ConfigValidationError, isHpcBenchError } from '../errors.js';
import { apiOf, type ClosedLoopWorkload, type UserContext } from '../loadgen/index.js';
import { VERSION } from '../version.js';
import { bearerMatches } from './auth.js';
import { type Confinement, confineDataset, confineRecords } from './confine.js';
import { defaultLoadEngine } from './default-engine.js';
import { emptyExecutorMetrics } from './empty-metrics.js';
import type { LoadEngine, LoadRunLike, PreparedLoadLike } from './load-engine.js';
import { parseRelease, parseWorkloadSpec } from './spec-schema.js';

export interface WorkloadExecutorOptions {
  /**
   * What the service speaks; `ServiceFactory.createWorkloadExecutor` passes the registration's. Default:
   * the class's static `capabilities` (the built-in executors have one).
   */
  capabilities?: ServiceCapabilities;
  host?: string;
  /** Bearer token required on POST endpoints; none = open. */
  token?: string;
  /** Node name reported in /health and used as the snapshot source. */
  node?: string;
  /** Load generator and metrics functions (default: the real ones). */
  engine?: LoadEngine;
  maxBodyBytes?: number;
  log?: (msg: string) => void;
  /** Caps on one workload (users, rate, concurrency, dataset bytes); default DEFAULT_CAPS. */
  caps?: ExecutorCaps;
  /** Folders records and datasets of a start body must lie in; none = not confined (in-process use). */
  confine?: Confinement;
  /** Started without a token on purpose (--insecure): every /start logs a warning. */
  insecure?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** A POST body must be JSON: a form or text/plain (a browser's "simple" request, no CORS preflight) is 415. */
function jsonContentType(header: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(header ?? '');
}

interface Current {
  spec: WorkloadSpec;
  /** The run, once started (none while held, nor when dropped before its release). */
  run?: LoadRunLike;
  /** A held start waiting for its POST /release, and the timer that drops it. */
  held?: { prepared: PreparedLoadLike; timer: NodeJS.Timeout };
  prepareMs?: number;
  /** When the run started (while held: when it was prepared). */
  startedAt: number;
  endedAt?: number;
  final?: MetricsSnapshot;
  error?: string;
}

/** Why POST /release has nothing to start (a 409). */
class NothingToRelease extends Error {}

export class BaseWorkloadExecutor {
  readonly app = new Hono();
  readonly port: number;
  readonly node: string;
  protected readonly options: WorkloadExecutorOptions;
  private engineRef?: LoadEngine;
  private current?: Current;
  private server?: ServerType;

  constructor(port = 5000, options: WorkloadExecutorOptions = {}) {
    this.port = port;
    this.options = options;
    this.node = options.node ?? 'localhost';
    this.engineRef = options.engine;
    this.routes();
  }

  /** The service name used in /health and as the Prometheus metric prefix. */
  getServiceName(): string {
    return 'base';
  }

  /**
   * The per-user hook (the seed's `_run_benchmark(workload_config, thread_id)`): when a subclass defines
   * it, the load generator calls it once per user (`threadId` 0 .. clients_per_node−1, closed loop only)
   * instead of its own request loop; `user` sends or measures requests (see loadgen/run/user-hook.ts and
   * docs/extending.md).
   */
  runBenchmark?(workload: ClosedLoopWorkload, threadId: number, user: UserContext): Promise<void>;

  /** Per-service adjustments of a validated spec, before it runs (none by default). */
  protected prepareSpec(spec: WorkloadSpec): WorkloadSpec {
    return spec;
  }

  protected engine(): LoadEngine {
    this.engineRef ??= defaultLoadEngine;
    return this.engineRef;
  }

  /** The current (or last) workload as it was started, after validation and `prepareSpec`. */
  get workload(): WorkloadSpec | undefined {
    return this.current?.spec;
  }

  get running(): boolean {
    return this.current !== undefined && this.current.endedAt === undefined;
  }

  private log(msg: string): void {
    this.options.log?.(msg);
  }

  private elapsed(c: Current): number {
    return c.run ? ((c.endedAt ?? Date.now()) - c.startedAt) / 1000 : 0;
  }

  private snapshot(c: Current): MetricsSnapshot | undefined {
    return c.final ?? c.run?.snapshot();
  }

  /** The seed's GET /metrics answer for the current (or last) workload. */
  metrics(): ExecutorMetrics {
    const c = this.current;
    const snap = c && this.snapshot(c);
    if (!c || !snap) return emptyExecutorMetrics();
    return this.engine().toExecutorMetrics(snap, this.elapsed(c));
  }

  private routes(): void {
    const app = this.app;
    const token = this.options.token;
    app.use(
      '*',
      bodyLimit({
        maxSize: this.options.maxBodyBytes ?? MAX_BODY_BYTES,
        onError: (c) => c.json({ error: 'request body too large' }, 413),
      }),
    );
    app.use('*', async (c, next) => {
      if (c.req.method !== 'POST') return next();
      const hasBody = Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding');
      if ((c.req.path === '/start' || hasBody) && !jsonContentType(c.req.header('content-type')))
        return c.json({ error: 'POST bodies must be sent with content-type: application/json' }, 415);
      return next();
    });
    if (token) {
      app.use('*', async (c, next) => {
        if (c.req.method === 'POST' && !bearerMatches(c.req.header('authorization'), token)) {
          return c.json({ error: 'missing or wrong bearer token (Authorization: Bearer <token>)' }, 401);
        }
        await next();
      });
    }
    app.get('/health', (c) => {
      const body: HealthResponse = {
        service: this.getServiceName(),
        status: 'ok',
        node: this.node,
        version: VERSION,
        running: this.running,
      };
      return c.json(body);
    });
    app.post('/start', async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: 'body is not valid JSON' }, 400);
      }
      if (this.running) {
        const b = this.current?.spec.benchmark;
        const what = this.current?.held
          ? `prepared (benchmark ${b}), waiting for its POST /release`
          : `already running (benchmark ${b})`;
        return c.json({ error: `a workload is ${what}; POST /stop first` }, 409);
      }
      const parsed = parseWorkloadSpec(body, this.getServiceName());
      if (!parsed.ok) return c.json({ error: parsed.error }, 400);
      if (this.options.insecure)
        this.log(
          'warning: started with --insecure (no token): anyone who can reach this port can start load',
        );
      const refused = this.refuse(parsed.spec);
      if (refused)
        return c.json({ error: refused.error, ...(refused.cap ? { cap: refused.cap } : {}) }, refused.status);
      try {
        return c.json(await this.start(this.prepareSpec(parsed.spec), parsed.hold));
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        return c.json(
          { error: msg, code: isHpcBenchError(err) ? err.code : undefined },
          isHpcBenchError(err) ? 400 : 500,
        );
      }
    });
    app.post('/release', async (c) => {
      const parsed = parseRelease(await c.req.text());
      if (!parsed.ok) return c.json({ error: parsed.error }, 400);
      try {
        return c.json(this.release(parsed.startAt));
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        return c.json({ error: msg }, err instanceof NothingToRelease ? 409 : 500);
      }
    });
    app.get('/status', (c) => c.json(this.status()));
    app.get('/metrics', async (c) => c.json(this.metrics()));
    app.get('/metrics/prometheus', (c) =>
      c.text(this.prometheusText(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
    );
    app.post('/stop', async (c) => {
      await this.stop();
      return c.json({ status: 'stopped' as const, final_metrics: this.metrics() });
    });
    app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  }

  /** Why a validated spec may not run here (a cap, a path outside the confined folders), if it may not. */
  private refuse(spec: WorkloadSpec): { status: 400 | 403; error: string; cap?: string } | undefined {
    const caps = this.options.caps ?? DEFAULT_CAPS;
    const l = spec.load;
    // a trace's rate is the trace's own (its size is capped as a dataset's)
    const load =
      l.mode === 'closed'
        ? { clients_per_node: l.clients_per_node }
        : isScheduledLoad(l)
          ? {
              target_rps: l.mode === 'open' ? l.target_rps : Math.max(l.ramp_start_rps, l.ramp_end_rps),
              max_concurrency: l.max_concurrency,
              executor_count: spec.executor_count,
            }
          : {};
    const over = capViolations(load, caps)[0];
    if (over) return { status: 400, error: `${over.field}: ${over.message}`, cap: over.field };
    const c = this.options.confine;
    if (!c) return undefined;
    if (spec.records_path) {
      const r = confineRecords(spec.records_path, c);
      if (!r.ok) return { status: 403, error: r.error };
    }
    const file = promptFile(spec.prompts);
    if (file !== undefined) {
      const r = confineDataset(file, { ...c, maxDatasetBytes: caps.maxDatasetBytes });
      if (!r.ok) return { status: 403, error: r.error };
    }
    return undefined;
  }

  /** Prometheus text of the current (or last) workload, with the seed's metric names. */
  prometheusText(): string {
    const snap = this.current && this.snapshot(this.current);
    return snap ? this.engine().renderPrometheus(this.getServiceName(), snap) : '';
  }

  /**
   * Starts a workload (the HTTP layer validated it) with the service's default API when it names none;
   * resolves to the seed's start answer. With `hold` it only prepares it (answer `status: 'prepared'`)
   * and waits for `release()`, at most `hold.releaseTimeoutS` seconds, after which it drops it with an
   * error.
   */
  async start(given: WorkloadSpec, hold?: { releaseTimeoutS: number }): Promise<StartResponse> {
    const engine = this.engine();
    if (this.running) throw new Error('a workload is already running');
    const own = (this.constructor as { capabilities?: ServiceCapabilities }).capabilities;
    const capabilities = this.options.capabilities ?? own;
    if (!capabilities)
      throw new ConfigValidationError(
        `executor ${this.getServiceName()}: no service capabilities; create it with ServiceFactory.createWorkloadExecutor(name) or pass options.capabilities`,
      );
    const spec = { ...given, api: apiOf(given, capabilities) };
    const hook = this.runBenchmark?.bind(this);
    const prepared = engine.prepareLoad(spec, {
      capabilities,
      source: this.node,
      log: (m) => this.log(m),
      runUser: hook,
      maxInFlight: (this.options.caps ?? DEFAULT_CAPS).maxConcurrency,
    });
    const prepareMs = prepared.prepareMs === undefined ? undefined : Math.round(prepared.prepareMs);
    const cur: Current = { spec, prepareMs, startedAt: Date.now() };
    if (!hold) {
      const run = prepared.start(spec.start_at, 'start');
      this.current = cur;
      return this.begin(cur, run);
    }
    this.current = cur;
    const s = hold.releaseTimeoutS;
    const timer = setTimeout(
      () =>
        this.drop(
          cur,
          `no POST /release within ${s} s of being prepared (the controller gone?): benchmark ${spec.benchmark} was not started`,
        ),
      s * 1000,
    );
    timer.unref();
    cur.held = { prepared, timer };
    this.log(
      `prepared benchmark ${spec.benchmark} in ${prepareMs ?? '?'} ms: waiting for POST /release (at most ${s} s)`,
    );
    return {
      status: 'prepared',
      threads: prepared.threads,
      ...(prepareMs !== undefined ? { prepare_ms: prepareMs } : {}),
    };
  }

  /**
   * Starts the held workload (POST /release); a scheduled load's clock on `startAt` (epoch ms; none:
   * now). Throws NothingToRelease when no workload is waiting for its release.
   */
  release(startAt?: number): StartResponse {
    const c = this.current;
    if (!c?.held) {
      const why = c?.error && !c.run ? `: benchmark ${c.spec.benchmark} was dropped (${c.error})` : '';
      throw new NothingToRelease(
        `no workload is waiting for its release${why}; POST /start with await_release: true first`,
      );
    }
    const { prepared, timer } = c.held;
    clearTimeout(timer);
    c.held = undefined;
    let run: LoadRunLike;
    try {
      run = prepared.start(startAt, 'release');
    } catch (err) {
      c.error = err instanceof Error ? err.message : String(err);
      c.endedAt = Date.now();
      throw err;
    }
    return this.begin(c, run);
  }

  /** The run of `cur` started: its log line, its outcome kept, the start answer. */
  private begin(cur: Current, run: LoadRunLike): StartResponse {
    const spec = cur.spec;
    cur.run = run;
    cur.startedAt = Date.now();
    const prepared = cur.prepareMs !== undefined ? `, prepared in ${cur.prepareMs} ms` : '';
    this.log(
      `started benchmark ${spec.benchmark}: ${run.threads} client loops against ${spec.server_url}${prepared}`,
    );
    run.done.then(
      (snap) => {
        cur.final = snap;
        cur.endedAt ??= Date.now();
        this.log(`benchmark ${spec.benchmark} finished`);
      },
      (err: unknown) => {
        cur.error = err instanceof Error ? err.message : String(err);
        cur.endedAt ??= Date.now();
        this.log(`benchmark ${spec.benchmark} failed: ${cur.error}`);
      },
    );
    return {
      status: 'started',
      threads: run.threads,
      ...(run.windowStart !== undefined ? { window_start: run.windowStart } : {}),
      ...(cur.prepareMs !== undefined ? { prepare_ms: cur.prepareMs } : {}),
    };
  }

  /** Drops a held workload without running it (POST /stop, or no release in time: `error`). */
  private drop(cur: Current, error?: string): Promise<void> {
    const held = cur.held;
    if (!held) return Promise.resolve();
    clearTimeout(held.timer);
    cur.held = undefined;
    cur.endedAt = Date.now();
    if (error) cur.error = error;
    this.log(
      error ? `error: ${error}` : `benchmark ${cur.spec.benchmark} stopped before its release: not started`,
    );
    return held.prepared.discard().catch((err: unknown) => {
      this.log(`benchmark ${cur.spec.benchmark}: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  status(): StatusResponse {
    const c = this.current;
    if (!c) return { running: false, elapsed_seconds: 0, threads_active: 0, phase: 'idle' };
    const s = c.run?.status() ?? {};
    const running = c.endedAt === undefined;
    return {
      ...s,
      running,
      elapsed_seconds: this.elapsed(c),
      threads_active: running && c.run ? (s.threads_active ?? c.run.threads) : 0,
      benchmark: c.spec.benchmark,
      phase: c.held ? 'prepared' : running ? (s.phase ?? 'measuring') : 'done',
      ...(c.prepareMs !== undefined ? { prepare_ms: c.prepareMs } : {}),
      ...(c.error ? { error: c.error } : {}),
    };
  }

  /** Stops the running workload (in-flight requests count as cancelled); a no-op when idle. */
  async stop(): Promise<void> {
    const c = this.current;
    if (!c || c.endedAt !== undefined) return;
    if (!c.run) return this.drop(c);
    try {
      c.final = await c.run.stop();
    } catch (err) {
      c.error = err instanceof Error ? err.message : String(err);
    }
    c.endedAt ??= Date.now();
  }

  /** Starts listening (port 0 picks a free port); resolves to the URL and the actual port. */
  async listen(): Promise<{ url: string; port: number }> {
    const host = this.options.host ?? '127.0.0.1';
    if (!this.options.token && !LOOPBACK.has(host))
      throw new ConfigValidationError(
        `an executor without a token listens on loopback only (127.0.0.1, ::1), not ${host}: give it a token ($HPCBENCH_TOKEN or --token-file)`,
      );
    const server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: this.app.fetch, port: this.port, hostname: host }, () => resolve(s));
      s.once('error', reject);
    });
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    const shown = host.includes(':') ? `[${host}]` : host;
    return { url: `http://${shown}:${port}`, port };
  }

  /** The seed's `run()`: start serving. */
  run(): Promise<{ url: string; port: number }> {
    return this.listen();
  }

  /** Stops any workload and the HTTP server. */
  async close(): Promise<void> {
    await this.stop();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  }
}
