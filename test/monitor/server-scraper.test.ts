import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScrapeSource, scrapeSource } from '../../src/contracts/index.js';
import { type ServerMetricsRow, startServerMetricsScraper } from '../../src/monitor/server-scraper.js';
import { DUMMY_CAPABILITIES } from '../../src/services/dummy/capabilities.js';
import { OLLAMA_CAPABILITIES } from '../../src/services/ollama/capabilities.js';

/** What the scraper reads of the simulator (Prometheus /metrics) and of Ollama (/api/ps), as they declare it. */
const PROM = scrapeSource(DUMMY_CAPABILITIES) as ScrapeSource;
const OLLAMA_PS = scrapeSource(OLLAMA_CAPABILITIES) as ScrapeSource;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small vLLM-like server: /metrics with a running-requests gauge that counts scrapes, and /api/ps. */
function startFakeServer(): Promise<{ server: Server; url: string; scrapes: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      n++;
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(
        [
          '# HELP vllm:num_requests_running Number of requests currently running on GPU.',
          '# TYPE vllm:num_requests_running gauge',
          `vllm:num_requests_running{model_name="tiny",engine="0"} ${n}`,
          '# TYPE vllm:e2e_request_latency_seconds histogram',
          'vllm:e2e_request_latency_seconds_bucket{model_name="tiny",le="0.5"} 2',
          'vllm:e2e_request_latency_seconds_bucket{model_name="tiny",le="+Inf"} 3',
          'vllm:e2e_request_latency_seconds_sum{model_name="tiny"} 1.25',
          'vllm:e2e_request_latency_seconds_count{model_name="tiny"} 3',
          'llamacpp:prompt_tokens_total 1.5e3',
          'weird_nan NaN',
          '',
        ].join('\n'),
      );
    } else if (req.url === '/api/ps') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ models: [{ name: 'llama2:latest', size: 5000, size_vram: 4000 }] }));
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}`, scrapes: () => n });
    }),
  );
}

const readRows = (file: string): ServerMetricsRow[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('server metrics scraper', () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeServer();
    dir = mkdtempSync(join(tmpdir(), 'scrape-'));
  });
  afterAll(() => {
    fake.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records every /metrics sample as a JSONL time series', async () => {
    const file = join(dir, 'monitor', 'server-vllm.jsonl');
    const s = startServerMetricsScraper({ url: fake.url, source: PROM, interval: 0.2, outputFile: file });
    await sleep(1000);
    const summary = await s.stop();
    const rows = readRows(file);
    expect(summary.scrapes).toBeGreaterThanOrEqual(3);
    expect(summary.failures).toBe(0);
    expect(rows).toHaveLength(summary.rows);
    const running = rows.filter((r) => r.metric === 'vllm:num_requests_running');
    expect(running).toHaveLength(summary.scrapes);
    expect(running.map((r) => r.value)).toEqual(running.map((_, i) => i + 1));
    expect(running[0].labels).toEqual({ model_name: 'tiny', engine: '0' });
    const inf = rows.find(
      (r) => r.metric === 'vllm:e2e_request_latency_seconds_bucket' && r.labels.le === '+Inf',
    );
    expect(inf?.value).toBe(3);
    expect(rows.find((r) => r.metric === 'llamacpp:prompt_tokens_total')?.value).toBe(1500);
    expect(rows.some((r) => r.metric === 'weird_nan')).toBe(false);
    for (const r of running) expect(new Date(r.ts).toISOString()).toBe(r.ts);
    // no further rows after stop
    const count = readRows(file).length;
    await sleep(400);
    expect(readRows(file)).toHaveLength(count);
  });

  it("scrapes Ollama's /api/ps", async () => {
    const file = join(dir, 'ollama.jsonl');
    const s = startServerMetricsScraper({
      url: `${fake.url}/`,
      source: OLLAMA_PS,
      interval: 0.2,
      outputFile: file,
    });
    await sleep(300);
    await s.stop();
    const rows = readRows(file);
    expect(rows.find((r) => r.metric === 'ollama_models_loaded')?.value).toBe(1);
    expect(rows.find((r) => r.metric === 'ollama_model_size_vram_bytes')).toMatchObject({
      labels: { model: 'llama2:latest' },
      value: 4000,
    });
  });

  it('reports a failing target once and keeps going', async () => {
    const warnings: string[] = [];
    const s = startServerMetricsScraper({
      url: `${fake.url}/nope`,
      source: PROM,
      interval: 0.1,
      outputFile: join(dir, 'x.jsonl'),
      onWarning: (w) => warnings.push(w),
    });
    await sleep(500);
    const summary = await s.stop();
    expect(summary.failures).toBeGreaterThanOrEqual(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/404/);
  });
});
