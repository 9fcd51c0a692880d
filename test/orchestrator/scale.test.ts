/**
 * Scale: one benchmark driven through the programmatic Orchestrator by 128 executors (real executor
 * HTTP servers and load generators, in this process, each with the run's bearer token, on 127.0.0.1)
 * against the simulator (its own process). The merge is exact: the merged counters and every bucket of
 * every merged histogram equal the sum of the 128 executors' own snapshots (their GET /metrics).
 */
import { join } from 'node:path';
import type { JsHistogram } from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Counters, ExecutorMetrics, MetricsSnapshot } from '../../src/contracts/index.js';
import type { BaseWorkloadExecutor } from '../../src/executor/base-workload-executor.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { Orchestrator } from '../../src/orchestrator/orchestrator.js';
import { ServiceFactory } from '../../src/services/factory.js';
import { onlyRunDir, readJson, recipe, Sandbox } from '../e2e/helpers.js';

const N = 128;
const TOKEN = 'scale-token';
let box: Sandbox;
const executors: BaseWorkloadExecutor[] = [];
beforeAll(async () => {
  box = await Sandbox.create('hpcbench-scale-');
});
afterAll(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
  await box.close();
});

/** Bucket counts of a decoded histogram (the JS implementation, used for merging). */
function buckets(b64: string): number[] {
  const h = decodeHistogram(b64) as unknown as JsHistogram;
  const out: number[] = [];
  for (let i = 0; i < h.countsArrayLength; i++) out.push(h.getCountAtIndex(i));
  return out;
}

function sumBuckets(lists: number[][]): number[] {
  const len = Math.max(...lists.map((l) => l.length));
  const out = new Array<number>(len).fill(0);
  for (const l of lists) for (let i = 0; i < l.length; i++) out[i] += l[i];
  return out;
}

/** Trailing zero buckets dropped (histograms of different ranges compare by their counts). */
const trim = (b: number[]): number[] => {
  let n = b.length;
  while (n > 0 && b[n - 1] === 0) n--;
  return b.slice(0, n);
};

describe(`${N} executors in one benchmark`, () => {
  it('start, status and metrics fan out to all of them; the merge equals the sum of the parts', async () => {
    const sim = await box.startSim('sim', ['--load-ms', '0', '--decode-step-ms', '5']);
    const endpoints: string[] = [];
    for (let i = 0; i < N; i++) {
      const ex = ServiceFactory.createWorkloadExecutor('dummy', 0, { token: TOKEN, node: `c${i}` });
      executors.push(ex);
      endpoints.push(`127.0.0.1:${(await ex.listen()).port}`);
    }
    const o = new Orchestrator({
      serverNodes: [`127.0.0.1:${sim.port}`],
      clientNodes: endpoints,
      recipe: recipe(
        'scale',
        {
          duration: '3s',
          warmup: '0s',
          clients_per_node: 1,
          sleep_seconds: 0.2,
          gen_tokens: 4,
          stream: true,
        },
        {
          orchestration: {
            mode: 'local',
            node_allocation: { servers: { nodes: 1 }, clients: { nodes: N } },
          },
        },
      ),
      token: TOKEN,
      timeout: 60,
      resultsDir: box.path('results'),
      monitoring: false,
      logging: false,
      serverMetrics: false,
      idleBaseline: 0,
      pollInterval: 0.5,
    });
    const results = await o.run();
    expect(results.status, JSON.stringify(results.error ?? results.reason)).toBe('completed');
    const run = await onlyRunDir(box.path('results'));
    const metrics = await readJson(join(run, 'benchmarks', 'default', 'metrics.json'));
    expect(metrics.per_client).toHaveLength(N);

    // each executor's own snapshot of the benchmark, as it reports it
    const parts: MetricsSnapshot[] = [];
    for (const ep of endpoints) {
      const m = (await (await fetch(`http://${ep}/metrics`)).json()) as ExecutorMetrics;
      parts.push(m.snapshot as MetricsSnapshot);
    }
    for (const p of parts) expect(p.counters.ok).toBeGreaterThan(0);
    const merged = metrics.snapshot as MetricsSnapshot;
    for (const k of Object.keys(merged.counters) as (keyof Counters)[])
      expect(merged.counters[k], k).toBe(parts.reduce((a, p) => a + p.counters[k], 0));
    const summary = await readJson(join(run, 'benchmarks', 'default', 'summary.json'));
    expect(summary.requests.ok).toBe(merged.counters.ok);

    const metricsRecorded = Object.keys(merged.histograms) as (keyof MetricsSnapshot['histograms'])[];
    expect(metricsRecorded).toEqual(expect.arrayContaining(['ttft', 'itl', 'e2e']));
    for (const name of metricsRecorded) {
      const own = parts.flatMap((p) => (p.histograms[name] ? [buckets(p.histograms[name] as string)] : []));
      expect(trim(buckets(merged.histograms[name] as string)), name).toEqual(trim(sumBuckets(own)));
    }
    expect(summary.latency_ms.e2e.count).toBe(merged.counters.ok);
  }, 240_000);
});
