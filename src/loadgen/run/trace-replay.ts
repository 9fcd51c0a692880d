/**
 * Trace replay as an arrival schedule for the open loop (open-loop.ts paces, caps and counts it like any
 * schedule): this executor's rows of the trace — row j when j mod executor_count = executor_index, so the
 * executors' union is the whole trace at its own times — at `offset × time_scale` from the start, each
 * sent with its own prompt. A request's `scheduled` time is its trace time, so schedule lag and the
 * latencies from the scheduled time are measured against the trace. Rows due during warmup are warmup
 * requests; rows due after warmup + duration are not sent; measured rows due before the end that could
 * not be sent are counted as dropped.
 */

import type { TraceLoad, WorkloadSpec } from '../../contracts/index.js';
import type { TracePromptSet, TraceRow } from '../datasets/trace.js';
import type { Prompt } from '../datasets/types.js';
import type { ArrivalSchedule } from '../schedule/arrivals.js';
import { executorPosition } from '../schedule/share.js';

export interface TraceShare {
  row: TraceRow;
  /** The row's index in the whole trace (its prompt). */
  index: number;
}

/** This executor's rows, in time order. */
export function traceShare(rows: readonly TraceRow[], index: number, count: number): TraceShare[] {
  const out: TraceShare[] = [];
  for (let j = index; j < rows.length; j += count) out.push({ row: rows[j], index: j });
  return out;
}

/** Requests/s the trace asks of a share over the measurement window (its rows due in it / duration). */
export function traceRate(
  share: readonly TraceShare[],
  load: TraceLoad,
  warmupS: number,
  durationS: number,
): number | undefined {
  if (!(durationS > 0)) return undefined;
  const scale = load.time_scale ?? 1;
  const from = warmupS * 1000;
  const to = from + durationS * 1000;
  let n = 0;
  for (const { row } of share) {
    const at = row.at * scale;
    if (at >= from && at < to) n++;
  }
  return n / durationS;
}

/** The share's send times (seconds from the start; Infinity after the last row) and their prompts. */
export class TraceSchedule implements ArrivalSchedule {
  /** Position of the row the last `next()` returned. */
  private k = -1;
  private readonly scale: number;

  constructor(
    private readonly trace: TracePromptSet,
    private readonly share: readonly TraceShare[],
    load: TraceLoad,
  ) {
    this.scale = load.time_scale ?? 1;
  }

  private time(k: number): number {
    return k < this.share.length ? (this.share[k].row.at * this.scale) / 1000 : Number.POSITIVE_INFINITY;
  }

  next(): number {
    this.k++;
    return this.time(this.k);
  }

  skipTo(t: number): number {
    let n = 0;
    while (this.time(this.k + 1) < t) {
      this.k++;
      n++;
    }
    return n;
  }

  /** The prompt of the row the last `next()` returned. */
  prompt(): Prompt {
    return this.trace.get(this.share[this.k].index);
  }
}

/**
 * An executor's part of a trace replay (`spec` its own: index and count set), as its loop sends it and as
 * a rebuild from its records replays it (src/orchestrator/rebuild.ts): its rows, a fresh schedule of them
 * from the start of the load, and the requests/s they ask over the measurement (`measuredS`: over its
 * first seconds only, a run killed that far into it).
 */
export function executorTrace(spec: WorkloadSpec, load: TraceLoad, trace: TracePromptSet) {
  const { index, count } = executorPosition(spec);
  const share = traceShare(trace.rows, index, count);
  return {
    share,
    schedule: () => new TraceSchedule(trace, share, load),
    requestedRps: (measuredS?: number) =>
      traceRate(
        share,
        load,
        spec.warmup,
        measuredS !== undefined && measuredS > 0 ? measuredS : spec.duration,
      ),
  };
}
