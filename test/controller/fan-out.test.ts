/**
 * The controller's calls fan out concurrently with a bound: never more than `fanOut` executor calls in
 * flight, all executors answered, outcomes in executor order (settleAll), failures named.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BaseWorkloadController, DEFAULT_FAN_OUT } from '../../src/controller/base-workload-controller.js';
import { mapAll, settleAll } from '../../src/util/fan-out.js';
import { type Closable, json, scriptedServer } from '../fixtures/net-conditions.js';

const servers: Closable[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('settleAll / mapAll', () => {
  it('at most `limit` calls at once, every item once, results in item order, failures kept', async () => {
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 50 }, (_, i) => i);
    const settled = await settleAll(items, 7, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      inFlight--;
      if (i === 13) throw new Error('thirteen');
      return i * 2;
    });
    expect(peak).toBe(7);
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(
      items.map((i) => (i === 13 ? 'thirteen' : i * 2)),
    );
    await expect(
      mapAll(items, 3, async (i) => (i === 40 ? Promise.reject(new Error('forty')) : i)),
    ).rejects.toThrow('forty');
    expect(await mapAll([], 3, async () => 1)).toEqual([]);
  });
});

describe('controller fan-out', () => {
  it(`status of 40 executors with fanOut 8: 8 calls at most in flight (default ${DEFAULT_FAN_OUT})`, async () => {
    let inFlight = 0;
    let peak = 0;
    const eps: string[] = [];
    for (let i = 0; i < 40; i++) {
      const s = await scriptedServer((_req, res) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        setTimeout(() => {
          inFlight--;
          json(res, 200, { running: false, phase: 'done', requests_sent: i });
        }, 20);
      });
      servers.push(s);
      eps.push(`127.0.0.1:${s.port}`);
    }
    const c = new BaseWorkloadController(
      eps.map((_, i) => `c${i}`),
      5000,
      10,
      { token: 't', endpoints: eps, fanOut: 8 },
    );
    expect(c.fanOut).toBe(8);
    const statuses = await c.getStatus();
    expect(statuses.map((s) => s.status.requests_sent)).toEqual(eps.map((_, i) => i));
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
    expect(new BaseWorkloadController(['a'], 5000).fanOut).toBe(DEFAULT_FAN_OUT);
  });
});
