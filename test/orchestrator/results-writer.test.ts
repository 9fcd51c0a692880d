import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResultsWriter } from '../../src/report/results-writer.js';
import type { BenchmarkResult } from '../../src/report/types.js';
import { createResultsDir, resultsDirName, utcStamp } from '../../src/results-folder/naming.js';
import type { RunRecord } from '../../src/results-folder/types.js';
import { sampleSummary } from './fixtures.js';

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hpcbench-results-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const record = (): RunRecord => ({
  hpcbench_version: '0.1.0',
  scenario: 'demo',
  run_id: 'x',
  mode: 'local',
  server_nodes: ['server-1'],
  client_nodes: ['client-1', 'client-2'],
  server_endpoints: ['http://127.0.0.1:1'],
  client_endpoints: ['127.0.0.1:2', '127.0.0.1:3'],
  started_at: '2026-11-28T10:00:00.000Z',
  status: 'running',
  benchmarks: [{ name: 'a', status: 'pending' }],
});

describe('results folder naming', () => {
  it('uses <scenario>_<UTC YYYYmmddTHHMMSSZ>', () => {
    const d = new Date(Date.UTC(2026, 10, 28, 9, 5, 7, 123));
    expect(utcStamp(d)).toBe('20261128T090507Z');
    expect(resultsDirName('my run/1', d)).toBe('my_run_1_20261128T090507Z');
  });

  it('never shares a folder between two runs started in the same second', async () => {
    const d = new Date();
    const [a, b] = await Promise.all([createResultsDir(base, 's', d), createResultsDir(base, 's', d)]);
    expect(a).not.toBe(b);
    expect((await readdir(base)).sort()).toEqual(
      [resultsDirName('s', d), `${resultsDirName('s', d)}-2`].sort(),
    );
  });
});

describe('ResultsWriter', () => {
  it('writes the recipe verbatim and resolved, run.json at start and at the end', async () => {
    const recipe = join(base, 'my.yaml');
    await writeFile(recipe, '# comment kept\nscenario: demo\n');
    const w = await ResultsWriter.create(base, 'demo');
    await w.writeRecipe(recipe, { scenario: 'demo', workload: { warmup: 0 } });
    expect(await readFile(join(w.dir, 'recipe.yaml'), 'utf8')).toBe('# comment kept\nscenario: demo\n');
    expect(JSON.parse(await readFile(join(w.dir, 'recipe.resolved.json'), 'utf8')).workload.warmup).toBe(0);
    await w.startRun(record());
    const started = JSON.parse(await readFile(join(w.dir, 'run.json'), 'utf8'));
    expect(started.status).toBe('running');
    expect(started.ended_at).toBeUndefined();
    await w.updateRun({
      status: 'failed',
      ended_at: '2026-11-28T10:01:00.000Z',
      error: { code: 'E001', message: 'down' },
    });
    const ended = JSON.parse(await readFile(join(w.dir, 'run.json'), 'utf8'));
    expect(ended).toMatchObject({
      status: 'failed',
      error: { code: 'E001' },
      client_nodes: ['client-1', 'client-2'],
    });
    expect((await readdir(w.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes per-benchmark metrics (aggregate + per client) and the run summary', async () => {
    const w = await ResultsWriter.create(base, 'demo');
    await w.startRun(record());
    const result: BenchmarkResult = {
      name: 'c1 fast',
      status: 'completed',
      summary: sampleSummary('c1 fast'),
      metrics: {
        total_requests: 10,
        total_errors: 1,
        avg_latency: 0.2,
        p50_latency: 0.1,
        p90_latency: 0.3,
        p99_latency: 0.5,
        throughput_rps: 5,
        per_client: [
          {
            node: 'client-1',
            requests: 10,
            errors: 1,
            avg_latency: 0.2,
            p50_latency: 0.1,
            p90_latency: 0.3,
            p99_latency: 0.5,
            throughput_rps: 5,
            elapsed_seconds: 2,
          },
        ],
        summary: sampleSummary('c1 fast'),
        snapshot: { counters: sampleCounters(), errors_by_reason: {}, histograms: {}, windows: [] },
      },
    };
    await w.writeBenchmark(result);
    const m = JSON.parse(await readFile(join(w.benchmarkDir('c1 fast'), 'metrics.json'), 'utf8'));
    expect(m.aggregate.throughput_rps).toBe(5);
    expect(m.aggregate.summary).toBeUndefined();
    expect(m.per_client[0].node).toBe('client-1');
    expect(w.benchmarkDir('c1 fast')).toMatch(/benchmarks[\\/]c1_fast$/);
    expect(w.recordsPath('c1 fast', 'client-1')).toMatch(/c1_fast[\\/]records-client-1\.jsonl$/);
    const s = JSON.parse(await readFile(join(w.benchmarkDir('c1 fast'), 'summary.json'), 'utf8'));
    expect(s.throughput.requests_per_s).toBe(5);
    await w.updateRun({ status: 'completed', ended_at: new Date().toISOString() });
    await w.writeRunSummary([result]);
    const md = await readFile(join(w.dir, 'summary.md'), 'utf8');
    expect(md).toContain('| c1 fast | completed | - | 9 | 1 | 5.00 |');
    expect(md).toContain('c1 fast: 1 × timeout');
    const summary = JSON.parse(await readFile(join(w.dir, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('completed');
    expect(summary.benchmarks[0].summary.requests.ok).toBe(9);
  });
});

function sampleCounters() {
  return {
    sent: 10,
    ok: 9,
    failed: 1,
    cancelled: 0,
    cancelled_by_workload: 0,
    prompt_tokens: 100,
    output_tokens: 90,
    good: 9,
    late_sends: 0,
    dropped_sends: 0,
  };
}
