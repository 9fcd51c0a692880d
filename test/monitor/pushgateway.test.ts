import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExecutorPush } from '../../src/monitor/executor-push.js';
import { Monitor } from '../../src/monitor/monitor.js';
import {
  deletePushgatewayGroups,
  deleteRunGroups,
  listGroups,
  pushGroup,
} from '../../src/monitor/pushgateway.js';
import {
  pushedMetrics,
  pushgatewayAvailable,
  type RunningPushgateway,
  startPushgateway,
} from './helpers/pushgateway.js';

const FAKE_GPU_DIR = fileURLToPath(new URL('./fixtures/fake-gpu', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

describe.runIf(pushgatewayAvailable())('against a real Pushgateway', () => {
  let pgw: RunningPushgateway;
  let dir: string;
  beforeAll(async () => {
    pgw = await startPushgateway();
    dir = mkdtempSync(join(tmpdir(), 'pgw-test-'));
  });
  afterAll(async () => {
    await pgw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Monitor pushes node and GPU gauges with job/instance/node/role/run labels and deletes them on stop', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = `${FAKE_GPU_DIR}${delimiter}${savedPath}`;
    const m = new Monitor({
      outputFile: join(dir, 'm.csv'),
      interval: 0.2,
      node: 'gpu-node-7',
      role: 'server',
      labels: { run: 'run/42' },
      prometheusPushgatewayUrl: pgw.url,
      prometheusPushInterval: 0.3,
    });
    try {
      await m.start();
      const util = await until(async () => {
        const all = await pushedMetrics(pgw.url);
        const found = all.filter((x) => x.name === 'hpcbench_gpu_utilization_percent');
        return found.length === 2 ? found : undefined;
      });
      for (const s of util) {
        expect(s.labels).toMatchObject({
          job: 'hpcbench_monitor',
          instance: 'gpu-node-7',
          node: 'gpu-node-7',
          role: 'server',
          run: 'run/42',
        });
      }
      const all = await pushedMetrics(pgw.url);
      const mem1 = all.find((x) => x.name === 'hpcbench_gpu_memory_used_mb' && x.labels.gpu === '1');
      expect(mem1!.value).toBeGreaterThanOrEqual(1100); // fake: 1000 + 100*1 + iteration
      expect(all.find((x) => x.name === 'hpcbench_gpu_memory_total_mb')!.value).toBe(81920);
      const cpu = all.find((x) => x.name === 'hpcbench_node_cpu_percent');
      expect(cpu!.value).toBeGreaterThanOrEqual(0);
      expect(cpu!.value).toBeLessThanOrEqual(100);
      expect(all.find((x) => x.name === 'hpcbench_node_ram_used_mb')!.value).toBeGreaterThan(0);
    } finally {
      await m.stop();
      process.env.PATH = savedPath;
    }
    expect((await listGroups(pgw.url)).filter((g) => g.node === 'gpu-node-7')).toEqual([]);
  });

  it('startExecutorPush publishes what render() returns, updates it and deletes the group on stop', async () => {
    let requests = 5;
    const push = startExecutorPush({
      url: pgw.url,
      labels: { instance: 'exec-1', node: 'c1', role: 'client', run: 'r1' },
      interval: 0.2,
      render: () =>
        `# TYPE hpcbench_requests_total counter\nhpcbench_requests_total ${requests}\n` +
        `# TYPE hpcbench_latency_ms gauge\nhpcbench_latency_ms{quantile="0.99"} 12.5\n`,
    });
    const first = await until(async () =>
      (await pushedMetrics(pgw.url)).find((x) => x.name === 'hpcbench_requests_total'),
    );
    expect(first.labels).toEqual({
      job: 'hpcbench_executor',
      instance: 'exec-1',
      node: 'c1',
      role: 'client',
      run: 'r1',
    });
    requests = 17;
    await until(async () => {
      const s = (await pushedMetrics(pgw.url)).find((x) => x.name === 'hpcbench_requests_total');
      return s?.value === 17 ? s : undefined;
    });
    const p99 = (await pushedMetrics(pgw.url)).find((x) => x.name === 'hpcbench_latency_ms');
    expect(p99).toMatchObject({ value: 12.5, labels: { quantile: '0.99', run: 'r1' } });
    await push.stop();
    expect((await listGroups(pgw.url)).filter((g) => g.run === 'r1')).toEqual([]);
  });

  it('keep: true leaves the group; deleteRunGroups / deletePushgatewayGroups remove groups', async () => {
    const push = startExecutorPush({
      url: pgw.url,
      labels: { instance: 'e2', run: 'r2' },
      interval: 10,
      keep: true,
      render: () => 'hpcbench_requests_total 3\n',
    });
    await push.stop();
    await pushGroup(pgw.url, { job: 'hpcbench_monitor', instance: 'n9', run: 'r2' }, 'x 1\n');
    await pushGroup(pgw.url, { job: 'other', instance: 'keepme', run: 'r3' }, 'x 2\n');
    expect((await listGroups(pgw.url)).filter((g) => g.run === 'r2')).toHaveLength(2);
    expect(await deleteRunGroups(pgw.url, 'r2')).toBe(2);
    const left = await listGroups(pgw.url);
    expect(left.filter((g) => g.run === 'r2')).toEqual([]);
    expect(left.filter((g) => g.run === 'r3')).toHaveLength(1);
    expect(await deletePushgatewayGroups(pgw.url, [{ job: 'other', instance: 'keepme', run: 'r3' }])).toBe(0);
    expect(await listGroups(pgw.url)).toEqual([]);
  });

  it('push failures are reported, not thrown', async () => {
    const errors: string[] = [];
    const push = startExecutorPush({
      url: pgw.url,
      labels: { instance: 'bad' },
      interval: 0.2,
      render: () => 'this is not { prometheus text\n',
      onError: (e) => errors.push(e.message),
    });
    await until(async () => (errors.length ? errors : undefined));
    await push.stop();
    expect(errors[0]).toMatch(/400/);
  });
});
