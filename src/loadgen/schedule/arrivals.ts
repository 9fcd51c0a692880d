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
import { exponential, gamma, mulberry32, poisson } from '../../util/rng.js';

export interface ScheduleOptions {
  distribution: RequestDistribution;
  /** Requests per second of this schedule (> 0). */
  rate: number;
  seed?: number;
  /** Mean requests per burst (burst only, >= 1; default 4). */
  burstiness?: number;
  /** Offset of the first arrival, seconds (constant only; spreads executors evenly). */
  phase?: number;
  /**
   * A time change (rate ramps): the schedule is drawn in operational time u and sent at `to(u)` seconds;
   * `from` is its inverse. With rate 1, the result has rate d(from)/dt (src/loadgen/schedule/ramp.ts).
   */
  warp?: { to(u: number): number; from(t: number): number };
}

export interface ArrivalSchedule {
  /** The next send time, seconds from the start. */
  next(): number;
  /**
   * Passes over every arrival before `t` seconds in one step, whatever their number: returns how many
   * `next()` would have returned before `t`; the following `next()` is the first arrival at or after `t`.
   * Constant schedules count exactly; random ones draw the count from its distribution (Poisson; for
   * bursts, Poisson bursts of geometric sizes) and restart at `t`, which their memorylessness allows.
   */
  skipTo(t: number): number;
}

export function buildSchedule(opts: ScheduleOptions): ArrivalSchedule {
  const { warp } = opts;
  if (!warp) return baseSchedule(opts);
  const base = baseSchedule(opts);
  return { next: () => warp.to(base.next()), skipTo: (t) => base.skipTo(warp.from(t)) };
}

function baseSchedule(opts: ScheduleOptions): ArrivalSchedule {
  const { rate } = opts;
  if (!(rate > 0)) throw new RangeError(`schedule rate must be > 0, got ${rate}`);
  const rng = mulberry32(opts.seed ?? 0);
  if (opts.distribution === 'constant') {
    let i = 0;
    const phase = opts.phase ?? 0;
    return {
      next: () => phase + i++ / rate,
      skipTo: (t) => {
        // the first index whose time is >= t (the float estimate corrected by a step either way)
        let j = Math.max(0, Math.ceil((t - phase) * rate));
        while (phase + j / rate < t) j++;
        while (j > 0 && phase + (j - 1) / rate >= t) j--;
        const skipped = Math.max(0, j - i);
        i = Math.max(i, j);
        return skipped;
      },
    };
  }
  if (opts.distribution === 'poisson') {
    let t = 0;
    return {
      next: () => {
        t += exponential(rng, rate);
        return t;
      },
      skipTo: (to) => {
        if (to <= t) return 0;
        const n = poisson(rng, rate * (to - t));
        t = to;
        return n;
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
    skipTo: (to) => {
      if (to <= t) return 0;
      // the rest of the current burst, then the bursts in (t, to): each 1 + a geometric number of
      // requests (failures before a success of probability 1/b), whose sum over k bursts is k plus a
      // negative binomial, drawn as Poisson(Gamma(k) · (b − 1))
      let n = left;
      const bursts = poisson(rng, burstRate * (to - t));
      n += bursts;
      if (b > 1 && bursts > 0) n += poisson(rng, gamma(rng, bursts) * (b - 1));
      left = 0;
      t = to;
      return n;
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
