/**
 * Pure, seeded arrival schedules for open-loop load. A schedule yields send times as offsets in seconds
 * from the start of the load, in non-decreasing order.
 *   constant: evenly spaced, gap 1/rate, starting at `phase`
 *   poisson:  exponential gaps with mean 1/rate
 *   burst:    bursts arrive as a Poisson process of rate rate/b; each burst sends a geometric number of
 *             requests with mean b (the burstiness factor, >= 1) at the same instant. b = 1 is poisson.
 *             A gap is 0 with probability 1 − 1/b, else exponential with mean b/rate: mean gap 1/rate,
 *             coefficient of variation sqrt(2b − 1) (poisson: 1).
 */

import type { RequestDistribution } from '../../contracts/index.js';
import { exponential, mulberry32 } from '../../util/rng.js';

export interface ScheduleOptions {
  distribution: RequestDistribution;
  /** Requests per second of this schedule (> 0). */
  rate: number;
  seed?: number;
  /** Mean requests per burst (burst only, >= 1; default 4). */
  burstiness?: number;
  /** Offset of the first arrival, seconds (constant only; spreads executors evenly). */
  phase?: number;
}

export interface ArrivalSchedule {
  /** The next send time, seconds from the start. */
  next(): number;
}

export function buildSchedule(opts: ScheduleOptions): ArrivalSchedule {
  const { rate } = opts;
  if (!(rate > 0)) throw new RangeError(`schedule rate must be > 0, got ${rate}`);
  const rng = mulberry32(opts.seed ?? 0);
  if (opts.distribution === 'constant') {
    let i = 0;
    const phase = opts.phase ?? 0;
    return { next: () => phase + i++ / rate };
  }
  if (opts.distribution === 'poisson') {
    let t = 0;
    return {
      next: () => {
        t += exponential(rng, rate);
        return t;
      },
    };
  }
  const b = Math.max(1, opts.burstiness ?? 4);
  const burstRate = rate / b;
  const logQ = b > 1 ? Math.log(1 - 1 / b) : 0;
  let t = 0;
  let left = 0;
  return {
    next: () => {
      if (left === 0) {
        t += exponential(rng, burstRate);
        left = b > 1 ? 1 + Math.floor(Math.log(1 - rng()) / logQ) : 1;
      }
      left--;
      return t;
    },
  };
}

/** The first `n` arrival times of a schedule (for tests and planning). */
export function arrivalTimes(opts: ScheduleOptions, n: number): number[] {
  const s = buildSchedule(opts);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = s.next();
  return out;
}
