import { describe, expect, it } from 'vitest';
import { LATE_MS } from '../../src/metrics/recorder.js';
import type { BenchmarkSummary } from '../../src/metrics/types.js';
import { benchmarkParameters } from '../../src/report/params.js';
import {
  rateNotMetNote,
  renderSummaryMarkdown,
  renderSummaryTable,
  summaryHeader,
  summaryRows,
} from '../../src/report/summary-table.js';
import type { BenchmarkResult } from '../../src/report/types.js';
import type { ServerMetricsView } from '../../src/serverstats/types.js';
import { sampleSummary } from './fixtures.js';

const col = (results: BenchmarkResult[], label: string): string[] => {
  const i = summaryHeader(results).indexOf(label);
  if (i < 0) throw new Error(`no column ${label} in ${summaryHeader(results).join(', ')}`);
  return summaryRows(results).map((r) => r[i]);
};

describe('summary table', () => {
  it('has one row per benchmark with load, throughput, TTFT/TPOT/ITL/E2E p50/p99 and errors', () => {
    const results: BenchmarkResult[] = [
      {
        name: 'a',
        status: 'completed',
        summary: sampleSummary('a'),
        parameters: benchmarkParameters({ load: { mode: 'closed', clients_per_node: 4 } }, 2),
      },
      { name: 'b', status: 'interrupted' },
    ];
    expect(summaryHeader(results)).toEqual([
      'benchmark',
      'status',
      'load',
      'ok',
      'failed',
      'req/s',
      'out tok/s',
      'TTFT p50 (ms)',
      'TTFT p99 (ms)',
      'TPOT p50 (ms)',
      'TPOT p99 (ms)',
      'ITL p50 (ms)',
      'ITL p99 (ms)',
      'E2E p50 (ms)',
      'E2E p99 (ms)',
    ]);
    const rows = summaryRows(results);
    expect(rows[0]).toEqual([
      'a',
      'completed',
      '8 users',
      '9',
      '1',
      '5.00',
      '45.0',
      '12.3',
      '40.0',
      '-',
      '-',
      '2.0',
      '5.0',
      '100.0',
      '250.0',
    ]);
    expect(rows[1].slice(0, 5)).toEqual(['b', 'interrupted', '-', '-', '-']);
  });

  it('renders grouped text with units in the header, and Markdown with every column', () => {
    const results = [{ name: 'a', status: 'completed' as const, summary: sampleSummary('a') }];
    const text = renderSummaryTable(results);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/requests\s+rate \/s\s+TTFT ms\s+TPOT ms\s+E2E ms$/);
    expect(lines[1]).toMatch(/^benchmark\s+load\s+ok failed\s+req\s+tok\s+p50\s+p99\s+p50\s+p50\s+p99$/);
    expect(lines[1]).not.toMatch(/status/); // every benchmark completed: status only with --wide
    expect(text).toContain('a: 1 x timeout');
    const md = renderSummaryMarkdown('t', results, ['note']);
    expect(md).toContain('# t\n\n- note\n');
    expect(md).toContain('| a | completed | - | 9 | 1 | 5.00 | 45.0 | 12.3 | 40.0 | - | - | 2.0 | 5.0 |');
  });

  it('fits 120 columns with long sweep names, srv, SLO and open-loop columns; --wide shows everything', () => {
    const results: BenchmarkResult[] = [1, 4, 16].flatMap((c) =>
      [32, 128].map((g) => ({
        name: `concurrency=${c},gen_tokens=${g},request_distribution=poisson`,
        status: 'completed' as const,
        summary: { ...sampleSummary('x'), requested_rps: 1000.5, achieved_rps: 999.99 },
        spec: { slo: { ttft_ms: 50 } } as BenchmarkResult['spec'],
        parameters: benchmarkParameters({ load: { mode: 'open', target_rps: 1000.5 } }, 2),
        server_metrics: {
          rates: { output_tokens_per_s: 12345.6 },
          latency_ms: { ttft: { p50: 1234.5 } },
        } as never,
      })),
    );
    const text = renderSummaryTable(results);
    const lines = text.trimEnd().split('\n');
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(120);
    expect(lines[1]).toMatch(/load.*goodput.*tok\/s TTFT ms\s+achieved\/s sat\.$/);
    // too wide with the full names: the values (under the keys, shortened to fit)
    expect(lines[1]).toMatch(/^concurrency\S*\s+load/);
    expect(lines[3]).toMatch(/^1,32,poisson\s+1000\.5\/s/);
    // the sweep example (two keys, server figures, closed loop) keeps its full names
    const sweep = results.map((r) => ({
      ...r,
      name: r.name.replace(',request_distribution=poisson', ''),
      summary: sampleSummary('x'),
      spec: undefined,
    }));
    const sweepLines = renderSummaryTable(sweep).trimEnd().split('\n');
    for (const l of sweepLines) expect(l.length, l).toBeLessThanOrEqual(120);
    expect(sweepLines[8]).toMatch(/^concurrency=16,gen_tokens=128\s+1000\.5\/s/);
    // a name that is not a sweep name is shortened
    const odd = renderSummaryTable([{ ...results[0], name: `x${'y'.repeat(80)}` }]);
    for (const l of odd.trimEnd().split('\n').slice(0, 4)) expect(l.length, l).toBeLessThanOrEqual(120);
    expect(odd).toMatch(/xyyy+…/);
    const wide = renderSummaryTable(results, { wide: true });
    expect(wide).toContain('concurrency=16,gen_tokens=128,request_distribution=poisson');
    expect(wide).toMatch(/requested\/s achieved\/s dropped late E2E sched p99 ms/);
    expect(wide.split('\n')[1]).toMatch(/status/);
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
    // srv TTFT p50: exact ground truth, else ~bucket estimate
    expect(col(results, 'srv tok/s')).toEqual(['44.0', '44.0', '-']);
    expect(col(results, 'srv TTFT p50 (ms)')).toEqual(['10.0', '~11.3', '-']);
    const text = renderSummaryTable(results);
    // the server's figures grouped apart, after the client's
    expect(text.split('\n')[0]).toMatch(/E2E ms\s+server$/);
    expect(text.split('\n')[1]).toMatch(/p99\s+tok\/s TTFT ms$/);
    expect(text).toMatch(/server = the servers' own \/metrics/);
    expect(renderSummaryMarkdown('t', results)).toContain('| 100.0 | 250.0 | 44.0 | 10.0 |');
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

    it('sat. says whether an open-loop benchmark was over-saturated; a saturated one gets a warning line', () => {
      const sat = (saturated: boolean, stopped?: boolean): BenchmarkResult['saturation'] => ({
        saturated,
        reasons: saturated ? ['served 37.33 req/s of 100.00 requested (37%) over 3 s'] : [],
        windows: 5,
        window_seconds: 1,
        rejected: { count: 0, share: 0, over: false },
        ...(stopped ? { stopped_early: { at_s: 4, planned_s: 40 } } : {}),
      });
      const results: BenchmarkResult[] = [
        { name: 'ok', status: 'completed', summary: openLoop('ok'), saturation: sat(false) },
        { name: 'over', status: 'completed', summary: openLoop('over'), saturation: sat(true) },
        { name: 'stopped', status: 'completed', summary: openLoop('stopped'), saturation: sat(true, true) },
      ];
      expect(summaryRows(results).map((r) => r[r.length - 1])).toEqual(['no', 'yes', 'stop']);
      const text = renderSummaryTable(results);
      expect(text).toMatch(
        /^warning: benchmark over over-saturated: served 37\.33 req\/s of 100\.00 requested \(37%\) over 3 s$/m,
      );
      expect(text).toMatch(/^warning: benchmark stopped over-saturated: .*; stopped early at 4 s of 40 s$/m);
      expect(text).not.toMatch(/benchmark ok over-saturated/);
      expect(text).toMatch(/sat\. = over-saturated/);
      expect(renderSummaryMarkdown('t', results)).toMatch(
        /\| saturated \|[\s\S]*\*\*warning:\*\* benchmark stopped over-saturated/,
      );
    });

    it('has no open-loop, goodput or warning output for closed-loop runs without an SLO', () => {
      const results = [{ name: 'a', status: 'completed' as const, summary: sampleSummary('a') }];
      expect(summaryRows(results)[0]).toHaveLength(15);
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
      expect(rows[0].slice(15)).toEqual(['200.00', '12.70', '570', '31', '4321.0', '-']);
      expect(rows[1].slice(15)).toEqual(['-', '-', '-', '-', '-', '-']);
      const text = renderSummaryTable(results);
      const lines = text.split('\n');
      expect(lines[0]).toMatch(/E2E ms\s+open loop$/);
      expect(lines[1]).toMatch(/p99\s+achieved\/s sat\.$/);
      expect(renderSummaryTable(results, { wide: true }).split('\n')[1]).toMatch(
        /requested\/s achieved\/s dropped late E2E sched p99 ms sat\.$/,
      );
      // the warning sits right under the table rows, before the error listing
      expect(lines[5]).toMatch(
        /^warning: benchmark overload: target rate not met: requested 200\.00\/s, achieved 12\.70\/s, 570 dropped, 31 late/,
      );
      expect(lines[5]).toMatch(/scheduled time/);
      expect(text).not.toMatch(/benchmark closed: target rate/);
      const md = renderSummaryMarkdown('t', results);
      expect(md).toContain(
        '| E2E p99 (ms) | requested/s | achieved/s | dropped | late | E2E sched p99 (ms) |',
      );
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
      expect(text).toMatch(/achieved\/s/);
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
      expect(col(results, 'goodput/s')).toEqual(['3.25', '-']);
      expect(renderSummaryTable(results).split('\n')[1]).toMatch(/req\s+tok goodput/);
      const md = renderSummaryMarkdown('t', results);
      expect(md).toContain('| 45.0 | 3.25 | 12.3 |');
      expect(md).toMatch(/goodput\/s = requests per second meeting every SLO/);
    });
  });
});

describe('status notes', () => {
  it('a skipped benchmark is a row with its reason under the table', () => {
    const results: BenchmarkResult[] = [
      { name: 'first', status: 'failed', reason: 'no request succeeded: 4 sent, 4 failed, 0 cancelled' },
      {
        name: 'second',
        status: 'skipped',
        reason: 'skipped: benchmark first failed and orchestration.on_failure is stop',
      },
    ];
    const text = renderSummaryTable(results);
    expect(text).toMatch(/^second\s+skipped/m);
    expect(text).toContain(
      'warning: benchmark second skipped: benchmark first failed and orchestration.on_failure is stop\n',
    );
    expect(text).toContain('warning: benchmark first failed: no request succeeded');
  });
});
