/**
 * Deterministic split of the run-wide `target_rps` and `max_requests` across executors. Each executor gets
 * rate/count; constant schedules are phase-shifted by index/rate so the union is evenly spaced; random
 * schedules get independent seeds per executor (the union of independent Poisson processes is Poisson).
 */

import type { WorkloadSpec } from '../../contracts/index.js';
import { deriveSeed } from '../../util/rng.js';
import type { ScheduleOptions } from './arrivals.js';

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

/** Schedule options of this executor, or undefined in closed loop. */
export function executorSchedule(spec: WorkloadSpec): ScheduleOptions | undefined {
  const load = spec.load;
  if (load.mode !== 'open') return undefined;
  const { index, count } = executorPosition(spec);
  return {
    distribution: load.request_distribution ?? 'poisson',
    rate: load.target_rps / count,
    seed: deriveSeed(spec.seed ?? 0, 1000 + index),
    burstiness: load.burstiness,
    phase: index / load.target_rps,
  };
}
