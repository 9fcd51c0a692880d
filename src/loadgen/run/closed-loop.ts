/**
 * Closed loop: `clients_per_node` users, each sending one request at a time and thinking `sleep_seconds`
 * between requests. A request's `scheduled` time is when its user became ready, so schedule lag measures
 * the load generator's own delay.
 */
import type { ClosedLoop } from '../../contracts/index.js';
import { nowMs } from '../record.js';
import type { RunContext } from './context.js';

async function user(ctx: RunContext, thinkMs: number): Promise<void> {
  for (;;) {
    const at = nowMs();
    if (!ctx.mayIssue(at)) return;
    await ctx.issue(at);
    if (thinkMs > 0) await ctx.sleep(thinkMs);
  }
}

export async function runClosedLoop(ctx: RunContext, load: ClosedLoop): Promise<void> {
  const thinkMs = (load.sleep_seconds ?? 0) * 1000;
  const users: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, load.clients_per_node); i++) users.push(user(ctx, thinkMs));
  await Promise.all(users);
}
