import { describe, expect, it } from 'vitest';
import { toExecutorMetrics } from '../../src/metrics/executor-metrics.js';
import { renderExecutorPrometheus } from '../../src/metrics/prometheus.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { craft } from './records.js';

const T = 1_700_000_000_000;

function snap() {
  const rec = new MetricsRecorder({ source: 'node1' });
  rec.windowStart = T;
  for (let i = 0; i < 100; i++)
    rec.add(craft({ sent: T, chunks: [T + 10, T + 10 + (i + 1) * 10], output: 2 }));
  rec.add(craft({ sent: T, end: T + 5, status: 'error', error: 'http_503' }));
  return rec.snapshot();
}

describe("the seed's GET /metrics and Prometheus text", () => {
  it('toExecutorMetrics: seconds from the E2E histogram, requests and errors, throughput over the window', () => {
    const m = toExecutorMetrics(snap(), 12);
    expect(m.requests_total).toBe(101);
    expect(m.errors_total).toBe(1);
    expect(m.latency.p50).toBeCloseTo(0.51, 2);
    expect(m.latency.p99).toBeCloseTo(1.0, 2);
    expect(m.latency.avg).toBeCloseTo(0.515, 2);
    expect(m.throughput_rps).toBeCloseTo(100 / 1.01, 1);
    expect(m.elapsed_seconds).toBe(12);
    expect(m.snapshot?.counters.ok).toBe(100);
  });

  it("Prometheus: the seed's three names plus quantiles and tokens", () => {
    const text = renderExecutorPrometheus('ollama', snap());
    expect(text).toContain('# TYPE ollama_requests_total counter\nollama_requests_total 101\n');
    expect(text).toContain('ollama_errors_total 1\n');
    expect(text).toMatch(/# TYPE ollama_request_latency_seconds gauge\nollama_request_latency_seconds 0\.51/);
    expect(text).toMatch(/ollama_ttft_seconds\{quantile="0\.99"\} 0\.01/);
    expect(text).toMatch(/ollama_e2e_latency_seconds\{quantile="0\.5"\} 0\.5/);
    expect(text).toContain('ollama_output_tokens_total 200');
    expect(text).toContain('ollama_errors_by_reason_total{reason="http_503"} 1');
    for (const line of text.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \S+ .+|[a-z0-9_]+(\{[a-z]+="[^"]*"\})? [0-9.e+-]+)$/);
    }
  });

  it("Prometheus: the load generator's connection counters, when its client has a pool", () => {
    const s = snap();
    expect(renderExecutorPrometheus('vllm', s)).not.toContain('vllm_connections_');
    s.connections = {
      requests: 120,
      opened: 121,
      resent_stale: 1,
      server_closes_after_stream: true,
      learnt_by: 1,
      executors: 1,
    };
    const text = renderExecutorPrometheus('vllm', s);
    expect(text).toContain(
      '# TYPE vllm_connections_requests_total counter\nvllm_connections_requests_total 120\n',
    );
    expect(text).toContain(
      '# TYPE vllm_connections_opened_total counter\nvllm_connections_opened_total 121\n',
    );
    expect(text).toContain(
      '# TYPE vllm_connections_resent_stale_total counter\nvllm_connections_resent_stale_total 1\n',
    );
    expect(text).toContain(
      '# TYPE vllm_connections_server_closes_after_stream gauge\nvllm_connections_server_closes_after_stream 1\n',
    );
  });
});
