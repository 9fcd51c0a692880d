/**
 * A full hpcbench benchmark against the real llama.cpp `llama-server` (tiny random model, built by
 * .ci/build-llama.sh) through the OpenAI client path: `hpcbench run` with `workload.service: llamacpp`
 * attached to the server through `servers.endpoints`. Checks the results folder: requests, TTFT, ITL,
 * tokens/s, and the server's own /metrics figures beside the client's: the run's scraper series, and
 * the benchmark's `server_metrics` (llama.cpp's `llamacpp:*` counters over the measurement window).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePrometheusText } from '../../src/util/prom-text.js';
import { runCli } from '../helpers/cli.js';
import { type LlamaServer, requireLlama, startLlamaServer } from '../helpers/llama-server.js';

const ok = requireLlama();
const MAX_TOKENS = 16;

// biome-ignore lint/suspicious/noExplicitAny: results files are arbitrary JSON
type Json = any;
const readJson = async (p: string): Promise<Json> => JSON.parse(await readFile(p, 'utf8'));
const readJsonl = async (p: string): Promise<Json[]> =>
  (await readFile(p, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

async function serverTokensPredicted(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const s = parsePrometheusText(text).samples.find((x) => x.name === 'llamacpp:tokens_predicted_total');
  if (!s) throw new Error(`llama-server /metrics has no llamacpp:tokens_predicted_total:\n${text}`);
  return s.value;
}

describe.runIf(ok)('hpcbench run against a real llama-server (OpenAI client path)', () => {
  let server: LlamaServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hpcbench-llamacpp-e2e-'));
    server = await startLlamaServer({ parallel: 2, ctxSize: 1024 });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (dir && !process.env.KEEP_E2E_DIR) await rm(dir, { recursive: true, force: true });
  });

  it('writes requests, TTFT, ITL, tokens/s and the server-reported /metrics to the results folder', async () => {
    const recipe = {
      scenario: 'llamacpp-e2e',
      orchestration: { mode: 'local', node_allocation: { servers: { nodes: 1 }, clients: { nodes: 1 } } },
      workload: {
        component: 'inference',
        service: 'llamacpp',
        model: server.model,
        api: 'completions',
        stream: true,
        prompt_len: 32,
        gen_tokens: MAX_TOKENS,
        duration: '4s',
        // No warmup: the server's window then holds exactly the measured requests (closed loop, drained).
        warmup: '0s',
        clients_per_node: 2,
      },
      servers: { endpoints: [server.url], health_check: { timeout: 30, interval: 0.2 } },
      monitoring: { enabled: true, interval: 1 },
    };
    const file = join(dir, 'llamacpp.yaml');
    await writeFile(file, stringify(recipe));
    const before = await serverTokensPredicted(server.url);
    const res = await runCli(['run', file, '--results-dir', join(dir, 'results')], { timeout: 180_000 });
    expect(res.exitCode, String(res.all)).toBe(0);

    const runs = await readdir(join(dir, 'results'));
    expect(runs).toHaveLength(1);
    const run = join(dir, 'results', runs[0] as string);
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson.status).toBe('completed');
    expect(runJson.server_endpoints).toEqual([server.url]);
    const bench = runJson.benchmarks[0].name as string;
    const metrics = await readJson(join(run, 'benchmarks', bench, 'metrics.json'));
    expect(metrics.aggregate.total_requests).toBeGreaterThan(0);

    const summary = await readJson(join(run, 'benchmarks', bench, 'summary.json'));
    expect(summary.requests.ok).toBeGreaterThan(0);
    expect(summary.requests.failed, JSON.stringify(summary.errors_by_reason)).toBe(0);
    // The random-weight model never emits EOS: every request runs to max_tokens, as llama-server reports.
    expect(summary.tokens.output).toBe(MAX_TOKENS * summary.requests.ok);
    expect(summary.tokens.prompt).toBeGreaterThan(0);
    expect(summary.latency_ms.ttft.count).toBe(summary.requests.ok);
    expect(summary.latency_ms.ttft.p50).toBeGreaterThan(0);
    expect(summary.latency_ms.e2e.p50).toBeGreaterThanOrEqual(summary.latency_ms.ttft.p50);
    expect(summary.latency_ms.itl.count).toBeGreaterThan(0);
    expect(summary.throughput.requests_per_s).toBeGreaterThan(0);
    expect(summary.throughput.output_tokens_per_s).toBeGreaterThan(0);
    expect(summary.throughput.total_tokens_per_s).toBeGreaterThan(summary.throughput.output_tokens_per_s);

    // The server's own figures, scraped from llama-server's /metrics during the run.
    const monitorFiles = (await readdir(join(run, 'monitor'))).filter((f) => /^server-.*\.jsonl$/.test(f));
    expect(monitorFiles).toHaveLength(1);
    const rows = await readJsonl(join(run, 'monitor', monitorFiles[0] as string));
    const predicted = rows.filter((r) => r.metric === 'llamacpp:tokens_predicted_total').map((r) => r.value);
    expect(predicted.length).toBeGreaterThan(0);
    expect(Math.max(...predicted)).toBeGreaterThan(before);
    // Every token the client counted was generated by the server.
    const after = await serverTokensPredicted(server.url);
    expect(after - before).toBeGreaterThanOrEqual(summary.tokens.output);

    // The benchmark's server-side view: llama.cpp's counters over the measurement window.
    const srv = summary.server_metrics;
    expect(srv, 'summary.json has server_metrics').toBeDefined();
    expect(srv.families).toEqual(['llamacpp']);
    expect(srv.servers).toEqual([
      { url: server.url, scraped: true, generation_tokens: summary.tokens.output },
    ]);
    expect(srv.window.start_trigger).toBe('benchmark-start');
    expect(srv.counters.generation_tokens).toBe(summary.tokens.output);
    expect(srv.counters.prompt_tokens).toBeGreaterThan(0);
    expect(srv.counters.generation_seconds).toBeGreaterThan(0);
    expect(srv.rates.output_tokens_per_s).toBeCloseTo(summary.throughput.output_tokens_per_s, 6);
    expect(srv.rates.decode_tokens_per_s).toBeGreaterThan(0);
    expect(srv.gauges.running_requests.metric).toBe('llamacpp:requests_processing');
    expect(srv.gauges.running_requests.max).toBeLessThanOrEqual(2);
    expect(srv.counters.requests_succeeded).toBeUndefined(); // llama.cpp has no request counter
    expect(res.stdout).toMatch(/server\n.*tok\/s TTFT ms/);

    // llama-server closes the connection after every streamed response: the executor's pool learnt it,
    // and the run says that every request opened a new TCP connection, whose connect is not in TTFT
    expect(summary.connections).toMatchObject({
      server_closes_after_stream: true,
      learnt_by: 1,
      executors: 1,
    });
    expect(summary.connections.opened).toBeGreaterThanOrEqual(summary.requests.ok);
    const note =
      /the server closed the connection after every streamed response: every request opened a new TCP connection before it was sent, so the connect is not in TTFT or E2E but in the schedule lag/;
    expect(await readFile(join(run, 'summary.md'), 'utf8')).toMatch(note);
    expect(await readFile(join(run, 'report.html'), 'utf8')).toMatch(note);
    expect(res.stdout).toMatch(note);
  });
});
