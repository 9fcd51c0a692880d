/** `hpcbench executor --pushgateway`: live metrics reach a real Pushgateway; the group goes away on SIGTERM. */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { spawnExecutor } from '../fixtures/spawn-executor.js';
import {
  pushedMetrics,
  pushgatewayAvailable,
  type RunningPushgateway,
  startPushgateway,
} from '../monitor/helpers/pushgateway.js';

const available = pushgatewayAvailable();
let pgw: RunningPushgateway;
let sim: DummyServer;

beforeAll(async () => {
  if (!available) return;
  pgw = await startPushgateway();
  sim = await startDummyServer({ load_ms: 0, decode_step_ms: 2 });
}, 30_000);
afterAll(async () => {
  await pgw?.stop();
  await sim?.close();
});

async function until<T>(get: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(100);
  }
}

describe.skipIf(!available)('executor pushes to a Pushgateway', () => {
  it('pushes <service>_requests_total labelled with node, role=client and run, and deletes its group on exit', async () => {
    const ex = await spawnExecutor([
      '--service',
      'dummy',
      '--node',
      'pushnode',
      '--pushgateway',
      pgw.url,
      '--push-interval',
      '0.2',
      '--run-id',
      'r42',
      '--insecure',
    ]);
    try {
      const res = await fetch(`${ex.url}/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          server_url: sim.url,
          model: 'dummy-model',
          duration: 30,
          warmup: 0,
          max_tokens: 4,
        }),
      });
      expect(res.status).toBe(200);
      const metric = await until(async () =>
        (await pushedMetrics(pgw.url)).find((m) => m.name === 'dummy_requests_total' && m.value > 0),
      );
      expect(metric.labels).toMatchObject({
        job: 'hpcbench_executor',
        node: 'pushnode',
        role: 'client',
        run: 'r42',
        service: 'dummy',
      });
    } finally {
      const r = await ex.stop();
      expect(r.exitCode).toBe(0);
    }
    expect((await pushedMetrics(pgw.url)).filter((m) => m.labels.node === 'pushnode')).toEqual([]);
  }, 60_000);
});
