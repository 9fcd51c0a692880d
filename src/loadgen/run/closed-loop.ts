/**
 * Closed loop: `clients_per_node` users, each sending one request at a time and thinking `sleep_seconds`
 * between requests. A request's `scheduled` time is when its user became ready, so schedule lag measures
 * the load generator's own delay. A user backs off after a connection error, HTTP 429 or 503
 * (src/loadgen/run/backoff.ts).
 */
import { nowMs } from '../record.js';
import { Backoff } from './backoff.js';
import type { RunContext } from './context.js';

async function user(ctx: RunContext, thinkMs: number): Promise<void> {
  const backoff = new Backoff();
  for (;;) {
    const at = nowMs();
    if (!ctx.mayIssue(at)) return;
    const rec = await ctx.issue(at);
    // after a connection error, 429 or 503: wait (exponential with jitter, capped) instead of spinning
    const wait = Math.min(Math.max(thinkMs, backoff.after(rec)), ctx.measureEnd - nowMs());
    if (wait > 0) await ctx.sleep(wait);
  }
}

export async function runClosedLoop(ctx: RunContext): Promise<void> {
  const thinkMs = (ctx.spec.sleep_seconds ?? 0) * 1000;
  const users: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, ctx.spec.clients_per_node); i++) users.push(user(ctx, thinkMs));
  await Promise.all(users);
}
