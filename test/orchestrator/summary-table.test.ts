import { describe, expect, it } from 'vitest';
import { LATE_MS } from '../../src/metrics/recorder.js';
import type { BenchmarkSummary } from '../../src/metrics/types.js';
import {
  rateNotMetNote,
  renderSummaryMarkdown,
  renderSummaryTable,
  summaryRows,
} from '../../src/report/summary-table.js';
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

  describe('open loop and SLO', () => {
    const openLoop = (name: string, over: Partial<BenchmarkSummary> = {}): BenchmarkSummary => ({
      ...sampleSummary(name),
      requested_rps: 200,
      achieved_rps: 12.7,
      dropped_sends: 570,
      late_sends: 31,
      latency_ms: {
        ...sampleSummary(name).latency_ms,
        e2e_from_scheduled: { ...sampleSummary(name).latency_ms.e2e!, p50: 2260, p99: 4321.04 },
      },
      ...over,
    });

    it('has no open-loop, goodput or warning output for closed-loop runs without an SLO', () => {
      const results = [{ name: 'a', status: 'completed' as const, summary: sampleSummary('a') }];
      expect(summaryRows(results)[0]).toHaveLength(12);
      const text = renderSummaryTable(results);
      const md = renderSummaryMarkdown('t', results);
      for (const out of [text, md]) {
        expect(out).not.toMatch(/requested\/s|achieved\/s|goodput|E2E sched|target rate not met/);
      }
    });

    it('shows requested/s, achieved/s, dropped, late and E2E sched p99, and warns when the target was missed', () => {
      const results: BenchmarkResult[] = [
        { name: 'overload', status: 'completed', summary: openLoop('overload') },
        { name: 'closed', status: 'completed', summary: sampleSummary('closed') },
      ];
      const rows = summaryRows(results);
      expect(rows[0].slice(12)).toEqual(['200.00', '12.70', '570', '31', '4321.0']);
      expect(rows[1].slice(12)).toEqual(['-', '-', '-', '-', '-']);
      const text = renderSummaryTable(results);
      const lines = text.split('\n');
      expect(lines[0]).toMatch(/E2E p99\s+requested\/s\s+achieved\/s\s+dropped\s+late\s+E2E sched p99$/);
      expect(lines[0].length).toBe(lines[2].length);
      // the warning sits right under the table rows, before the error listing
      expect(lines[4]).toMatch(
        /^warning: benchmark overload: target rate not met: requested 200\.00\/s, achieved 12\.70\/s, 570 dropped, 31 late/,
      );
      expect(lines[4]).toMatch(/scheduled time/);
      expect(text).not.toMatch(/benchmark closed: target rate/);
      const md = renderSummaryMarkdown('t', results);
      expect(md).toContain('| E2E p99 | requested/s | achieved/s | dropped | late | E2E sched p99 |');
      expect(md).toContain('| 100.0 | 250.0 | 200.00 | 12.70 | 570 | 31 | 4321.0 |');
      // the note defines late as the recorder counts it: more than LATE_MS after the scheduled time
      expect(md).toContain(`late = sends that left more than ${LATE_MS} ms after their scheduled time`);
      expect(md).toMatch(
        /\| closed \|.*\| - \| - \| - \| - \| - \|\n\n\*\*warning:\*\* benchmark overload: target rate not met/,
      );
    });

    it('warns on dropped sends even at the full rate, and not at all when the rate was met without drops', () => {
      const dropped = openLoop('d', { achieved_rps: 199, dropped_sends: 2 });
      const met = openLoop('m', { achieved_rps: 180.5, dropped_sends: 0, late_sends: 4 });
      const short = openLoop('s', { achieved_rps: 179.9, dropped_sends: 0 });
      expect(rateNotMetNote({ name: 'd', status: 'completed', summary: dropped })).toMatch(/2 dropped/);
      expect(rateNotMetNote({ name: 'm', status: 'completed', summary: met })).toBeUndefined();
      expect(rateNotMetNote({ name: 's', status: 'completed', summary: short })).toMatch(
        /achieved 179\.90\/s/,
      );
      const text = renderSummaryTable([{ name: 'm', status: 'completed', summary: met }]);
      expect(text).toMatch(/requested\/s/);
      expect(text).not.toMatch(/target rate not met/);
      expect(renderSummaryMarkdown('t', [{ name: 'm', status: 'completed', summary: met }])).not.toMatch(
        /warning/,
      );
    });

    it('adds goodput/s only for benchmarks with workload.slo', () => {
      const withSlo = {
        ...sampleSummary('slo'),
        throughput: { ...sampleSummary('slo').throughput, goodput_rps: 3.25 },
      };
      const results: BenchmarkResult[] = [
        {
          name: 'slo',
          status: 'completed',
          summary: withSlo,
          spec: { slo: { ttft_ms: 50 } } as BenchmarkResult['spec'],
        },
        { name: 'plain', status: 'completed', summary: { ...withSlo, benchmark: 'plain' } },
      ];
      const rows = summaryRows(results);
      expect(rows[0].slice(12)).toEqual(['3.25']);
      expect(rows[1].slice(12)).toEqual(['-']);
      expect(renderSummaryTable(results).split('\n')[0]).toMatch(/E2E p99\s+goodput\/s$/);
      const md = renderSummaryMarkdown('t', results);
      expect(md).toContain('| 250.0 | 3.25 |');
      expect(md).toMatch(/goodput\/s = requests per second meeting every SLO/);
    });
  });
});
