/**
 * The per-user hook (the seed's `_run_benchmark(workload_config, thread_id)`): in closed loop the load
 * generator calls one `RunUser` per user (`threadId` 0 .. clients_per_node−1) and the run ends when
 * every user's promise settles. The default user sends the workload's requests with the service's request
 * client and thinks `sleep_seconds` between them; a custom executor (`runBenchmark`) may do anything per
 * request and report each through `user.measure`, so its requests count in every metric. See
 * docs/extending.md.
 */

import type { ClosedLoop, Load, RequestRecord, WorkloadSpec } from '../../contracts/index.js';
import { finalizeTokens } from '../clients/exchange.js';
import type { CancelSignal, RequestInput } from '../clients/types.js';
import { nowMs } from '../record.js';
import { Backoff } from './backoff.js';
import type { RunContext } from './context.js';

/** Fills one request's record: stamp `first_token`/`last_token`/`end` with `nowMs()`, set status and tokens. */
export type MeasureFn = (input: RequestInput, rec: RequestRecord, signal: CancelSignal) => Promise<void>;

export interface UserContext {
  /** This user's number, 0 .. clients_per_node − 1 (the seed's `thread_id`). */
  readonly threadId: number;
  /** The workload being run (after the executor's `prepareSpec`). */
  readonly workload: WorkloadSpec;
  /** True while the user may start a request: false after the measurement, at max_requests or on stop. */
  active(): boolean;
  /**
   * Sends the workload's next prompt with the service's own request client and records it (when active).
   * After a connection error, HTTP 429 or 503 it resolves only after the user's backoff (backoff.ts);
   * `measure` too.
   */
  send(): Promise<void>;
  /**
   * Records one request made by `fn` itself. `fn` gets the next prompt, a record whose `sent` is stamped,
   * and the request's cancellation signal (aborted on timeout or stop). It sets `status` ('ok' | 'error'),
   * `first_token`/`last_token` (for TTFT), `output_tokens_client` (or `_server`), `error` on failure;
   * `end` and the token totals are filled in when it leaves them. A throw makes the request an error.
   * Does nothing when the user is no longer active.
   */
  measure(fn: MeasureFn): Promise<void>;
  /** Sleeps `ms` (think time), waking early when the run stops. */
  sleep(ms: number): Promise<void>;
}

/** The workload a user runs: closed loop, so `load` is `{mode: 'closed', clients_per_node, sleep_seconds?}`. */
export type ClosedLoopWorkload = WorkloadSpec & { load: ClosedLoop };

export type RunUser = (workload: ClosedLoopWorkload, threadId: number, user: UserContext) => Promise<void>;

/**
 * Why a load cannot run on an executor with a per-user hook, or undefined when it can: the hook is what
 * one user does, so it needs users (closed loop); an open loop has arrivals, not users. The executor
 * (startLoad) and `hpcbench validate` (src/recipe/rules.ts) refuse with this one message.
 */
export function hookLoadRefusal(mode: Load['mode']): string | undefined {
  if (mode === 'closed') return undefined;
  return 'the service runs a per-user hook (runBenchmark: one call per user, clients_per_node users), which has no open loop: remove target_rps (and request_distribution, burstiness, max_concurrency)';
}

/** The default user: request, think `sleep_seconds`, repeat while active. */
export const defaultUser: RunUser = async (workload, _threadId, user) => {
  const thinkMs = (workload.load.sleep_seconds ?? 0) * 1000;
  while (user.active()) {
    await user.send();
    if (thinkMs > 0) await user.sleep(thinkMs);
  }
};

function measured(fn: MeasureFn): MeasureFn {
  return async (input, rec, signal) => {
    try {
      await fn(input, rec, signal);
    } catch (err) {
      rec.status = 'error';
      rec.error ??= 'client_error';
      rec.error_detail ??= String((err as Error)?.message ?? err).slice(0, 200);
    }
    if (!rec.end) rec.end = nowMs();
    finalizeTokens(rec);
  };
}

export function userContext(ctx: RunContext, threadId: number): UserContext {
  const backoff = new Backoff();
  // after a connection error, 429 or 503: wait (exponential with jitter, capped) instead of spinning;
  // undefined when there is nothing to wait for (no promise to await per request)
  const pushedBack = (rec: RequestRecord): Promise<void> | undefined => {
    const wait = Math.min(backoff.after(rec), ctx.measureEnd - nowMs());
    return wait > 0 ? ctx.sleep(wait) : undefined;
  };
  return {
    threadId,
    workload: ctx.spec,
    active: () => ctx.mayIssue(nowMs()),
    send: async () => {
      const at = nowMs();
      if (!ctx.mayIssue(at)) return;
      const back = pushedBack(await ctx.issue(at));
      if (back) await back;
    },
    measure: async (fn) => {
      const at = nowMs();
      if (!ctx.mayIssue(at)) return;
      const send = measured(fn);
      const rec = await ctx.issue(at, (input, rec, signal) => {
        rec.server ||= ctx.spec.server_url;
        return send(input, rec, signal);
      });
      const back = pushedBack(rec);
      if (back) await back;
    },
    sleep: (ms) => ctx.sleep(ms),
  };
}
