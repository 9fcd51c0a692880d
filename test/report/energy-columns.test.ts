/** Energy in the terminal table (`GPU W`, `tok/J`), summary.md and benchmarks.csv; absent without power readings. */
import { describe, expect, it } from 'vitest';
import { energyReport, nodeEnergy, nodeSeries } from '../../src/monitor/energy.js';
import { parseMonitorCsv } from '../../src/monitor/monitor-csv.js';
import { benchmarksCsv } from '../../src/report/benchmarks-csv.js';
import { renderSummaryMarkdown, renderSummaryTable, summaryHeader } from '../../src/report/summary-table.js';
import type { BenchmarkResult } from '../../src/report/types.js';
import { sampleSummary } from '../orchestrator/fixtures.js';

const T0 = Date.UTC(2026, 0, 1);
const csv = [
  'timestamp,gpu0_power_W,node,role,host',
  ...[0, 1, 2, 3, 4].map((i) => `${new Date(T0 + i * 1000).toISOString()},250,n1,server,h1`),
].join('\n');
const node = nodeEnergy(
  nodeSeries(parseMonitorCsv(csv), { node: 'n1', role: 'server' }),
  T0,
  T0 + 4000,
  true,
);
const energy = energyReport([node], T0, T0 + 4000, { output_tokens: 2000, requests: 10 });

describe('energy columns', () => {
  const withEnergy: BenchmarkResult = { name: 'a', status: 'completed', summary: sampleSummary('a'), energy };
  const without: BenchmarkResult = { name: 'b', status: 'completed', summary: sampleSummary('b') };

  it('the table gets GPU W and tok/J when a benchmark has measured energy', () => {
    expect(energy.energy_j).toBe(1000);
    expect(summaryHeader([withEnergy, without]).slice(-2)).toEqual(['GPU W', 'tok/J']);
    const text = renderSummaryTable([withEnergy, without]);
    const [groups, head, , a, b] = text.split('\n');
    expect(groups).toMatch(/energy$/);
    expect(head).toMatch(/GPU W\s+tok\/J$/);
    expect(a).toMatch(/\s250\s+2\.000$/);
    expect(b).toMatch(/\s-\s+-$/);
    expect(text).toContain('tokens per joule');
    expect(renderSummaryMarkdown('t', [withEnergy])).toContain('| 250 | 2.000 |');
    expect(summaryHeader([without])).not.toContain('tok/J');
  });

  it('benchmarks.csv has the energy figures (empty cells without them)', () => {
    const text = benchmarksCsv([
      { ...withEnergy, parameters: {} },
      { ...without, parameters: {} },
    ]);
    const [header, a, b] = text
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const col = (k: string) => header.indexOf(k);
    expect(a[col('energy_j')]).toBe('1000');
    expect(a[col('avg_power_w')]).toBe('250');
    expect(a[col('output_tokens_per_j')]).toBe('2');
    expect(a[col('j_per_output_token')]).toBe('0.5');
    expect(a[col('j_per_request')]).toBe('100');
    expect(b[col('energy_j')]).toBe('');
  });
});
