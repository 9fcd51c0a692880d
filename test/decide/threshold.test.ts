/** Threshold conditions: parsing with units, the figure registry's mapping onto summary.json, evaluation. */
import { describe, expect, it } from 'vitest';
import {
  evaluateThresholds,
  failedThresholds,
  renderThresholdMarkdown,
  renderThresholdTable,
} from '../../src/decide/evaluate.js';
import { FIGURES, figure, type SummaryFile } from '../../src/decide/figures.js';
import { parseThreshold } from '../../src/decide/threshold.js';
import { checkRecipeText } from '../../src/recipe/load.js';

const stats = (p50: number, p99: number) => ({
  count: 10,
  mean: p50,
  min: 1,
  max: p99,
  std: 1,
  p50,
  p90: p99,
  p95: p99,
  p99,
  p999: p99,
});

const summary: SummaryFile = {
  requests: { sent: 200, ok: 190, failed: 10, cancelled: 0 },
  duration_s: 10,
  throughput: { requests_per_s: 19, output_tokens_per_s: 1200, total_tokens_per_s: 2000, goodput_rps: 15 },
  requested_rps: 20,
  achieved_rps: 19.9,
  late_sends: 0,
  dropped_sends: 0,
  latency_ms: { ttft: stats(120, 480), itl: stats(20, 60), e2e: stats(2000, 9000) },
};

describe('parseThreshold', () => {
  it('reads latencies in ms with units, ratios as fractions or percentages', () => {
    const v = (t: string) => {
      const p = parseThreshold(t);
      if (!p.ok) throw new Error(p.message);
      return [p.threshold.figure.name, p.threshold.op, p.threshold.value];
    };
    expect(v('ttft.p99 < 500ms')).toEqual(['ttft.p99', '<', 500]);
    expect(v('e2e.p90<10s')).toEqual(['e2e.p90', '<', 10_000]);
    expect(v('itl.p50 <= 50')).toEqual(['itl.p50', '<=', 50]);
    expect(v('tpot.mean < 800us')).toEqual(['tpot.mean', '<', 0.8]);
    expect(v('error_rate < 1%')).toEqual(['error_rate', '<', 0.01]);
    expect(v('goodput_ratio >= 0.95')).toEqual(['goodput_ratio', '>=', 0.95]);
    expect(v('output_tokens_per_s > 1000')).toEqual(['output_tokens_per_s', '>', 1000]);
    expect(v('server.ttft.p50 < 1s')).toEqual(['server.ttft.p50', '<', 1000]);
  });

  it('rejects unknown figures with the list of valid names, and values in the wrong unit', () => {
    const bad = (t: unknown) => {
      const p = parseThreshold(t);
      return p.ok ? '' : p.message;
    };
    expect(bad('ttft.p98 < 5ms')).toMatch(/unknown figure 'ttft.p98'.*valid figures: .*p50\|p90/);
    expect(bad('ttft.p98 < 5ms')).toContain('error_rate');
    expect(bad('error_rate < 5ms')).toMatch(/error_rate takes a fraction \(0.95\) or a percentage/);
    expect(bad('ttft.p99 < 5%')).toMatch(/takes a latency in ms/);
    expect(bad('ttft.p99 = 5')).toMatch(/not a condition 'FIGURE OP VALUE'/);
    expect(bad('ttft.p99 <')).toMatch(/not a condition/);
    expect(bad(42)).toMatch(/expected a condition/);
  });
});

describe('the figure registry', () => {
  it('maps names onto summary.json fields and derives the ratios', () => {
    expect(figure('ttft.p99')?.get(summary)).toBe(480);
    expect(figure('error_rate')?.get(summary)).toBe(10 / 200);
    expect(figure('goodput_ratio')?.get(summary)).toBe((15 * 10) / 200);
    expect(figure('achieved_rate_ratio')?.get(summary)).toBeCloseTo(19.9 / 20);
    expect(figure('tpot.p50')?.get(summary)).toBeUndefined();
    expect(new Set(FIGURES.map((f) => f.name)).size).toBe(FIGURES.length);
  });
});

describe('evaluateThresholds', () => {
  it('passes, fails, and fails a figure without a value', () => {
    const r = evaluateThresholds(
      ['ttft.p99 < 500ms', 'error_rate < 1%', 'goodput_ratio >= 0.95', 'tpot.p99 < 100ms'],
      summary,
    );
    expect(r.map((t) => t.pass)).toEqual([true, false, false, false]);
    expect(r[0]).toMatchObject({ figure: 'ttft.p99', field: 'latency_ms.ttft.p99', actual: 480, limit: 500 });
    expect(r[3].actual).toBeNull();
    const benchmarks = [{ name: 'b1', thresholds: r }];
    expect(failedThresholds(benchmarks)).toBe(3);
    const table = renderThresholdTable(benchmarks);
    expect(table).toMatch(/b1\s+ttft\.p99 < 500ms\s+480\.0ms\s+pass/);
    expect(table).toMatch(/error_rate < 1%\s+5\.00%\s+FAIL/);
    expect(table).toMatch(/tpot\.p99 < 100ms\s+no value\s+FAIL/);
    expect(table).toContain('thresholds: 3 of 4 failed');
    expect(renderThresholdMarkdown(benchmarks)).toContain('| b1 | error_rate < 1% | 5.00% | FAIL |');
    expect(renderThresholdTable([{ name: 'b', thresholds: [] }])).toBe('');
  });
});

describe('thresholds in a recipe', () => {
  it('a malformed condition is an error at its line and column, workload level and per suite entry', () => {
    const text = [
      'scenario: t',
      'workload:',
      '  service: dummy',
      '  duration: 30s',
      '  thresholds:',
      "    - 'ttft.p99 < 500ms'",
      "    - 'ttft.p42 < 500ms'",
      '  benchmark_suite:',
      '    - name: a',
      "      thresholds: ['error_rate < 2 ms']",
      '',
    ].join('\n');
    const errors = checkRecipeText(text, 'r.yaml').issues.filter((i) => i.severity === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ file: 'r.yaml', line: 7, column: 7, path: 'workload.thresholds[1]' });
    expect(errors[0].message).toMatch(/unknown figure 'ttft.p42'.*valid figures/);
    expect(errors[1]).toMatchObject({ line: 10, path: 'workload.benchmark_suite[0].thresholds[0]' });
  });
});

describe('capacity thresholds (the run figures search.capacity_rps, search.capacity_users)', () => {
  const search = {
    field: 'target_rps' as const,
    unit: 'req/s',
    slo: ['e2e.p99 < 600ms'],
    precision: 0.05,
    status: 'found' as const,
    capacity: 19.4,
    bracket: { low: 19.4, high: 20.2 },
    text: 'capacity 19.4 req/s',
    probes: [],
  };

  it('read the search answer of the field searched; no search or no answer fails the condition', () => {
    const r = evaluateThresholds(
      ['search.capacity_rps >= 18', 'search.capacity_rps > 20/s', 'search.capacity_users >= 4'],
      { search },
    );
    expect(r.map((t) => [t.actual, t.pass])).toEqual([
      [19.4, true],
      [19.4, false],
      [null, false],
    ]);
    expect(figure('search.capacity_rps')).toMatchObject({ scope: 'run', unit: 'per_s', better: 'higher' });
    expect(evaluateThresholds(['search.capacity_rps >= 1'], {})[0].actual).toBeNull();
    const { capacity: _, ...none } = search;
    expect(
      evaluateThresholds(['search.capacity_rps >= 1'], { search: { ...none, status: 'below_min' } })[0].pass,
    ).toBe(false);
    expect(renderThresholdTable([{ name: 'search', thresholds: r }])).toMatch(
      /search\s+search\.capacity_rps >= 18\s+19\.400\/s\s+pass/,
    );
  });

  it('are refused as a benchmark condition or an SLO in a recipe, pointing at hpcbench check', () => {
    const recipe = (lines: string[]) =>
      ['scenario: t', 'workload:', '  service: dummy', '  duration: 30s', ...lines, ''].join('\n');
    const errors = (text: string) =>
      checkRecipeText(text, 'r.yaml').issues.filter((i) => i.severity === 'error');
    const t = errors(recipe(["  thresholds: ['search.capacity_rps >= 18']"]));
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ file: 'r.yaml', line: 5, path: 'workload.thresholds[0]' });
    expect(t[0].message).toMatch(
      /search\.capacity_rps is a figure of the whole run .* hpcbench check RUN_DIR --threshold/,
    );
    const slo = errors(
      recipe(['  search:', '    start: 1', '    max: 10', "    slo: ['search.capacity_users > 2']"]),
    );
    expect(slo.map((e) => e.path)).toEqual(['workload.search.slo[0]']);
  });
});
