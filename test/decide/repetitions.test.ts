/** Figures across repetitions: grouping by `_repN`, mean, Student-t interval, CV and the unstable flag. */
import { describe, expect, it } from 'vitest';
import {
  groupByRepetition,
  renderRepetitionMarkdown,
  renderRepetitionTable,
  summarizeRepetitions,
} from '../../src/decide/repetitions.js';
import { tQuantile } from '../../src/decide/stats.js';

const bench = (name: string, ttftP50: number, tokS: number) => ({
  name,
  summary: {
    requests: { sent: 100, ok: 100, failed: 0, cancelled: 0 },
    throughput: { requests_per_s: 10, output_tokens_per_s: tokS, total_tokens_per_s: tokS },
    latency_ms: {
      ttft: {
        count: 100,
        mean: ttftP50,
        min: 1,
        max: 99,
        std: 1,
        p50: ttftP50,
        p90: 1,
        p95: 1,
        p99: 1,
        p999: 1,
      },
    },
  },
});

describe('repetitions', () => {
  it('groups x_rep1..x_repN under x and leaves other names alone', () => {
    const g = groupByRepetition([
      { name: 'a_rep1' },
      { name: 'b' },
      { name: 'a_rep2' },
      { name: 'lone_rep1' },
    ]);
    expect([...g.entries()].map(([k, v]) => [k, v.map((x) => x.name)])).toEqual([
      ['a', ['a_rep1', 'a_rep2']],
      ['b', ['b']],
      ['lone_rep1', ['lone_rep1']],
    ]);
  });

  it('mean, 95% t interval and CV per figure; a spread-out figure is flagged unstable', () => {
    const list = summarizeRepetitions([
      bench('c_rep1', 100, 1000),
      bench('c_rep2', 102, 1500),
      bench('c_rep3', 98, 500),
      bench('single', 1, 1),
    ]);
    expect(list.map((r) => [r.benchmark, r.repetitions])).toEqual([['c', 3]]);
    const ttft = list[0].figures.find((f) => f.figure === 'ttft.p50');
    expect(ttft).toMatchObject({ values: [100, 102, 98], mean: 100, unstable: false });
    expect(ttft?.cv).toBeCloseTo(0.02, 5);
    const half = (tQuantile(0.975, 2) * 2) / Math.sqrt(3);
    expect(ttft?.ci[0]).toBeCloseTo(100 - half, 6);
    expect(ttft?.ci[1]).toBeCloseTo(100 + half, 6);
    const tok = list[0].figures.find((f) => f.figure === 'output_tokens_per_s');
    expect(tok).toMatchObject({ mean: 1000, cv: 0.5, unstable: true });
    // figures without a value in some repetition are left out (no ITL here)
    expect(list[0].figures.find((f) => f.figure === 'itl.p50')).toBeUndefined();
    const table = renderRepetitionTable(list);
    expect(table).toMatch(/c ×3\s+ttft\.p50\s+100\.0ms\s+\[\S+ms, \S+ms\]\s+2\.0%/);
    expect(table).toMatch(/c ×3\s+output_tokens_per_s\s+1000\.0\/s\s+.*50\.0%\s+UNSTABLE/);
    expect(table).toContain('warning: unstable across repetitions (CV above 5%): c output_tokens_per_s');
    expect(renderRepetitionMarkdown(list)).toContain('## Repetitions');
    expect(renderRepetitionTable(summarizeRepetitions([bench('x', 1, 1)]))).toBe('');
  });
});
