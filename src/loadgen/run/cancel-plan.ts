/**
 * Which requests the workload's `cancel` cancels, and when. Request n of an executor (its record id
 * `<executor>-<n>`) is chosen when one draw seeded by (workload seed, executor position, n) falls below
 * `share`: the same requests are chosen on every run with the same seed and executors, whatever order they
 * finish in. A chosen request is cancelled `afterMs` after it was sent, or once `afterChunks` text chunks
 * (streamed tokens) arrived — its connection closed, so the server sees the client go away.
 */
import type { CancelSpec } from '../../contracts/index.js';
import { deriveSeed, mulberry32 } from '../../util/rng.js';

/** Seed stream of the cancellation draws (apart from the schedule's 1000+ and the prompts' 7). */
const CANCEL_STREAM = 3000;

export class CancelPlan {
  readonly share: number;
  /** Milliseconds after sending (workload.cancel.after). */
  readonly afterMs?: number;
  /** Text chunks received (workload.cancel.after_tokens). */
  readonly afterChunks?: number;
  private readonly base: number;

  constructor(c: CancelSpec, seed: number, executorIndex: number) {
    this.share = c.share;
    if (c.after !== undefined) this.afterMs = c.after * 1000;
    if (c.after_tokens !== undefined) this.afterChunks = c.after_tokens;
    this.base = deriveSeed(seed, CANCEL_STREAM + executorIndex);
  }

  /** Whether request n (of this executor) is one of the cancelled share. */
  chosen(n: number): boolean {
    return this.share >= 1 || mulberry32(deriveSeed(this.base, n))() < this.share;
  }
}
