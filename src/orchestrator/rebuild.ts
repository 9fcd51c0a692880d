/**
 * An executor's measurements rebuilt from its records file, when its GET /metrics cannot be fetched (it
 * was killed, or gone after a `scancel`): the same recorder settings the executor ran with (benchmark, SLO,
 * open loop and its share of the rate, window length, its measurement start from POST /start), so the
 * counters and histograms equal what it would have reported for those records (src/metrics/from-records.ts).
 * Open loop and trace replay: the arrivals due by its last send recorded that it had not sent are its
 * `dropped_sends` (src/loadgen/schedule/replay.ts: those after it were not due yet), and a ramp's or a
 * trace's `requested_rps` is its mean rate up to that send, the span `achieved_rps` is measured over. A
 * trace replay's schedule and rate are its rows of the trace file, read again (`replayTrace`).
 */
import { existsSync } from 'node:fs';
import type { ExecutorMetrics, TraceFormat, WorkloadSpec } from '../contracts/index.js';
import { executorRecordsPath, type StartedWorkload } from '../controller/index.js';
import type { AggregatedMetrics, ExecutorTarget } from '../controller/types.js';
import { ConfigValidationError } from '../errors.js';
import { loadTraceRows, type TracePromptSet, tracePrompts } from '../loadgen/datasets/index.js';
import { executorTrace } from '../loadgen/run/trace-replay.js';
import {
  type ArrivalSchedule,
  buildSchedule,
  executorSchedule,
  recordedRequestedRps,
  type UnsentCount,
  unsentAtLastSend,
} from '../loadgen/schedule/index.js';
import { measuredSeconds, snapshotFromRecordsFile, toExecutorMetrics } from '../metrics/index.js';
import { sha256File } from '../provenance/index.js';
import type { TraceDigest } from '../report/results-writer.js';

/** The trace file of a trace replay's spec (undefined for any other load). */
function traceFile(
  spec: Pick<WorkloadSpec, 'load' | 'prompts'>,
): { path: string; format: TraceFormat } | undefined {
  const p = spec.prompts;
  return spec.load.mode === 'trace' && p?.source === 'trace' ? p : undefined;
}

/** The digest of a trace replay's trace file when the benchmark starts (undefined: none, or unreadable here). */
export async function traceDigest(
  spec: Pick<WorkloadSpec, 'load' | 'prompts'>,
): Promise<TraceDigest | undefined> {
  const file = traceFile(spec);
  if (!file) return undefined;
  try {
    return { path: file.path, sha256: await sha256File(file.path) };
  } catch {
    return undefined; // on another machine's disk (Slurm): a rebuild checks its rows' times only
  }
}

/**
 * A trace replay's trace read again for a rebuild (`path`: the file it was read from), with the recovery
 * line saying what was checked; or why not.
 */
export type ReplayTrace = { trace: TracePromptSet; path: string; line: string } | { why: string };

const short = (sha: string) => `${sha.slice(0, 12)}…`;

/**
 * The trace file of a trace replay's spec, read again: checked against `kept` (its digest at the
 * benchmark's start, metrics.json `trace`) when there is one; without, as it is now (its rows' times are
 * then checked only by the replay, against the scheduled times recorded).
 */
export async function replayTrace(spec: WorkloadSpec, kept?: TraceDigest): Promise<ReplayTrace> {
  const file = traceFile(spec);
  if (!file) return { why: 'the spec names no trace file' };
  const now = await sha256File(file.path).catch((err: NodeJS.ErrnoException) => err);
  if (now instanceof Error)
    return {
      why: `the trace file ${file.path} cannot be read (${now.code === 'ENOENT' ? 'not found' : (now.code ?? now.message)}), and its rows (the replay’s schedule and rate) are not in the records`,
    };
  if (kept && now !== kept.sha256)
    return {
      why: `the trace file ${file.path} is not the one replayed: its sha256 is ${short(now)} now, ${short(kept.sha256)} when the benchmark started (metrics.json trace)`,
    };
  try {
    const trace = tracePrompts(loadTraceRows(file.path, file.format));
    return {
      trace,
      path: file.path,
      line: kept
        ? `trace: the rows of ${file.path} replayed, the file the benchmark started with (sha256 ${short(kept.sha256)}, metrics.json trace)`
        : `trace: the rows of ${file.path} replayed as the file is now: no digest of it was kept when the benchmark started (metrics.json trace), so only their times were checked, against the scheduled times recorded`,
    };
  } catch (err) {
    const issue = err instanceof ConfigValidationError ? err.issues[0] : undefined;
    const at = issue?.line !== undefined ? `${file.path}:${issue.line}` : file.path;
    return { why: `the trace file ${at} cannot be replayed: ${issue?.message ?? (err as Error).message}` };
  }
}

export interface RebuilderOptions {
  /** Hears per open-loop or trace-replay executor how its unsent arrivals were counted, or why not. */
  sends?: (node: string, count: UnsentCount) => void;
  /** A trace replay's trace (replayTrace); by default read again from the spec's path when first needed. */
  trace?: Promise<ReplayTrace>;
  /** The trace file's digest at the benchmark's start (metrics.json `trace`) that reading checks it against. */
  kept?: TraceDigest;
}

/**
 * An executor's arrivals: a fresh copy of its schedule, the rate it asks (over `measuredS`), and where the
 * schedule comes from (`the spec`, or a trace replay's `the trace file PATH`).
 */
interface Arrivals {
  schedule(): ArrivalSchedule;
  requestedRps(measuredS?: number): number | undefined;
  source: string;
}

/** The rebuild of `getAvailableMetrics` for one benchmark; undefined without a records path. */
export function recordsRebuilder(
  spec: WorkloadSpec,
  recordsPath: string | undefined,
  warn: (message: string) => void,
  opts: RebuilderOptions = {},
): ((t: ExecutorTarget, w: StartedWorkload) => Promise<ExecutorMetrics | undefined>) | undefined {
  if (!recordsPath) return undefined;
  let trace = opts.trace;
  /** The executor's arrivals (undefined in closed loop), or why they cannot be replayed. */
  const arrivals = async (own: WorkloadSpec): Promise<Arrivals | { why: string } | undefined> => {
    if (own.load.mode === 'trace') {
      // read here (a lost executor's): said once, as the recovery of a killed run says it
      trace ??= replayTrace(spec, opts.kept).then((got) => {
        if ('why' in got) warn(`${spec.benchmark}: dropped_sends: not rebuilt: ${got.why}`);
        return got;
      });
      const got = await trace;
      return 'trace' in got
        ? { ...executorTrace(own, own.load, got.trace), source: `the trace file ${got.path}` }
        : got;
    }
    if (own.load.mode === 'closed') return undefined;
    const options = executorSchedule(own);
    return options
      ? {
          schedule: () => buildSchedule(options),
          requestedRps: (measuredS) => recordedRequestedRps(own, measuredS),
          source: 'the spec',
        }
      : { why: 'no arrival schedule in its spec' };
  };
  return async (t, w) => {
    const path = executorRecordsPath(recordsPath, t.node);
    if (!existsSync(path)) return undefined;
    const own: WorkloadSpec = { ...spec, executor_index: w.index, executor_count: w.count };
    const got = await arrivals(own);
    const planned = got && 'schedule' in got ? got : undefined;
    let notCounted = got && 'why' in got ? got.why : undefined;
    const { snapshot, skipped, unplannedTurns, frontier } = await snapshotFromRecordsFile(path, {
      benchmark: spec.benchmark,
      source: t.node,
      slo: spec.slo,
      openLoop: spec.load.mode !== 'closed',
      requestedRps: planned?.requestedRps(),
      windowSeconds: spec.window_seconds,
      windowStart: w.start?.window_start,
      unsent: planned
        ? (f) => {
            const count = unsentAtLastSend(own, f, planned.schedule, planned.source);
            opts.sends?.(t.node, count);
            if ('why' in count) notCounted = count.why;
            return 'unsent' in count ? count.unsent : undefined;
          }
        : undefined,
    });
    // open loop: arrivals never sent that could not be counted are not 0 (the summary says null)
    if (got && !frontier) notCounted ??= 'no measured send recorded';
    if (notCounted) snapshot.dropped_sends_uncounted = [`${t.node}: ${notCounted}`];
    // a ramp or a trace asked for its mean rate over what was measured (the span of achieved_rps)
    if (planned && frontier && snapshot.window_start !== undefined && snapshot.requested_rps !== undefined)
      snapshot.requested_rps = planned.requestedRps((frontier.lastSend - snapshot.window_start) / 1000);
    if (skipped > 0) warn(`${path}: ${skipped} line(s) that are not a whole record skipped`);
    if (unplannedTurns > 0)
      warn(
        `${path}: ${unplannedTurns} session turn(s) without their session's planned turns (a records file of an older version): sessions.completed counts none of their sessions`,
      );
    return toExecutorMetrics(snapshot, spec.warmup + measuredSeconds(snapshot));
  };
}

/**
 * An open loop's executors whose measurements are not in `metrics` at all (lost, with no records file to
 * rebuild them from, `NODE: why`): their arrivals never sent are not counted either, so the merged
 * summary's `dropped_sends` is null, as for an executor rebuilt without its count.
 */
export function notCountedDrops(metrics: AggregatedMetrics, spec: WorkloadSpec, whys: string[]): void {
  if (spec.load.mode === 'closed' || whys.length === 0) return;
  metrics.snapshot.dropped_sends_uncounted = [...(metrics.snapshot.dropped_sends_uncounted ?? []), ...whys];
  metrics.summary.dropped_sends = null;
}
