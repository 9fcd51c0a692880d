/**
 * `startLoad(spec)`: runs one workload on this executor (closed loop, open loop when `target_rps` is
 * set, or a trace replay) and returns a handle with live status and snapshots. `prepareLoad(spec)` does
 * the same in two steps: everything before the clock starts (prepare-load.ts), then `start(startAt)`.
 * Configuration problems (dataset files, api choice) throw E006 synchronously, while preparing; request
 * failures are data.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_CAPS } from '../../contracts/caps.js';
import {
  type ExecutorLoad,
  isScheduledLoad,
  type MetricsSnapshot,
  PACER_POLL_MS,
  type RequestRecord,
  type ServiceCapabilities,
  START_AT_TOLERANCE_MS,
  type StatusResponse,
  type WorkloadSpec,
} from '../../contracts/index.js';
import { LATE_MS } from '../../metrics/recorder.js';
import { nowMs } from '../record.js';
import { executorMaxRequests } from '../schedule/share.js';
import { runClosedLoop } from './closed-loop.js';
import { RunContext } from './context.js';
import { yieldHelperThreads } from './helper-threads.js';
import { runOpenLoop } from './open-loop.js';
import { type Prepared, prepare } from './prepare-load.js';
import { runSessionUsers, Sessions } from './sessions.js';
import type { RunUser } from './user-hook.js';
import { wakerThreads } from './waker.js';

export interface LoadOptions {
  /** What the service speaks (its registration's capabilities): the request client follows them. */
  capabilities: ServiceCapabilities;
  /** Called with every finished request (warmup included), after it was recorded. */
  onRecord?(r: RequestRecord): void;
  /** Executor name: record ids, snapshot source. */
  source?: string;
  log?(msg: string): void;
  /** The per-user hook (closed loop only; see user-hook.ts). */
  runUser?: RunUser;
  /** Open loop without max_concurrency: requests in flight at most (default DEFAULT_CAPS.maxConcurrency). */
  maxInFlight?: number;
}

export interface LoadRun {
  /** Client loops started: users in closed loop; in open loop the concurrency cap, or 1 (the dispatcher). */
  threads: number;
  /** Epoch ms the measurement begins (after warmup). */
  windowStart: number;
  status(): Partial<StatusResponse>;
  snapshot(): MetricsSnapshot;
  /** Stops sending, cancels in-flight requests (counted as cancelled), resolves to the final snapshot. */
  stop(): Promise<MetricsSnapshot>;
  done: Promise<MetricsSnapshot>;
}

/**
 * A workload prepared to run (`prepareLoad`): checked, its prompts or trace read, its client and records
 * file open; its clock not started.
 */
export interface PreparedLoad {
  /** Client loops the run starts (its `threads`). */
  readonly threads: number;
  /** Milliseconds preparing it took (reading its prompts or trace, for the most part). */
  readonly prepareMs: number;
  /**
   * Starts the run, once. A scheduled load's clock starts on `startAt` (epoch ms, shared by the executors)
   * when it is within START_AT_TOLERANCE_MS of this node's clock, else now; `by` says who gave it (the
   * start body, or POST /release once every executor was prepared) in the log's warnings.
   */
  start(startAt?: number, by?: 'start' | 'release'): LoadRun;
  /** Closes what preparing opened (client, records file) when the run will not start. */
  discard(): Promise<void>;
}

/** Client loops of a load: users in closed loop; in open loop the concurrency cap, or 1 (the dispatcher). */
function threadsOf(load: WorkloadSpec['load']): number {
  if (isScheduledLoad(load)) return load.max_concurrency ?? 1;
  return load.mode === 'closed' ? Math.max(1, load.clients_per_node) : 1;
}

/** Prepares `spec` to run (configuration problems throw E006 here); `start()` runs it. */
export function prepareLoad(spec: WorkloadSpec, opts: LoadOptions): PreparedLoad {
  const p = prepare(spec, opts);
  let used = false;
  return {
    threads: threadsOf(spec.load),
    prepareMs: p.prepareMs,
    start(startAt, by = 'start') {
      if (used) throw new Error('a prepared load starts once');
      used = true;
      return run(p, opts, startAt, by);
    },
    async discard() {
      if (used) return;
      used = true;
      p.recorder.destroy();
      await p.client.close();
      await p.writer?.close();
    },
  };
}

export function startLoad(spec: WorkloadSpec, opts: LoadOptions): LoadRun {
  return prepareLoad(spec, opts).start(spec.start_at);
}

/** The warning of a scheduled load whose clock did not start on `startAt` as asked, or started late. */
function startWarning(
  p: Prepared,
  ctx: RunContext,
  startAt: number,
  by: 'start' | 'release',
): string | undefined {
  const ready = nowMs();
  const prepared = `preparing the run (its prompts) took ${Math.round(p.prepareMs)} ms`;
  if (ctx.t0 !== startAt)
    return `warning: start_at ${new Date(startAt).toISOString()} is more than ${START_AT_TOLERANCE_MS} ms from this node's clock (not synchronised?; ${prepared}): starting now instead, so this executor's arrivals are not aligned with the others'`;
  if (ready - startAt <= LATE_MS) return undefined;
  const late =
    by === 'release'
      ? `got POST /release ${Math.round(ready - startAt)} ms after the start_at it gives (the release's way here took longer than its lead; ${prepared}, before the release)`
      : `was ready ${Math.round(ready - startAt)} ms after the shared start (start_at; ${prepared})`;
  return `warning: this executor ${late}: the arrivals due before are sent late, back to back, and their schedule lag says so; a warmup longer than that (now ${p.spec.warmup} s) keeps them out of the measurement`;
}

function run(p: Prepared, opts: LoadOptions, startAt: number | undefined, by: 'start' | 'release'): LoadRun {
  const spec: WorkloadSpec = { ...p.spec, start_at: startAt };
  const { source, schedule, prompts, conversations, trace, client, recorder, writer } = p;
  const load = spec.load;
  // sends and stamps before V8's and libuv's helper threads where they share a core (helper-threads.ts)
  yieldHelperThreads(wakerThreads());
  const ctx = new RunContext(
    spec,
    client,
    prompts,
    recorder,
    source,
    executorMaxRequests(spec),
    writer,
    opts.onRecord,
  );
  const warning =
    startAt !== undefined && load.mode !== 'closed' ? startWarning(p, ctx, startAt, by) : undefined;
  if (warning) opts.log?.(warning);
  const sessions = spec.session ? new Sessions(ctx, spec.session, conversations) : undefined;
  const threads = threadsOf(load);
  let finished = false;
  let final: MetricsSnapshot | undefined;
  const usage = executorUsage();
  const snapshot = (): MetricsSnapshot => {
    if (final) return final;
    const s = recorder.snapshot();
    s.last_send = ctx.lastSend;
    s.executor_load = usage();
    s.connections = client.connections();
    if (sessions) s.sessions = sessions.counts.counts();
    return s;
  };
  opts.log?.(
    load.mode === 'ramp'
      ? `rate ramp (${load.ramp}): ${load.ramp_start_rps} -> ${load.ramp_end_rps} req/s over all executors, ${schedule?.distribution} to ${spec.server_url}`
      : schedule
        ? `open loop: ${schedule.rate.toFixed(3)} req/s ${schedule.distribution} to ${spec.server_url}`
        : trace
          ? `trace replay: ${trace.share.length} of ${prompts.size} rows, time scale ${load.mode === 'trace' ? (load.time_scale ?? 1) : 1}, to ${spec.server_url}`
          : `closed loop: ${threads} users to ${spec.server_url}`,
  );
  if (sessions)
    opts.log?.(
      `multi-turn sessions: ${load.mode === 'closed' ? 'each user runs' : 'each arrival starts'} one`,
    );
  const done = (async () => {
    try {
      if (isScheduledLoad(load) && schedule)
        await runOpenLoop(
          ctx,
          schedule,
          load.max_concurrency ?? opts.maxInFlight ?? DEFAULT_CAPS.maxConcurrency,
          load.pacer_poll_ms,
          undefined,
          sessions,
        );
      else if (load.mode === 'closed')
        await (sessions ? runSessionUsers(ctx, load, sessions) : runClosedLoop(ctx, load, opts.runUser));
      else if (trace) {
        const sched = trace.schedule();
        const cap = opts.maxInFlight ?? DEFAULT_CAPS.maxConcurrency;
        await runOpenLoop(ctx, sched, cap, PACER_POLL_MS, () => sched.prompt());
      }
      await sessions?.settled();
      await ctx.drain();
    } finally {
      ctx.dispose();
      finished = true;
      await client.close();
      await writer?.close();
    }
    final = snapshot();
    recorder.destroy();
    return final;
  })();
  return {
    threads,
    windowStart: ctx.warmupEnd,
    status: () => {
      const c = recorder.counters;
      const ttft = finished ? undefined : recorder.percentile('ttft', 50);
      return {
        running: !finished,
        phase: finished ? 'done' : ctx.phase(),
        threads_active: finished ? 0 : threads,
        requests_sent: c.sent + ctx.inflightMeasured(),
        requests_ok: c.ok,
        requests_failed: c.failed,
        ...(ttft !== undefined ? { ttft_p50_ms: ttft } : {}),
        ...(ctx.failure ? { error: ctx.failure } : {}),
      };
    },
    snapshot,
    stop: async () => {
      ctx.stop();
      return done;
    },
    done,
  };
}

/**
 * This process's CPU time and event-loop utilisation since the call, as figures of the load generator's
 * own load (the validity gate, src/decide/generator-gate.ts, reads them). An executor runs one load at a
 * time, so the process's figures are the load's.
 */
function executorUsage(): () => ExecutorLoad {
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    const wallMs = Math.max(1, performance.now() - t0);
    return {
      cpu_cores: (cpu.user + cpu.system) / 1000 / wallMs,
      event_loop_utilization: performance.eventLoopUtilization(elu0).utilization,
    };
  };
}
