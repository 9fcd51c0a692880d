/**
 * An executor killed (SIGKILL) mid-benchmark: the benchmark fails with the transport error, and what
 * the surviving executor measured is merged into its summary.json / metrics.json with the lost executor
 * named (the counts equal the survivor's records file).
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyRunDir, readJson, readLines, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create('hpcbench-faults-lost-');
});
afterAll(async () => {
  await box.close();
});

const TOKEN = 'faults-lost-token';

describe('an executor killed mid-benchmark', () => {
  it("the survivor's measurements are kept and the loss named", async () => {
    const sim = await box.startSim('sim', ['--load-ms', '0']);
    const [a, b] = await Promise.all([box.startExecutor('keep', TOKEN), box.startExecutor('dies', TOKEN)]);
    const file = await box.writeRecipe('lost.yaml', recipe('lost', { duration: '20s', warmup: '0s' }));
    const running = runCli(
      [
        'orchestrate',
        '--server-nodes',
        `127.0.0.1:${sim.port}`,
        '--client-nodes',
        `127.0.0.1:${a.port}`,
        `localhost:${b.port}`,
        '--workload-config-file',
        file,
        '--timeout',
        '30',
        '--quiet',
        '--results-dir',
        box.path('r-lost'),
      ],
      { env: { HPCBENCH_TOKEN: TOKEN }, timeout: 90_000 },
    );
    for (let i = 0; i < 300; i++) {
      const s = (await fetch(`${b.url}/status`).then(
        (r) => r.json(),
        () => ({}),
      )) as { requests_ok?: number };
      if ((s.requests_ok ?? 0) > 2) break;
      await sleep(100);
    }
    process.kill(b.child.pid as number, 'SIGKILL');
    const res = await running;
    expect(res.exitCode, res.all).toBe(1);
    const run = await onlyRunDir(box.path('r-lost'));
    const dir = join(run, 'benchmarks', 'default');
    const summary = await readJson(join(dir, 'summary.json'));
    expect(summary.status).toBe('failed');
    expect(summary.reason).toMatch(/executor\(s\) lost: localhost/);
    const survivor = (await readLines(join(dir, 'records-127.0.0.1.jsonl'))).map((l) => JSON.parse(l));
    const measured = survivor.filter((r) => !r.warmup);
    expect(summary.requests.sent).toBe(measured.length);
    expect(summary.requests.ok).toBe(measured.filter((r) => r.status === 'ok').length);
    expect(summary.requests.ok).toBeGreaterThan(0);
  }, 120_000);
});
