/**
 * Honest status (docs/user-guide.md "Status and exit codes"). A benchmark that ran to its end is
 *   - `failed` when an executor found its server unreachable (E008), or no request succeeded (none sent,
 *     or every one failed or was cancelled) — unless the workload's `cancel` cancelled them on purpose
 *     (`cancel: {share: 1, ...}`) and none failed;
 *   - `degraded` when its error rate (failed / (ok + failed)) is above `max_error_rate` (default
 *     DEFAULT_MAX_ERROR_RATE, settable per recipe and suite entry), an executor was lost or reported an
 *     error (e.g. its records file could not be written);
 *   - else `completed`.
 * The run's status follows its benchmarks: failed if any failed or was skipped (after a failure with
 * `orchestration.on_failure: stop`, or with no executor left), else degraded if any was degraded.
 */
import { isScheduledLoad, type WorkloadSpec } from '../contracts/index.js';
import { type GeneratorCheck, generatorCheck, generatorNote } from '../decide/generator-gate.js';
import type { BenchmarkResult } from '../report/types.js';
import type { BenchmarkStatus, RunStatus, SearchOutcome } from '../results-folder/types.js';

/** Error rate above which a benchmark is degraded when the recipe sets no `max_error_rate`. */
export const DEFAULT_MAX_ERROR_RATE = 0.05;

export interface Verdict {
  status: BenchmarkStatus;
  reason?: string;
  /** The error code of a failure (E008: server unreachable). */
  code?: string;
}

function reasons(errors: Record<string, number> | undefined): string {
  const list = Object.entries(errors ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([why, n]) => `${why} ×${n}`);
  return list.length ? ` (${list.join(', ')})` : '';
}

/** The verdict of a benchmark that was not interrupted, from its merged summary and lost executors. */
export function benchmarkVerdict(
  result: BenchmarkResult,
  opts: { maxErrorRate?: number; lostExecutors?: string[]; executorErrors?: string[] } = {},
): Verdict {
  // an executor that stopped because its server was unreachable reports `node: E008: ...`
  const unreachable = (opts.executorErrors ?? []).filter((e) => /: E008: /.test(e));
  if (unreachable.length) return { status: 'failed', code: 'E008', reason: unreachable.join('; ') };
  const s = result.summary;
  if (!s) return { status: 'failed', reason: 'no metrics could be collected from any executor' };
  const { sent, ok, failed, cancelled } = s.requests;
  const byWorkload = s.requests.cancelled_by_workload ?? 0;
  if (ok === 0 && (byWorkload === 0 || failed > 0)) {
    if (sent === 0) return { status: 'failed', reason: 'no request was sent in the measurement window' };
    return {
      status: 'failed',
      reason: `no request succeeded: ${sent} sent, ${failed} failed, ${cancelled} cancelled${reasons(s.errors_by_reason)}`,
    };
  }
  const why: string[] = [];
  const lost = opts.lostExecutors ?? [];
  if (lost.length) why.push(`executor(s) lost: ${lost.join(', ')}`);
  // any other executor error (e.g. records incomplete after a disk full): the figures stand, but noted
  why.push(...(opts.executorErrors ?? []));
  const limit = opts.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE;
  const rate = failed / (ok + failed);
  if (rate > limit)
    why.push(
      `error rate ${(100 * rate).toFixed(1)}% above max_error_rate ${(100 * limit).toFixed(1)}%: ${failed} of ${ok + failed} failed${reasons(s.errors_by_reason)}`,
    );
  return why.length ? { status: 'degraded', reason: why.join('; ') } : { status: 'completed' };
}

/** Applies a verdict: status and reason. */
export function applyVerdict(result: BenchmarkResult, v: Verdict): void {
  result.status = v.status;
  if (v.reason) result.reason = v.reason;
  if (v.code && v.reason) result.error = { code: v.code, message: v.reason };
}

/** Why a benchmark's unsent arrivals were not counted (its snapshot's `dropped_sends_uncounted`), if so. */
export function uncountedDrops(result: BenchmarkResult): string | undefined {
  const whys = result.metrics?.snapshot.dropped_sends_uncounted;
  return whys?.length ? `the unsent arrivals could not be counted for ${whys.join('; ')}` : undefined;
}

/**
 * The load-generator gate's verdict (src/decide/generator-gate.ts) on a benchmark's summary with its
 * workload's settings (`max_schedule_lag`; `max_concurrency` caps the sends): the one way a finished
 * benchmark (gateGenerator) and one rebuilt by hpcbench report (recover-benchmark.ts) are judged.
 * Undefined for closed loop. Its sent share is not judged when the unsent arrivals could not be counted
 * (uncountedDrops: the executors the merged snapshot's `dropped_sends_uncounted` names).
 */
export function generatorVerdict(
  result: BenchmarkResult,
  spec: Pick<WorkloadSpec, 'load' | 'max_schedule_lag'>,
): GeneratorCheck | undefined {
  const sendsUnknown = uncountedDrops(result);
  return generatorCheck(result.summary, {
    maxScheduleLagMs: spec.max_schedule_lag !== undefined ? spec.max_schedule_lag * 1000 : undefined,
    // an open loop's or a ramp's sends wait for a free slot under max_concurrency alike
    capped: isScheduledLoad(spec.load) && spec.load.max_concurrency !== undefined,
    ...(sendsUnknown !== undefined ? { sendsUnknown } : {}),
  });
}

/**
 * The load-generator gate on an open-loop benchmark that ran to its end: its check is kept as
 * `load_generator`; an invalid one makes the benchmark `degraded`, the reason starting `invalid (load
 * generator): ...`.
 */
export function gateGenerator(
  result: BenchmarkResult,
  spec: Pick<WorkloadSpec, 'load' | 'max_schedule_lag'>,
): void {
  if (result.status !== 'completed' && result.status !== 'degraded') return;
  const check = generatorVerdict(result, spec);
  if (!check) return;
  result.load_generator = check;
  const note = generatorNote(check);
  if (!note) return;
  result.status = 'degraded';
  result.reason = result.reason ? `${note}; ${result.reason}` : note;
}

/** A search's outcome as the run's status: an answer (found, or a bound) completes it, else degraded. */
function searchVerdict(search: SearchOutcome): { status: RunStatus; reason?: string } {
  if (search.status === 'inconclusive' || search.status === 'incomplete')
    return { status: 'degraded', reason: `search ${search.text}` };
  return { status: 'completed' };
}

/**
 * The run's status from its benchmarks, a failure that ended it, and whether it was interrupted. A
 * capacity search's run follows the search (its probes above capacity fail by design).
 */
export function runVerdict(
  results: BenchmarkResult[],
  opts: { failure?: boolean; interrupted?: boolean; search?: SearchOutcome },
): { status: RunStatus; reason?: string } {
  if (opts.failure) return { status: 'failed' };
  if (opts.interrupted) return { status: 'interrupted' };
  if (opts.search) return searchVerdict(opts.search);
  const named = (status: BenchmarkStatus) =>
    results
      .filter((r) => r.status === status)
      .map((r) => `benchmark ${r.name} ${status}: ${r.reason ?? r.error?.message ?? status}`);
  // a benchmark skipped (on_failure: stop, no executor left) did not run: the run failed
  const failed = [...named('failed'), ...named('skipped')];
  if (failed.length) return { status: 'failed', reason: failed.join('; ') };
  const degraded = named('degraded');
  if (degraded.length) return { status: 'degraded', reason: degraded.join('; ') };
  return { status: 'completed' };
}
