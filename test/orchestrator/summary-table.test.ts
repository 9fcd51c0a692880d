import { describe, expect, it } from 'vitest';
import { renderSummaryMarkdown, renderSummaryTable, summaryRows } from '../../src/report/summary-table.js';
import type { BenchmarkResult } from '../../src/report/types.js';
import type { ServerMetricsView } from '../../src/serverstats/types.js';
import { sampleSummary } from './fixtures.js';

describe('summary table', () => {
  it('has one row per benchmark with throughput, TTFT/ITL/E2E p50/p99 and errors', () => {
    const rows = summaryRows([
      { name: 'a', status: 'completed', summary: sampleSummary('a') },
      { name: 'b', status: 'interrupted' },
    ]);
    expect(rows[0]).toEqual([
      'a',
      'completed',
      '9',
      '1',
      '5.00',
      '45.0',
      '12.3',
      '40.0',
      '2.0',
      '5.0',
      '100.0',
      '250.0',
    ]);
    expect(rows[1].slice(0, 4)).toEqual(['b', 'interrupted', '-', '-']);
  });

  it('renders aligned text and Markdown', () => {
    const results = [{ name: 'a', status: 'completed' as const, summary: sampleSummary('a') }];
    const text = renderSummaryTable(results);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^benchmark\s+status\s+ok\s+failed\s+req\/s/);
    expect(lines[0].length).toBe(lines[2].length);
    expect(text).toContain('a: 1 x timeout');
    const md = renderSummaryMarkdown('t', results, ['note']);
    expect(md).toContain('# t\n\n- note\n');
    expect(md).toContain('| a | completed | 9 | 1 | 5.00 | 45.0 | 12.3 | 40.0 |');
  });

  it("adds the servers' tokens/s and TTFT p50 beside the client's when a result has server_metrics", () => {
    const view = (ttft: ServerMetricsView['latency_ms']['ttft'], exact?: number): ServerMetricsView => ({
      source: 'prometheus',
      families: ['vllm'],
      window: { start: '', end: '', duration_s: 2, start_trigger: 'benchmark-start' },
      servers: [],
      counters: { generation_tokens: 88 },
      rate_basis: 'client-window',
      rates: { output_tokens_per_s: 44 },
      latency_ms: ttft ? { ttft } : {},
      gauges: {},
      notes: [],
      ...(exact !== undefined
        ? {
            ground_truth: {
              source: 'GET /hpcbench/requests',
              requests: 9,
              by_state: { done: 9 },
              prompt_tokens: 0,
              output_tokens: 88,
              latency_ms: { ttft: { count: 9, mean: 1, min: 1, max: 1, p50: 10.04, p90: 1, p99: 1 } },
              complete: true,
            },
          }
        : {}),
    });
    const bucket = {
      metric: 'm',
      count: 9,
      mean: 1,
      p50: 11.26,
      p90: 1,
      p99: 1,
      estimate: 'bucket' as const,
    };
    const results: BenchmarkResult[] = [
      {
        name: 'sim',
        status: 'completed',
        summary: sampleSummary('sim'),
        server_metrics: view(bucket, 10.04),
      },
      { name: 'vllm', status: 'completed', summary: sampleSummary('vllm'), server_metrics: view(bucket) },
      { name: 'ollama', status: 'completed', summary: sampleSummary('ollama') },
    ];
    const rows = summaryRows(results);
    // out tok/s | srv tok/s | TTFT p50 | srv TTFT p50 (exact ground truth, else ~bucket estimate)
    expect(rows[0].slice(5, 9)).toEqual(['45.0', '44.0', '12.3', '10.0']);
    expect(rows[1].slice(5, 9)).toEqual(['45.0', '44.0', '12.3', '~11.3']);
    expect(rows[2].slice(5, 9)).toEqual(['45.0', '-', '12.3', '-']);
    const text = renderSummaryTable(results);
    expect(text.split('\n')[0]).toMatch(/out tok\/s\s+srv tok\/s\s+TTFT p50\s+srv TTFT p50\s+TTFT p99/);
    expect(text).toMatch(/srv = the servers' own figures/);
    expect(renderSummaryMarkdown('t', results)).toContain(
      '| sim | completed | 9 | 1 | 5.00 | 45.0 | 44.0 | 12.3 | 10.0 |',
    );
  });
});
