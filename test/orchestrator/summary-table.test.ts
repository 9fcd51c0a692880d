import { describe, expect, it } from 'vitest';
import { renderSummaryMarkdown, renderSummaryTable, summaryRows } from '../../src/report/summary-table.js';
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
});
