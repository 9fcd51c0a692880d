/**
 * `startLoad(spec)`: runs one workload on this executor (closed loop, open loop when `target_rps` is
 * set, or a trace replay) and returns a handle with live status and snapshots. Configuration problems (dataset files, api
 * choice) throw E006 synchronously; request failures are data.
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
  sessionRefusal,
  type WorkloadSpec,
} from '../../contracts/index.js';
import { ConfigValidationError } from '../../errors.js';
import { LATE_MS, MetricsRecorder } from '../../metrics/recorder.js';
import { apiOf, createServiceClient } from '../clients/index.js';
import { loadConversations, loadPrompts } from '../datasets/index.js';
import type { TracePromptSet } from '../datasets/trace.js';
import type { PromptSet } from '../datasets/types.js';
import { nowMs } from '../record.js';
import { executorMaxRequests, executorSchedule, recordedRequestedRps } from '../schedule/share.js';
import { runClosedLoop } from './closed-loop.js';
import { RunContext } from './context.js';
import { yieldHelperThreads } from './helper-threads.js';
import { runOpenLoop } from './open-loop.js';
import { RecordWriter } from './record-writer.js';
import { runSessionUsers, Sessions } from './sessions.js';
import { executorTrace } from './trace-replay.js';
import { hookLoadRefusal, type RunUser } from './user-hook.js';
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

/** Why `cancel.after_tokens` needs a streamed response (the recipe rules say the same). */
export const CANCEL_TOKENS_NEED_STREAM =
  'needs stream: true (a non-streamed response arrives whole, so no token arrives before it ends); cancel non-streamed requests with after: DELAY';

/** The trace a trace replay replays: its prompt set must be a trace's (E006 otherwise). */
function traceOf(prompts: PromptSet): TracePromptSet {
  if (!('rows' in prompts)) {
    const message =
      'mode trace replays a trace file: give prompts {source: trace, format: mooncake|burstgpt, path}';
    throw new ConfigValidationError(`workload.load: ${message}`, [
      { severity: 'error', path: 'workload.load', message },
    ]);
  }
  return prompts as TracePromptSet;
}

export function startLoad(spec: WorkloadSpec, opts: LoadOptions): LoadRun {
  const received = nowMs();
  const source = opts.source ?? `executor${spec.executor_index ?? 0}`;
  const refused = opts.runUser ? hookLoadRefusal(spec.load.mode) : undefined;
  if (refused)
    throw new ConfigValidationError(`workload.target_rps: ${refused}`, [
      { severity: 'error', path: 'workload.target_rps', message: refused },
    ]);
  const sessionRefused = spec.session
    ? sessionRefusal(apiOf(spec, opts.capabilities), spec.load.mode)
    : undefined;
  if (sessionRefused)
    throw new ConfigValidationError(`workload.session: ${sessionRefused}`, [
      { severity: 'error', path: 'workload.session', message: sessionRefused },
    ]);
  if (spec.session && opts.runUser) {
    const message =
      'the service runs a per-user hook (runBenchmark), which sends its own requests: remove session';
    throw new ConfigValidationError(`workload.session: ${message}`, [
      { severity: 'error', path: 'workload.session', message },
    ]);
  }
  const schedule = executorSchedule(spec);
  const prompts = loadPrompts(spec);
  const conversations = spec.session ? loadConversations(spec) : undefined;
  if (spec.session && spec.session.turns === undefined && !conversations) {
    const message =
      'give turns (per session, or a distribution): only a ShareGPT dataset brings its own conversations';
    throw new ConfigValidationError(`workload.session.turns: ${message}`, [
      { severity: 'error', path: 'workload.session.turns', message },
    ]);
  }
  const load = spec.load;
  const trace = load.mode === 'trace' ? executorTrace(spec, load, traceOf(prompts)) : undefined;
  if (spec.cancel?.after_tokens !== undefined && spec.stream === false) {
    const message = CANCEL_TOKENS_NEED_STREAM;
    throw new ConfigValidationError(`workload.cancel.after_tokens: ${message}`, [
      { severity: 'error', path: 'workload.cancel.after_tokens', message },
    ]);
  }
  const client = createServiceClient(spec, opts.capabilities);
  // sends and stamps before V8's and libuv's helper threads where they share a core (helper-threads.ts)
  yieldHelperThreads(wakerThreads());
  const recorder = new MetricsRecorder({
    benchmark: spec.benchmark,
    source,
    slo: spec.slo,
    openLoop: schedule !== undefined || trace !== undefined,
    // with sessions the schedule's rate is of sessions, not of the requests the figures count
    requestedRps: recordedRequestedRps(spec) ?? trace?.requestedRps(),
    windowSeconds: spec.window_seconds,
  });
  const writer = spec.records_path ? new RecordWriter(spec.records_path) : undefined;
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
  if (spec.start_at !== undefined && load.mode !== 'closed') {
    const ready = nowMs();
    const prepared = `preparing the run (its prompts) took ${Math.round(ready - received)} ms`;
    if (ctx.t0 !== spec.start_at)
      opts.log?.(
        `warning: start_at ${new Date(spec.start_at).toISOString()} is more than ${START_AT_TOLERANCE_MS} ms from this node's clock (not synchronised?; ${prepared}): starting now instead, so this executor's arrivals are not aligned with the others'`,
      );
    else if (ready - spec.start_at > LATE_MS)
      opts.log?.(
        `warning: this executor was ready ${Math.round(ready - spec.start_at)} ms after the shared start (start_at; ${prepared}): the arrivals due before are sent late, back to back, and their schedule lag says so; a warmup longer than that (now ${spec.warmup} s) keeps them out of the measurement`,
      );
  }
  const sessions = spec.session ? new Sessions(ctx, spec.session, conversations) : undefined;
  const threads = isScheduledLoad(load)
    ? (load.max_concurrency ?? 1)
    : load.mode === 'closed'
      ? Math.max(1, load.clients_per_node)
      : 1;
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
