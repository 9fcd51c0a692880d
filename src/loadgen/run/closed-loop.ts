/**
 * Closed loop: `clients_per_node` users, each running the per-user hook (`defaultUser` unless a custom
 * executor gives its own, see user-hook.ts): one request at a time, `sleep_seconds` of think time between
 * requests. A request's `scheduled` time is when its user became ready, so schedule lag measures the load
 * generator's own delay.
 */
import type { ClosedLoop } from '../../contracts/index.js';
import type { RunContext } from './context.js';
import { defaultUser, type RunUser, userContext } from './user-hook.js';

export async function runClosedLoop(
  ctx: RunContext,
  load: ClosedLoop,
  runUser: RunUser = defaultUser,
): Promise<void> {
  const workload = { ...ctx.spec, load };
  const users: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, load.clients_per_node); i++)
    users.push(runUser(workload, i, userContext(ctx, i)));
  await Promise.all(users);
}
