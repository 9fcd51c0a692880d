/**
 * Server-reported figures beside the client's, end to end: `hpcbench run` against the simulated service
 * (two servers, which serve vLLM's /metrics names and keep per-request ground truth). Each benchmark's summary.json
 * and metrics.json carry `server_metrics`; the console table and summary.md get `srv` columns.
 * Without warmup, in a closed loop that drains, the window's server counts equal the client's exactly;
 * with warmup, the window starts when the executors leave it, so it does not include the warmup.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

const GEN = 16;
const USERS = 2 * 2; // 2 executors × 2 clients

describe('server_metrics in the results', () => {
  it("keeps the simulator's /metrics deltas and ground truth per benchmark beside the client's", async () => {
    const file = await box.writeRecipe(
      'server-metrics.yaml',
      recipe(
        'server-metrics',
        {
          api: 'completions',
          stream: true,
          gen_tokens: GEN,
          prompt_len: 16,
          benchmark_suite: [
            { name: 'exact', duration: '2s', warmup: '0s' },
            { name: 'warm', duration: '2s', warmup: '2s' },
          ],
        },
        {
          // Two simulated servers: the server view sums both.
          orchestration: { mode: 'local', node_allocation: { servers: { nodes: 2 }, clients: { nodes: 2 } } },
        },
      ),
    );
    const res = await runCli(['run', file, '--results-dir', box.path('results')], { timeout: 180_000 });
    expect(res.exitCode, res.all).toBe(0);
    // the servers' own figures grouped after the client's latencies
    expect(res.stdout).toMatch(/E2E ms\s+server\n/);
    expect(res.stdout).toMatch(/p99\s+tok\/s TTFT ms\n/);
    const run = await onlyRunDir(box.path('results'));
    const bench = async (name: string): Promise<{ summary: Json; metrics: Json }> => ({
      summary: await readJson(join(run, 'benchmarks', name, 'summary.json')),
      metrics: await readJson(join(run, 'benchmarks', name, 'metrics.json')),
    });

    // No warmup, closed loop: every request the server finished in the window is a measured one.
    const exact = await bench('exact');
    const s = exact.summary;
    const srv = s.server_metrics;
    expect(s.requests.failed).toBe(0);
    expect(s.requests.ok).toBeGreaterThan(0);
    expect(exact.metrics.server_metrics).toEqual(srv);
    expect(srv.source).toBe('prometheus');
    expect(srv.families).toEqual(['vllm']);
    expect(srv.window.start_trigger).toBe('benchmark-start');
    expect(srv.servers).toHaveLength(2);
    expect(srv.servers.map((x: Json) => x.scraped)).toEqual([true, true]);
    // both servers got load, and the sum is over both
    for (const x of srv.servers) expect(x.generation_tokens).toBeGreaterThan(0);
    expect(srv.servers[0].generation_tokens + srv.servers[1].generation_tokens).toBe(
      srv.counters.generation_tokens,
    );
    expect(srv.counters.generation_tokens).toBe(s.tokens.output);
    expect(srv.counters.prompt_tokens).toBe(s.tokens.prompt);
    expect(srv.counters.requests_succeeded).toBe(s.requests.ok);
    // Rates on the client's window: the same tokens over the same seconds give the same tokens/s.
    expect(srv.rate_basis).toBe('client-window');
    expect(srv.rates.output_tokens_per_s).toBeCloseTo(s.throughput.output_tokens_per_s, 6);
    expect(srv.window.duration_s).toBeGreaterThanOrEqual(s.duration_s);
    for (const k of ['ttft', 'e2e', 'itl']) {
      expect(srv.latency_ms[k].estimate, k).toBe('bucket');
      expect(srv.latency_ms[k].count, k).toBeGreaterThan(0);
    }
    expect(srv.latency_ms.ttft.count).toBe(s.requests.ok);
    expect(srv.gauges.running_requests.max).toBeLessThanOrEqual(USERS);
    expect(srv.gauges.running_requests.samples).toBeGreaterThanOrEqual(2);
    // The simulator's exact ground truth over the same window.
    const gt = srv.ground_truth;
    expect(gt.complete).toBe(true);
    expect(gt.requests).toBe(s.requests.ok);
    expect(gt.by_state).toEqual({ done: s.requests.ok });
    expect(gt.output_tokens).toBe(s.tokens.output);
    expect(gt.latency_ms.ttft.count).toBe(s.requests.ok);
    // The server stamps before the client reads: its TTFT is no longer than the client's.
    expect(gt.latency_ms.ttft.p50).toBeLessThanOrEqual(s.latency_ms.ttft.p50);
    expect(gt.latency_ms.e2e.p50).toBeLessThanOrEqual(s.latency_ms.e2e.p50);
    // The per-request sums of what the server put in `usage` are unchanged beside it.
    expect(s.server_reported.server_output_tokens).toBe(s.tokens.output);

    // With warmup: the window starts when the executors left warmup, so the warmup's ~2 s of tokens are
    // not in it; only requests in flight at that boundary make the two differ (a few requests' tokens).
    const warmBench = await bench('warm');
    const warm = warmBench.summary;
    const w = warm.server_metrics;
    expect(w.window.start_trigger).toBe('warmup-end');
    const started = Date.parse(warmBench.metrics.started_at);
    expect(Date.parse(w.window.start)).toBeGreaterThan(started + 2000);
    expect(warm.requests.ok).toBeGreaterThan(USERS);
    const diff = Math.abs(w.counters.generation_tokens - warm.tokens.output);
    expect(diff, JSON.stringify({ server: w.counters, client: warm.tokens })).toBeLessThanOrEqual(
      Math.max(4 * USERS * GEN, 0.25 * warm.tokens.output),
    );
    expect(w.notes.join(' ')).toMatch(/leave warmup/);

    const md = await readFile(join(run, 'summary.md'), 'utf8');
    expect(md).toMatch(/\| E2E p99 \(ms\) \| srv tok\/s \| srv TTFT p50 \(ms\) \|/);
    expect(md).toMatch(/srv = the servers' own figures/);
    const runSummary = await readJson(join(run, 'summary.json'));
    expect(runSummary.benchmarks[0].server_metrics.counters.generation_tokens).toBe(s.tokens.output);
  }, 240_000);
});
