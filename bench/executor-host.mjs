/**
 * Bench helper: COUNT real workload executors (the built dist/ executor code, each its own HTTP server
 * on 127.0.0.1 with the bearer token of $HPCBENCH_TOKEN) in this one process, so that hundreds of
 * executors fit a small machine. Prints their ports as one JSON line, then runs until SIGTERM.
 * Usage: node bench/executor-host.mjs COUNT FIRST_INDEX
 */
import { ServiceFactory } from '../dist/services/factory.js';

const count = Number(process.argv[2]);
const first = Number(process.argv[3] ?? 0);
const executors = [];
const ports = [];
for (let i = 0; i < count; i++) {
  const ex = ServiceFactory.createWorkloadExecutor('dummy', 0, {
    token: process.env.HPCBENCH_TOKEN,
    node: `e${first + i}`,
    log: () => {},
  });
  executors.push(ex);
  ports.push((await ex.listen()).port);
}
process.stdout.write(`${JSON.stringify({ ports })}\n`);
process.once('SIGTERM', async () => {
  await Promise.all(executors.map((e) => e.close()));
  process.exit(0);
});
