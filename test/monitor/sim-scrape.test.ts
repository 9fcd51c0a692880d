/** The server-metrics scraper against the simulated inference service (vLLM metric names, Ollama /api/ps). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScrapeSource, scrapeSource } from '../../src/contracts/index.js';
import { type ServerMetricsRow, startServerMetricsScraper } from '../../src/monitor/server-scraper.js';
import { DUMMY_CAPABILITIES } from '../../src/services/dummy/capabilities.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { OLLAMA_CAPABILITIES } from '../../src/services/ollama/capabilities.js';

/** What the scraper reads of the simulator (Prometheus /metrics) and of Ollama (/api/ps), as they declare it. */
const PROM = scrapeSource(DUMMY_CAPABILITIES) as ScrapeSource;
const OLLAMA_PS = scrapeSource(OLLAMA_CAPABILITIES) as ScrapeSource;

const readRows = (file: string): ServerMetricsRow[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('scraping the simulated service', () => {
  let sim: DummyServer;
  let dir: string;
  beforeAll(async () => {
    sim = await startDummyServer({ load_ms: 10, decode_step_ms: 20, prefill_base_ms: 5, output_tokens: 25 });
    dir = mkdtempSync(join(tmpdir(), 'sim-scrape-'));
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the vLLM series while requests run, ending at the tokens the server generated', async () => {
    const file = join(dir, 'server-dummy-0.jsonl');
    const scraper = startServerMetricsScraper({
      url: sim.url,
      source: PROM,
      interval: 0.1,
      outputFile: file,
    });
    const completions = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const res = await fetch(`${sim.url}/v1/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'dummy-model', prompt: `prompt number ${i}`, max_tokens: 25 }),
        });
        return ((await res.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens;
      }),
    );
    await new Promise((r) => setTimeout(r, 400)); // a scrape after the last completion
    const summary = await scraper.stop();
    expect(summary.failures).toBe(0);
    const rows = readRows(file);
    const series = (name: string) => rows.filter((r) => r.metric === name);

    expect(Math.max(...series('vllm:num_requests_running').map((r) => r.value))).toBeGreaterThan(0);
    const generated = series('vllm:generation_tokens_total');
    expect(generated.at(-1)!.value).toBe(completions.reduce((a, b) => a + b, 0));
    expect(generated.at(-1)!.labels).toEqual({ model_name: 'dummy-model' });
    for (let i = 1; i < generated.length; i++)
      expect(generated[i].value).toBeGreaterThanOrEqual(generated[i - 1].value);
    const inf = series('vllm:e2e_request_latency_seconds_bucket').filter((r) => r.labels.le === '+Inf');
    expect(inf.at(-1)!.value).toBe(6);
    const ok = series('vllm:request_success_total').filter((r) => r.labels.finished_reason === 'length');
    expect(ok.at(-1)!.value).toBe(6);

    // every vLLM metric family the servers dashboard charts is in the series
    const dashboard = readFileSync(new URL('../../dashboards/grafana-servers.json', import.meta.url), 'utf8');
    const charted = new Set(
      [...dashboard.matchAll(/vllm:[a-z0-9_]+/g)].map((m) => m[0].replace(/_bucket$/, '')),
    );
    const recorded = new Set(rows.map((r) => r.metric.replace(/_(bucket|sum|count)$/, '')));
    const missing = [...charted].filter((m) => !recorded.has(m));
    // vllm:num_preemptions_total is vLLM-only (the simulator does not preempt)
    expect(missing.filter((m) => m !== 'vllm:num_preemptions_total')).toEqual([]);
  });

  it("records Ollama's /api/ps from the simulator", async () => {
    const file = join(dir, 'server-ollama-0.jsonl');
    const scraper = startServerMetricsScraper({
      url: sim.url,
      source: OLLAMA_PS,
      interval: 0.1,
      outputFile: file,
    });
    await new Promise((r) => setTimeout(r, 300));
    await scraper.stop();
    const rows = readRows(file);
    expect(rows.find((r) => r.metric === 'ollama_models_loaded')!.value).toBeGreaterThanOrEqual(1);
    const vram = rows.find((r) => r.metric === 'ollama_model_size_vram_bytes')!;
    expect(vram.labels.model).toBe('dummy-model:latest');
    expect(vram.value).toBeGreaterThan(0);
  });
});
