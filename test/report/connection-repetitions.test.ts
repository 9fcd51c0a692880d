/**
 * Connections per request across repetitions: the Repetitions table of summary.json, summary.md and
 * report.html has connections.opened_per_request and connections.resent_stale_per_request (mean, interval,
 * CV, UNSTABLE by their spread in percentage points), and benchmarks.csv has them per benchmark.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionFigures } from '../../src/contracts/index.js';
import { ResultsWriter } from '../../src/report/results-writer.js';
import type { BenchmarkResult } from '../../src/report/types.js';
import { parseCsv } from '../../src/results-folder/index.js';
import { sampleSummary } from '../orchestrator/fixtures.js';

const conn = (requests: number, opened: number, resent_stale: number, closes = false): ConnectionFigures => ({
  requests,
  opened,
  resent_stale,
  server_closes_after_stream: closes,
  learnt_by: closes ? 1 : 0,
  executors: 1,
});

const result = (name: string, connections: Partial<ConnectionFigures>): BenchmarkResult => ({
  name,
  status: 'completed',
  summary: { ...sampleSummary(name), connections: connections as ConnectionFigures },
  parameters: {},
});

// keeps: 1.0%, 1.2%, 1.1% opened per request (CV 9.1%, but 0.1 pp: stable); closes: the second
// repetition learnt that the server closes after every stream (1% vs 100%: unstable); old: its first
// repetition was written before `requests` was counted, so it has no per-request figure
const RESULTS = [
  result('keeps_rep1', conn(2000, 20, 0)),
  result('keeps_rep2', conn(2000, 24, 2)),
  result('keeps_rep3', conn(3000, 33, 1)),
  result('closes_rep1', conn(2000, 20, 0)),
  result('closes_rep2', conn(2000, 2000, 0, true)),
  result('old_rep1', { opened: 20, resent_stale: 0, server_closes_after_stream: false }),
  result('old_rep2', conn(2000, 20, 0)),
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-conn-reps-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function written() {
  const w = await ResultsWriter.create(dir, 'reps');
  await w.startRun({
    hpcbench_version: '0',
    scenario: 'reps',
    run_id: 'reps',
    mode: 'local',
    server_nodes: [],
    client_nodes: [],
    server_endpoints: [],
    client_endpoints: [],
    started_at: new Date().toISOString(),
    status: 'completed',
    benchmarks: RESULTS.map((r) => ({ name: r.name, status: 'completed' })),
  });
  for (const r of RESULTS) await w.writeBenchmark(r);
  await w.writeRunSummary(RESULTS);
  await w.writeReport();
  const text = (f: string) => readFile(join(w.dir, f), 'utf8');
  return {
    json: JSON.parse(await text('summary.json')),
    md: await text('summary.md'),
    html: await text('report.html'),
    csv: parseCsv(await text('benchmarks.csv')),
  };
}

describe('connections per request across repetitions', () => {
  it('summary.json, summary.md and report.html give their mean, interval, CV and flag', async () => {
    const { json, md, html } = await written();
    const fig = (benchmark: string, figure: string) =>
      json.repetitions
        .find((r: { benchmark: string }) => r.benchmark === benchmark)
        ?.figures.find((f: { figure: string }) => f.figure === figure);
    const opened = fig('keeps', 'connections.opened_per_request');
    expect(opened).toMatchObject({ unit: 'ratio', values: [0.01, 0.012, 0.011], unstable: false });
    expect(opened.mean).toBeCloseTo(0.011, 12);
    expect(opened.cv).toBeCloseTo(0.001 / 0.011, 9);
    expect(opened.ci[0]).toBeLessThan(0.011);
    expect(opened.ci[1]).toBeGreaterThan(0.011);
    expect(fig('keeps', 'connections.resent_stale_per_request').values).toEqual([0, 0.001, 1 / 3000]);
    expect(fig('closes', 'connections.opened_per_request')).toMatchObject({
      values: [0.01, 1],
      unstable: true,
    });
    expect(fig('old', 'connections.opened_per_request')).toBeUndefined();
    expect(fig('old', 'ttft.p50')).toBeDefined();

    expect(md).toMatch(
      /\| keeps ×3 \| connections\.opened_per_request \| 1\.10% \| \[\S+%, \S+%\] \| 9\.1% \| {2}\|/,
    );
    expect(md).toMatch(/\| closes ×2 \| connections\.opened_per_request \| 50\.50% \| .* \| UNSTABLE \|/);
    expect(md).toContain('fractions: error rate, connections per request: standard deviation above 1 pp');
    expect(html).toMatch(
      /<td>closes ×2<\/td><td>connections\.opened_per_request<\/td><td class="num">50\.50%<\/td>.*?UNSTABLE/,
    );
    expect(html).toContain('<td>keeps ×3</td><td>connections.resent_stale_per_request</td>');
    expect(html).toContain('connections per request: standard deviation above 1 pp');
  });

  it('benchmarks.csv has the connections per request beside the counts, 4 significant digits', async () => {
    const { csv } = await written();
    const col = (k: string) => csv.rows.map((r) => r[csv.header.indexOf(k)]);
    expect(col('connections_opened')).toEqual(['20', '24', '33', '20', '2000', '20', '20']);
    expect(col('connections_opened_per_request')).toEqual([
      '0.01',
      '0.012',
      '0.011',
      '0.01',
      '1',
      '',
      '0.01',
    ]);
    expect(col('resent_stale_per_request')).toEqual(['0', '0.001', '0.0003333', '0', '0', '', '0']);
  });
});
