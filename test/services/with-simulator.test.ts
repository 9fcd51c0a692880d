/** Server managers against the real simulated service (startDummyServer): health, prepare, pull, E003. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrepareProgress } from '../../src/services/base/types.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { ServiceFactory } from '../../src/services/factory.js';

let sim: DummyServer;
beforeAll(async () => {
  sim = await startDummyServer({ models: ['extra-model'] });
});
afterAll(async () => {
  await sim.close();
});

describe('server managers against the simulated service', () => {
  it('dummy: healthy on /health given host:port; its models are ready; an unserved model is E003', async () => {
    const endpoint = `127.0.0.1:${sim.port}`;
    const ok = ServiceFactory.createServerManager('dummy', {
      model: 'dummy-model',
      health_check: { interval: 0.2 },
    });
    await expect(ok.verifyHealth([endpoint], 10)).resolves.toBe(true);
    await expect(ok.prepareService([endpoint])).resolves.toBe(true);
    const extra = ServiceFactory.createServerManager('dummy', { service_config: { model: 'extra-model' } });
    await expect(extra.prepareService([sim.url])).resolves.toBe(true);
    const missing = ServiceFactory.createServerManager('vllm', { model: 'meta-llama/Llama-2-7b' });
    expect(await missing.prepareService([sim.url])).toBe(false);
    const err = missing.lastFailure!;
    expect(err.code).toBe('E003');
    expect(err.message).toMatch(
      /model meta-llama\/Llama-2-7b is not served \(GET \/v1\/models lists: .*dummy-model/,
    );
  });

  it('ollama: /api/tags health; a missing model is pulled with streamed progress and then listed', async () => {
    const seen: PrepareProgress[] = [];
    const m = ServiceFactory.createServerManager(
      'ollama',
      { model: 'tinyllama' },
      { onProgress: (p) => seen.push(p) },
    );
    expect(m.getHealthCheckEndpoint()).toBe('/api/tags');
    await expect(m.verifyHealth([sim.url], 10)).resolves.toBe(true);
    await expect(m.prepareService([sim.url], 30)).resolves.toBe(true);
    expect(seen[0].status).toBe('pulling manifest');
    expect(seen.some((p) => p.total !== undefined && p.completed === p.total)).toBe(true);
    expect(seen.at(-1)?.status).toBe('success');
    seen.length = 0;
    await m.prepareService([sim.url]);
    expect(seen.map((p) => p.status)).toEqual(['present']);
  });

  it('E001 once the server is gone', async () => {
    const s = await startDummyServer();
    const endpoint = `127.0.0.1:${s.port}`;
    const m = ServiceFactory.createServerManager('dummy', { health_check: { interval: 0.1 } });
    await m.verifyHealth([endpoint], 5);
    await s.close();
    await expect(m.healthFailure([endpoint], 0.3)).resolves.toMatchObject({
      code: 'E001',
      message: expect.stringContaining(`${endpoint} (/health: connection refused)`),
    });
  });
});

describe('dummy service config', () => {
  it('is validated like the simulator validates it (E006 naming the field)', () => {
    let err: unknown;
    try {
      ServiceFactory.createServerManager('dummy', { service_config: { error_rate: 2 } });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'E006',
      issues: [expect.objectContaining({ path: 'servers.service_config.error_rate' })],
    });
    const m = ServiceFactory.createServerManager('dummy', { service_config: { model: 'x' } });
    expect(m.model).toBe('x');
  });
});
