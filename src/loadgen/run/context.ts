/**
 * The state one load run shares between its loops: the client, prompts, metrics recorder, records file,
 * in-flight requests (for timeouts and cancellation), and the stop conditions.
 */

import { type RequestRecord, START_AT_TOLERANCE_MS, type WorkloadSpec } from '../../contracts/index.js';
import type { MetricsRecorder } from '../../metrics/recorder.js';
import type { CancelSignal, RequestInput, ServiceClient } from '../clients/types.js';
import type { Prompt, PromptSet } from '../datasets/types.js';
import { newRecord, nowMs } from '../record.js';
import { Reachability } from './backoff.js';
import { CancelPlan } from './cancel-plan.js';
import type { RecordWriter } from './record-writer.js';

/** Default seconds requests in flight after the measurement may take before they are cancelled. */
export const DEFAULT_GRACE_S = 30;

/**
 * A request in flight: its deadline, and the cancellation signal handed to the client (a plain object with
 * one listener slot: cheaper per request than an AbortController, an EventTarget).
 */
class InFlight implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  deadline = 0;
  /** workload.cancel: the client cancels after this many ms from sending, or this many text chunks. */
  cancelAfterMs: number | undefined = undefined;
  cancelAfterChunks: number | undefined = undefined;
  private listener?: () => void;
  private more?: (() => void)[];

  constructor(readonly measured: boolean) {}

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.listener === undefined) this.listener = listener;
    else if (this.more) this.more.push(listener);
    else this.more = [listener];
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.listener === listener) this.listener = undefined;
    else if (this.more) this.more = this.more.filter((l) => l !== listener);
  }

  abort(reason: 'timeout' | 'stop'): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.listener?.();
    if (this.more) for (const l of this.more) l();
  }
}

export type Phase = 'warmup' | 'measuring' | 'draining' | 'done';

/**
 * When a run's clock starts: `start_at` (epoch ms, shared by the executors of a scheduled load) when it is
 * within START_AT_TOLERANCE_MS of `now` — ahead, the loop waits for it; behind (this executor got its
 * POST /start late), the rows already due are late and their schedule lag says so — else `now`.
 */
export function clockStart(startAt: number | undefined, now = nowMs()): number {
  return startAt !== undefined && Math.abs(startAt - now) <= START_AT_TOLERANCE_MS ? startAt : now;
}

export class RunContext {
  readonly t0: number;
  readonly warmupEnd: number;
  /** Epoch ms after which nothing new is sent (Infinity when only max_requests stops the run). */
  readonly measureEnd: number;
  readonly inflight = new Set<InFlight>();
  /** Measured requests issued so far (for max_requests and status). */
  issuedMeasured = 0;
  /**
   * Latest `sent` of a measured request that finished (achieved_rps = sent / (lastSend − window start)):
   * the record's final stamp, taken when its bytes were written to the connection, like schedule lag.
   */
  lastSend?: number;
  stopping = false;
  /** Set when the run stopped itself because the server is unreachable (`E008: ...`). */
  failure?: string;
  private readonly reach: Reachability;
  private readonly graceMs: number;
  private seq = 0;
  private promptIdx: number;
  private readonly timeoutMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly sleepers = new Set<() => void>();
  private slotWaiter?: () => void;
  /** The workload's `cancel`, when set. */
  private readonly cancel?: CancelPlan;

  constructor(
    readonly spec: WorkloadSpec,
    readonly client: ServiceClient,
    readonly prompts: PromptSet,
    readonly recorder: MetricsRecorder,
    readonly source: string,
    readonly maxRequests: number | undefined,
    readonly writer?: RecordWriter,
    readonly onRecord?: (r: RequestRecord) => void,
  ) {
    // a closed loop's users start at once: a shared start is for the loads that send on a clock
    this.t0 = spec.load.mode === 'closed' ? nowMs() : clockStart(spec.start_at);
    this.warmupEnd = this.t0 + spec.warmup * 1000;
    this.measureEnd =
      spec.duration > 0 || maxRequests === undefined ? this.warmupEnd + spec.duration * 1000 : Infinity;
    recorder.windowStart = this.warmupEnd;
    this.promptIdx = this.startIndex(prompts.size);
    this.timeoutMs = (spec.request_timeout ?? 300) * 1000;
    this.graceMs = (spec.grace_period ?? DEFAULT_GRACE_S) * 1000;
    this.reach = new Reachability(
      spec.unreachable_timeout !== undefined ? spec.unreachable_timeout * 1000 : undefined,
    );
    if (spec.cancel) this.cancel = new CancelPlan(spec.cancel, spec.seed ?? 0, spec.executor_index ?? 0);
    this.sweeper = setInterval(() => this.sweep(), 250);
    this.sweeper.unref();
  }

  phase(now = nowMs()): Phase {
    if (now < this.warmupEnd) return 'warmup';
    if (!this.stopping && now < this.measureEnd && !this.quotaReached()) return 'measuring';
    return 'draining';
  }

  quotaReached(): boolean {
    return this.maxRequests !== undefined && this.issuedMeasured >= this.maxRequests;
  }

  /** Whether a request scheduled at `at` may still be sent. */
  mayIssue(at: number): boolean {
    return !this.stopping && at < this.measureEnd && !this.quotaReached();
  }

  /**
   * Sends one request scheduled at `scheduled` (with the service client, or `send` of a per-user hook) and
   * records its outcome; returns its record. `prompt`: this one instead of the prompt set's next (a trace
   * row, a session's turn with its conversation); `turn`: the session and turn index it is (records).
   * Never rejects when `send` does not.
   */
  async issue(
    scheduled: number,
    send?: ServiceClient['send'],
    prompt?: Prompt | RequestInput,
    turn?: { session: string; turn: number; turns: number },
  ): Promise<RequestRecord> {
    const p = prompt ?? this.prompts.get(this.promptIdx++);
    const measured = scheduled >= this.warmupEnd;
    if (measured) this.issuedMeasured++;
    const n = this.seq++;
    const rec = newRecord({
      id: `${this.source}-${n}`,
      benchmark: this.spec.benchmark,
      executor: this.source,
      warmup: !measured,
      api: this.client.api,
      stream: this.client.stream,
      scheduled,
      prompt_tokens_client: p.promptTokens,
    });
    if (turn) {
      rec.session = turn.session;
      rec.turn = turn.turn;
      rec.turns = turn.turns;
    }
    const f = new InFlight(measured);
    this.inflight.add(f);
    const cancel = this.cancel?.chosen(n) ? this.cancel : undefined;
    if (cancel) {
      f.cancelAfterMs = cancel.afterMs;
      f.cancelAfterChunks = cancel.afterChunks;
    }
    rec.sent = nowMs();
    f.deadline = rec.sent + this.timeoutMs;
    await (send ? send(p, rec, f) : this.client.send(p, rec, f));
    this.inflight.delete(f);
    if (measured) {
      // the final `sent`: re-stamped at the connection write (the stamp above when it never got one)
      if (this.lastSend === undefined || rec.sent > this.lastSend) this.lastSend = rec.sent;
      this.recorder.add(rec);
    }
    this.writer?.write(rec);
    this.onRecord?.(rec);
    this.wakeSlot();
    const unreachable = this.reach.observe(rec, nowMs());
    if (unreachable && !this.failure) {
      this.failure = unreachable;
      this.stop();
    }
    return rec;
  }

  /** Wakes the one waiting for a free slot (`slotFree`): a request completed, or a session ended. */
  wakeSlot(): void {
    const w = this.slotWaiter;
    if (w) {
      this.slotWaiter = undefined;
      w();
    }
  }

  /**
   * The first prompt index of this executor in a set of `size` (executors start at spread-out positions,
   * so they do not all send the same prompts).
   */
  startIndex(size: number): number {
    const count = Math.max(1, this.spec.executor_count ?? 1);
    return Math.floor(((this.spec.executor_index ?? 0) * size) / count);
  }

  /** Resolves when an in-flight request completes, a session ends (or the run stops). */
  slotFree(): Promise<void> {
    return new Promise((resolve) => {
      this.slotWaiter = resolve;
    });
  }

  /**
   * Resolves when no request is in flight; those still in flight `grace_period` seconds after the call
   * (default DEFAULT_GRACE_S) are cancelled (recorded as cancelled).
   */
  async drain(): Promise<void> {
    if (this.inflight.size === 0) return;
    const t = setTimeout(() => {
      for (const f of this.inflight) f.abort('stop');
    }, this.graceMs);
    try {
      while (this.inflight.size > 0) await this.slotFree();
    } finally {
      clearTimeout(t);
    }
  }

  /** Sleeps `ms`, waking early when the run stops. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  /** Calls `fn` when the run stops (with the sleepers); returns the unhook. */
  onStop(fn: () => void): () => void {
    const once = (): void => {
      this.sleepers.delete(once);
      fn();
    };
    this.sleepers.add(once);
    return () => this.sleepers.delete(once);
  }

  private sweep(): void {
    const now = nowMs();
    // past the measurement + grace_period: what is still in flight is cancelled
    const graceOver = now > this.measureEnd + this.graceMs;
    for (const f of this.inflight) {
      if (graceOver) f.abort('stop');
      else if (now > f.deadline) f.abort('timeout');
    }
  }

  /** Stops sending and cancels every in-flight request (they are recorded as cancelled). */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const s of [...this.sleepers]) s();
    const w = this.slotWaiter;
    this.slotWaiter = undefined;
    w?.();
    for (const f of this.inflight) f.abort('stop');
  }

  /** Measured requests in flight now. */
  inflightMeasured(): number {
    let n = 0;
    for (const f of this.inflight) if (f.measured) n++;
    return n;
  }

  dispose(): void {
    clearInterval(this.sweeper);
  }
}
