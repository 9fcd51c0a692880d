/**
 * `startLoad(spec)`: runs one workload on this executor (closed loop, or open loop when `target_rps` is
 * set) and returns a handle with live status and snapshots. Configuration problems (dataset files, api
 * choice) throw E006 synchronously; request failures are data.
 */
import { DEFAULT_CAPS } from '../../contracts/caps.js';
import type {
  MetricsSnapshot,
  RequestRecord,
  ServiceCapabilities,
  StatusResponse,
  WorkloadSpec,
} from '../../contracts/index.js';
import { ConfigValidationError } from '../../errors.js';
import { MetricsRecorder } from '../../metrics/recorder.js';
import { createServiceClient } from '../clients/index.js';
import { loadPrompts } from '../datasets/index.js';
import { executorMaxRequests, executorSchedule } from '../schedule/share.js';
import { runClosedLoop } from './closed-loop.js';
import { RunContext } from './context.js';
import { runOpenLoop } from './open-loop.js';
import { RecordWriter } from './record-writer.js';
import { hookLoadRefusal, type RunUser } from './user-hook.js';

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

export function startLoad(spec: WorkloadSpec, opts: LoadOptions): LoadRun {
  const source = opts.source ?? `executor${spec.executor_index ?? 0}`;
  const refused = opts.runUser ? hookLoadRefusal(spec.load.mode) : undefined;
  if (refused)
    throw new ConfigValidationError(`workload.target_rps: ${refused}`, [
      { severity: 'error', path: 'workload.target_rps', message: refused },
    ]);
  const schedule = executorSchedule(spec);
  const prompts = loadPrompts(spec);
  const client = createServiceClient(spec, opts.capabilities);
  const recorder = new MetricsRecorder({
    benchmark: spec.benchmark,
    source,
    slo: spec.slo,
    openLoop: schedule !== undefined,
    requestedRps: schedule?.rate,
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
  const load = spec.load;
  const threads = load.mode === 'open' ? (load.max_concurrency ?? 1) : Math.max(1, load.clients_per_node);
  let finished = false;
  let final: MetricsSnapshot | undefined;
  const snapshot = (): MetricsSnapshot => {
    if (final) return final;
    const s = recorder.snapshot();
    s.last_send = ctx.lastSend;
    return s;
  };
  opts.log?.(
    schedule
      ? `open loop: ${schedule.rate.toFixed(3)} req/s ${schedule.distribution} to ${spec.server_url}`
      : `closed loop: ${threads} users to ${spec.server_url}`,
  );
  const done = (async () => {
    try {
      if (load.mode === 'open' && schedule)
        await runOpenLoop(
          ctx,
          schedule,
          load.max_concurrency ?? opts.maxInFlight ?? DEFAULT_CAPS.maxConcurrency,
          load.pacer_poll_ms,
        );
      else if (load.mode === 'closed') await runClosedLoop(ctx, load, opts.runUser);
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
