/**
 * Deterministic split of the run-wide `target_rps` and `max_requests` across executors. Each executor gets
 * rate/count; constant schedules are phase-shifted by index/rate so the union is evenly spaced; random
 * schedules get independent seeds per executor (the union of independent Poisson processes is Poisson).
 */

import type { WorkloadSpec } from '../../contracts/index.js';
import { deriveSeed } from '../../util/rng.js';
import type { ScheduleOptions } from './arrivals.js';
import { type RampProfile, rampCount, rampTime } from './ramp.js';

export function executorPosition(spec: WorkloadSpec): { index: number; count: number } {
  const count = Math.max(1, spec.executor_count ?? 1);
  const index = Math.min(Math.max(0, spec.executor_index ?? 0), count - 1);
  return { index, count };
}

/** This executor's share of an integer total: floor(total/count), plus one for the first total%count. */
export function shareOf(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

export function executorMaxRequests(spec: WorkloadSpec): number | undefined {
  if (spec.max_requests === undefined) return undefined;
  const { index, count } = executorPosition(spec);
  return shareOf(spec.max_requests, index, count);
}

/** The run-wide ramp of a `mode: ramp` spec (undefined for other loads). */
export function rampProfile(spec: WorkloadSpec): RampProfile | undefined {
  const load = spec.load;
  if (load.mode !== 'ramp') return undefined;
  return {
    shape: load.ramp,
    r0: load.ramp_start_rps,
    r1: load.ramp_end_rps,
    warmup: spec.warmup,
    duration: load.ramp_duration ?? spec.duration,
  };
}

/**
 * A rate ramp's requests asked for between two epoch ms (all executors; none before `windowStart`, the end
 * of warmup), its time origin being the start of the load (windowStart − warmup); undefined for other loads.
 */
export function requestedBetween(
  spec: WorkloadSpec,
  windowStart: number | undefined,
): ((fromMs: number, toMs: number) => number) | undefined {
  const p = rampProfile(spec);
  if (!p || windowStart === undefined) return undefined;
  const t0 = windowStart - spec.warmup * 1000;
  return (f, to) =>
    Math.max(0, rampCount(p, (to - t0) / 1000) - rampCount(p, (Math.max(f, windowStart) - t0) / 1000));
}

/**
 * Requests/s this executor is asked for over the measurement: its share of `target_rps`, or of a ramp's
 * mean rate from the end of warmup to its end (Λ(w + duration) − Λ(w)) / duration; undefined in closed loop.
 * `measuredS`: over the first seconds of the measurement only (a run killed that far into it).
 */
export function executorRequestedRps(spec: WorkloadSpec, measuredS?: number): number | undefined {
  const { count } = executorPosition(spec);
  if (spec.load.mode === 'open') return spec.load.target_rps / count;
  const p = rampProfile(spec);
  if (!p) return undefined;
  const span =
    measuredS !== undefined && measuredS > 0 ? measuredS : spec.duration > 0 ? spec.duration : p.duration;
  return (rampCount(p, p.warmup + span) - rampCount(p, p.warmup)) / span / count;
}

/**
 * The `requested_rps` of this executor's figures (its recorder's): executorRequestedRps, but none with
 * multi-turn sessions, whose schedule is of sessions while the figures count requests (a trace's rate
 * comes from its rows: src/loadgen/run/trace-replay.ts traceRate).
 */
export function recordedRequestedRps(spec: WorkloadSpec, measuredS?: number): number | undefined {
  return spec.session ? undefined : executorRequestedRps(spec, measuredS);
}

/**
 * Schedule options of this executor, or undefined in closed loop. A ramp is drawn at rate 1 in
 * operational time and sent at Λ⁻¹(count · u): executor i of n takes every n-th unit of the run-wide Λ,
 * so the constant union sends its k-th request exactly when Λ reaches k.
 */
export function executorSchedule(spec: WorkloadSpec): ScheduleOptions | undefined {
  const load = spec.load;
  const { index, count } = executorPosition(spec);
  const ramp = rampProfile(spec);
  if (load.mode === 'ramp' && ramp)
    return {
      distribution: load.request_distribution ?? 'poisson',
      rate: 1,
      seed: deriveSeed(spec.seed ?? 0, 1000 + index),
      burstiness: load.burstiness,
      phase: index / count,
      warp: { to: (u) => rampTime(ramp, count * u), from: (t) => rampCount(ramp, t) / count },
    };
  if (load.mode !== 'open') return undefined;
  return {
    distribution: load.request_distribution ?? 'poisson',
    rate: load.target_rps / count,
    seed: deriveSeed(spec.seed ?? 0, 1000 + index),
    burstiness: load.burstiness,
    phase: index / load.target_rps,
  };
}
