/**
 * The pure pieces of the results files: benchmark parameters, benchmarks.csv, run totals of a mixed
 * suite, the sweep and Pareto plots, percentile curves, and report.html built from a results folder
 * on disk (self-contained, every section, an interrupted folder).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram } from '../../src/metrics/histogram.js';
import { benchmarksCsv } from '../../src/report/benchmarks-csv.js';
import { distributionPlots, ninesX } from '../../src/report/distribution-plots.js';
import { reportAssets } from '../../src/report/html-assets.js';
import { renderReportHtml } from '../../src/report/html-report.js';
import { benchmarkParameters, loadText, varyingParameters } from '../../src/report/params.js';
import type { Plot } from '../../src/report/plot-types.js';
import { ResultsWriter, summaryTotals } from '../../src/report/results-writer.js';
import { paretoFrontier, paretoPlot, sweepPlots } from '../../src/report/sweep-plots.js';
import type { BenchmarkResult } from '../../src/report/types.js';
import { parseCsv, readRun } from '../../src/results-folder/index.js';
import { sampleSummary } from '../orchestrator/fixtures.js';

const closed = (users: number, out: number) => ({
  benchmark: `c${users}-o${out}`,
  model: 'm',
  duration: 10,
  warmup: 2,
  load: { mode: 'closed' as const, clients_per_node: users },
  prompts: { source: 'synthetic' as const, input_tokens: 128, output_tokens: out },
  max_tokens: out,
});

describe('benchmark parameters', () => {
  it('closed loop: users per executor and in total; open loop: the rate', () => {
    const p = benchmarkParameters(closed(4, 64), 2);
    expect(p).toMatchObject({
      load_mode: 'closed',
      executors: 2,
      users_per_executor: 4,
      total_users: 8,
      input_tokens: 128,
      output_tokens: 64,
      duration_s: 10,
      warmup_s: 2,
    });
    expect(p.target_rps).toBeUndefined();
    expect(loadText(p)).toBe('8 users');
    const o = benchmarkParameters(
      { ...closed(4, 64), load: { mode: 'open', target_rps: 20, request_distribution: 'poisson' } },
      2,
    );
    expect(o).toMatchObject({ load_mode: 'open', target_rps: 20, request_distribution: 'poisson' });
    expect(o.total_users).toBeUndefined();
    expect(loadText(o)).toBe('20/s');
    expect(benchmarkParameters({ ...closed(1, 8), ignore_eos: true }, 1).ignore_eos).toBe(true);
    // a results folder written before the load union: the flat fields
    const { load: _l, ...flat } = closed(3, 8);
    expect(
      benchmarkParameters(JSON.parse(JSON.stringify({ ...flat, clients_per_node: 3 })), 1),
    ).toMatchObject({
      load_mode: 'closed',
      users_per_executor: 3,
    });
  });

  it('varying parameters are the ones a sweep changed', () => {
    const list = [closed(1, 32), closed(1, 128), closed(4, 32)].map((s) => benchmarkParameters(s, 2));
    expect(varyingParameters(list)).toEqual(['users_per_executor', 'total_users', 'output_tokens']);
    expect(varyingParameters(list.slice(0, 1))).toEqual([]);
  });
});

function result(spec: ReturnType<typeof closed>, tokps: number, tpot: number): BenchmarkResult {
  const s = sampleSummary(spec.benchmark);
  s.throughput.output_tokens_per_s = tokps;
  s.latency_ms.tpot = { ...s.latency_ms.ttft!, mean: tpot, p50: tpot };
  return {
    name: spec.benchmark,
    status: 'completed',
    spec: { ...spec, service: 'dummy', server_url: 'http://x' },
    summary: s,
    parameters: benchmarkParameters(spec, 2),
  };
}

describe('benchmarks.csv', () => {
  it('one row per benchmark, parameters then metrics as columns', () => {
    const rows = [result(closed(1, 32), 100, 10), result(closed(4, 32), 300, 20)];
    const t = parseCsv(benchmarksCsv(rows.map((r) => ({ ...r, parameters: r.parameters! }))));
    expect(t.rows).toHaveLength(2);
    const col = (name: string) => t.rows.map((r) => r[t.header.indexOf(name)]);
    expect(col('benchmark')).toEqual(['c1-o32', 'c4-o32']);
    expect(col('total_users')).toEqual(['2', '8']);
    expect(col('users_per_executor')).toEqual(['1', '4']);
    expect(col('output_tokens')).toEqual(['32', '32']);
    expect(col('output_tokens_per_s')).toEqual(['100', '300']);
    expect(col('ttft_p50_ms')).toEqual(['12.34', '12.34']);
    expect(col('tpot_p50_ms')).toEqual(['10', '20']);
    expect(t.header.indexOf('load_mode')).toBeLessThan(t.header.indexOf('requests_per_s'));
  });
});

describe('run totals in summary.json', () => {
  const seed = {
    total_requests: 20,
    total_errors: 2,
    throughput_rps: 5,
    avg_latency: 0.1,
    p50_latency: 0.1,
    p90_latency: 0.2,
    p99_latency: 0.25,
  };
  it('a suite of different configurations says so and has no merged latency', () => {
    const t = summaryTotals([result(closed(1, 32), 1, 1), result(closed(4, 32), 1, 1)], seed);
    expect(t).toMatchObject({ mixed_configurations: true, total_requests: 20, benchmarks: 2 });
    expect(t.e2e_latency_ms).toBeUndefined();
    expect(t.throughput_rps).toBeUndefined();
  });
  it('one configuration: E2E latency in ms', () => {
    const t = summaryTotals([result(closed(1, 32), 1, 1)], seed);
    expect(t).toMatchObject({ mixed_configurations: false, e2e_latency_ms: { p50: 100, p99: 250 } });
  });
});

describe('sweep and Pareto plots', () => {
  const points = [
    [1, 32, 100, 5],
    [1, 128, 110, 5],
    [4, 32, 300, 8],
    [4, 128, 330, 9],
    [16, 32, 500, 20],
  ].map(([u, o, tokps, tpot]) => {
    const r = result(closed(u, o), tokps, tpot);
    return { name: r.name, params: r.parameters!, summary: r.summary };
  });
  const varying = varyingParameters(points.map((p) => p.params));

  it('x = total users, one series per output length, nulls where a combination is missing', () => {
    const plots = sweepPlots(points, varying);
    const tok = plots.find((p) => p.id === 'sweep-tokps')!;
    expect(tok.xLabel).toBe('total_users');
    expect(tok.data[0]).toEqual([2, 8, 32]);
    expect(tok.series.map((s) => s.label)).toEqual(['output_tokens=32', 'output_tokens=128']);
    expect(tok.data[1]).toEqual([100, 300, 500]);
    expect(tok.data[2]).toEqual([110, 330, null]);
    expect(plots.map((p) => p.id)).toContain('sweep-ttft99');
  });

  it('Pareto: per-user tokens/s = 1000 / mean TPOT against total tokens/s; the frontier', () => {
    const p = paretoPlot(points)!;
    expect(p.data[0]).toEqual([100, 110, 300, 330, 500]);
    expect(p.data[1]).toEqual([200, 200, 125, 1000 / 9, 50]);
    // 100 tok/s at 200/user is beaten by 110 at 200/user; the rest are on the frontier
    expect(p.data[2]).toEqual([null, 200, 125, 1000 / 9, 50]);
    expect(
      paretoFrontier([
        { x: 1, y: 1 },
        { x: 2, y: 2 },
      ]),
    ).toEqual([1]);
  });
});

describe('percentile plots', () => {
  it('the client curve is the merged histogram; the server points sit at p50/p90/p99', () => {
    const h = newHistogram();
    for (let i = 1; i <= 1000; i++) h.recordValue(i * 1000); // 1..1000 ms
    const snap = { histograms: { ttft: encodeHistogram(h) } } as never;
    const server = { ground_truth: { latency_ms: { ttft: { p50: 400, p90: 800, p99: 900 } } } } as never;
    const [ttft] = distributionPlots('b0', snap, server);
    expect(ttft.id).toBe('b0-dist-ttft');
    const xs = ttft.data[0] as number[];
    const at = (p: number) => ttft.data[1][xs.findIndex((x) => Math.abs(x - ninesX(p)) < 1e-5)];
    expect(at(50)).toBeCloseTo(500, -1);
    expect(at(99)).toBeCloseTo(990, -1);
    expect(Math.max(...xs)).toBeCloseTo(3, 5); // 1000 values: up to p99.9
    expect(ttft.data[2].filter((v) => v !== null)).toEqual([400, 800, 900]);
  });
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function plotsOf(html: string): Plot[] {
  const m = html.match(/<script type="application\/json" id="hpcbench-data">([\s\S]*?)<\/script>/);
  return JSON.parse(m![1]).plots;
}

async function folder(status: string): Promise<void> {
  const h = newHistogram();
  for (let i = 1; i <= 200; i++) h.recordValue(i * 100);
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const run = {
    scenario: 'demo</script>',
    status,
    started_at: new Date(t0).toISOString(),
    hpcbench_version: '9.9.9',
    server_nodes: ['s1'],
    client_nodes: ['c1'],
    benchmarks: [{ name: 'a', status: status === 'completed' ? 'completed' : 'interrupted' }],
  };
  await writeFile(join(dir, 'run.json'), JSON.stringify(run));
  await mkdir(join(dir, 'benchmarks', 'a'), { recursive: true });
  const snapshot = {
    window_start: t0 + 2000,
    window_end: t0 + 12000,
    histograms: { ttft: encodeHistogram(h), e2e: encodeHistogram(h) },
  };
  await writeFile(
    join(dir, 'benchmarks', 'a', 'metrics.json'),
    JSON.stringify({ started_at: run.started_at, spec: closed(2, 8), per_client: [{}], snapshot }),
  );
  await writeFile(
    join(dir, 'benchmarks', 'a', 'summary.json'),
    JSON.stringify({ ...sampleSummary('a'), errors_by_reason: { http_503: 3 } }),
  );
  await writeFile(
    join(dir, 'benchmarks', 'a', 'timeseries.csv'),
    'start,t_s,requests_per_s,output_tokens_per_s,ttft_p50_ms,failed\n2026-12-01T10:00:02.000Z,0,4,40,10,0\n2026-12-01T10:00:10.000Z,8,5,50,11,1\n',
  );
  await mkdir(join(dir, 'monitor'));
  await writeFile(
    join(dir, 'monitor', 'c1-client.csv'),
    'timestamp,gpu0_util,gpu0_mem_used,cpu_percent,ram_used_MB,gpu0_mem_total,gpu0_power_W,gpu0_temp_C,node,role\n' +
      '2026-12-01T10:00:01.000Z,50,1000,20,900,8000,120,60,c1,client\n2026-12-01T10:00:05.000Z,60,1100,30,950,8000,150,61,c1,client\n',
  );
  await mkdir(join(dir, 'logs'));
  await writeFile(
    join(dir, 'logs', 'aggregated.jsonl'),
    `${JSON.stringify({ ts: '2026-12-01T10:00:03.000Z', node: 'c1', component: 'client', stream: 'stderr', line: 'boom <b>' })}\n`,
  );
}

describe('report.html from a results folder', () => {
  it('is self-contained and has every section of a completed run', async () => {
    // (the only URL in it is uPlot's licence comment)
    await folder('completed');
    const html = renderReportHtml(await readRun(dir, { series: true }), reportAssets());
    expect(html).not.toMatch(
      /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!github\.com\/leeoniya\/uPlot)[a-z]/i,
    );
    expect(html).toContain('uPlot');
    expect(html).toContain('hpcbench: demo&lt;/script&gt;');
    expect(html).toContain('http_503');
    const ids = plotsOf(html).map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'b0-dist-ttft',
        'b0-dist-e2e',
        'b0-ts-throughput',
        'b0-ts-latency',
        'm0-mon-0',
        'm0-mon-4',
      ]),
    );
    const power = plotsOf(html).find((p) => p.id === 'm0-mon-4')!;
    expect(power.yLabel).toBe('GPU power (W)');
    expect(power.data[1]).toEqual([120, 150]);
    expect(power.bands?.map((b) => b.kind)).toEqual(['warmup', 'measure']);
    expect(html).not.toContain('Last log lines'); // nothing failed
    expect(html).not.toContain('Recovered run');
    expect(html).not.toContain('id="recovered"');
  });

  it('an interrupted run without metrics.json still gets a report, with the log tail', async () => {
    await folder('interrupted');
    await rm(join(dir, 'benchmarks', 'a', 'metrics.json'));
    const html = renderReportHtml(await readRun(dir, { series: true }), reportAssets());
    expect(html).toContain('benchmarks/a/metrics.json');
    expect(html).toContain('Last log lines');
    expect(html).toContain('boom &lt;b&gt;');
    const ids = plotsOf(html).map((p) => p.id);
    expect(ids).toContain('b0-ts-throughput');
    expect(ids.some((id) => id.startsWith('b0-dist'))).toBe(false);
    // interrupted by a signal, its orchestrator wrote it: nothing was recovered
    expect(html).not.toContain('Recovered run');
  });
});

describe('report.html of a run hpcbench report recovered', () => {
  const LINES = [
    'client figures: rebuilt from 1 executor records file(s)',
    'server_metrics: not rebuilt: no scrape <script>alert(1)</script> & none before the window',
  ];

  /** An interrupted folder as `hpcbench report --recover` leaves it: run.json `recovered`, `recovery` lines. */
  async function recovered(lines: string[], rebuilt = ['a']): Promise<void> {
    await folder('interrupted');
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    Object.assign(run, {
      reason: 'its orchestrator (pid 4242 on h) ended without finishing the run (killed?)',
      recovered: { by: 'hpcbench report', at: '2026-12-01T11:00:00.000Z', benchmarks: rebuilt },
    });
    await writeFile(join(dir, 'run.json'), JSON.stringify(run));
    const summary = JSON.parse(await readFile(join(dir, 'benchmarks', 'a', 'summary.json'), 'utf8'));
    await writeFile(
      join(dir, 'benchmarks', 'a', 'summary.json'),
      JSON.stringify({ ...summary, status: 'interrupted', recovery: lines }),
    );
  }

  it('says near the top that it was rebuilt from the files, with every recovery line escaped', async () => {
    await recovered(LINES);
    const html = renderReportHtml(await readRun(dir, { series: true }), reportAssets());
    const section = html.match(/<section class="recovered" id="recovered">([\s\S]*?)<\/section>/)?.[1];
    expect(section).toBeDefined();
    expect(section).toContain('<h2>Recovered run</h2>');
    expect(section).toMatch(
      /rebuilt by hpcbench report at 2026-12-01T11:00:00\.000Z from what was on disk after its orchestrator stopped/,
    );
    expect(section).toContain('ended without finishing the run (killed?)');
    expect(section).toContain('The figures of a were rebuilt from the records files');
    expect(section).toContain('<li>a: client figures: rebuilt from 1 executor records file(s)</li>');
    expect(section).toContain(
      '<li>a: server_metrics: not rebuilt: no scrape &lt;script&gt;alert(1)&lt;/script&gt; &amp; none before the window</li>',
    );
    expect(html).not.toContain('<script>alert(1)');
    // before the summary table: the figures below are read knowing they were rebuilt
    expect(html.indexOf('Recovered run')).toBeLessThan(html.indexOf('<h2>Summary</h2>'));
    // the benchmark's own section points to it; its recovery lines are not taken for figures
    expect(html).toMatch(
      /a — <span class="status-interrupted">interrupted<\/span><\/h3><p[^>]*>Rebuilt by hpcbench report/,
    );
    expect((await readRun(dir)).benchmarks[0].summary).not.toHaveProperty('recovery');
  });

  it('a recovered run that stopped between benchmarks still says so, without lines', async () => {
    await recovered([], []);
    const html = renderReportHtml(await readRun(dir), reportAssets());
    expect(html).toContain('<h2>Recovered run</h2>');
    expect(html).toContain('No benchmark figures were rebuilt.');
    expect(html).not.toContain('<ul class="recovery">');
  });
});

describe('reporting.formats', () => {
  it('decides which run-level files are written', async () => {
    const w = await ResultsWriter.create(dir, 'f');
    await w.startRun({
      hpcbench_version: '0',
      scenario: 'f',
      run_id: 'f',
      mode: 'local',
      server_nodes: [],
      client_nodes: [],
      server_endpoints: [],
      client_endpoints: [],
      started_at: new Date().toISOString(),
      status: 'completed',
      benchmarks: [],
    });
    w.formats = ['csv'];
    await w.writeRunSummary([result(closed(1, 8), 1, 1)]);
    expect(await w.writeReport()).toBeUndefined();
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(w.dir)).sort()).toEqual(['benchmarks.csv', 'run.json']);
    w.formats = ['json', 'md', 'html'];
    await w.writeRunSummary([result(closed(1, 8), 1, 1)]);
    expect(await w.writeReport()).toBe(join(w.dir, 'report.html'));
    expect((await readdir(w.dir)).sort()).toEqual([
      'benchmarks.csv',
      'report.html',
      'run.json',
      'summary.json',
      'summary.md',
    ]);
    const summary = JSON.parse(await readFile(join(w.dir, 'summary.json'), 'utf8'));
    expect(summary.benchmarks[0].parameters).toMatchObject({ total_users: 2, output_tokens: 8 });
  });
});

describe('report.html decisions and header', () => {
  it('shows the thresholds (pass/FAIL coloured), the repetitions, the commit and the Slurm job', async () => {
    const names = ['c_rep1', 'c_rep2'];
    const threshold = (figure: string, actual: number, pass: boolean) => ({
      condition: `${figure} < 5`,
      figure,
      field: `latency_ms.${figure}`,
      op: '<',
      limit: 5,
      unit: 'ms',
      actual,
      pass,
    });
    await writeFile(
      join(dir, 'run.json'),
      JSON.stringify({
        scenario: 'reps',
        status: 'completed',
        hpcbench_version: '9.9.9',
        benchmarks: names.map((name) => ({ name, status: 'completed' })),
        provenance: {
          hpcbench: { version: '9.9.9', git_commit: '0123456789abcdef0123', git_dirty: true, path: '/x' },
          node_version: 'v20',
          command_line: ['hpcbench', 'run'],
          cwd: '/x',
          slurm: { job_id: '4242', partition: 'gpu', node_list: 'n[1-3]' },
          containers: [],
          servers: [],
          nodes: [],
        },
      }),
    );
    for (const [i, name] of names.entries()) {
      await mkdir(join(dir, 'benchmarks', name), { recursive: true });
      const s = sampleSummary(name);
      const e2e = 100 + 20 * i;
      s.latency_ms.e2e = { ...s.latency_ms.e2e!, p50: e2e };
      const thresholds = [threshold('ttft.p99', 3, true), threshold('e2e.p50', e2e, false)];
      await writeFile(join(dir, 'benchmarks', name, 'summary.json'), JSON.stringify({ ...s, thresholds }));
    }
    const html = renderReportHtml(await readRun(dir), reportAssets());
    expect(html).toContain('<h2>Thresholds</h2>');
    expect(html).toContain('<td class="verdict verdict-worse">FAIL</td>');
    expect(html).toContain('<td class="verdict verdict-better">pass</td>');
    expect(html).toContain('thresholds: 2 of 4 failed (exit 99)');
    expect(html).toContain('<h2>Repetitions</h2>');
    // e2e.p50 100 and 120 ms: mean 110, CV 12.9%: unstable
    expect(html).toMatch(
      /<td>c ×2<\/td><td>e2e\.p50<\/td><td class="num">110\.0ms<\/td>.*?12\.9%.*?UNSTABLE/,
    );
    expect(html).toContain('<td>hpcbench</td><td>9.9.9 @ 0123456789ab (modified)</td>');
    expect(html).toContain('<td>Slurm job</td><td>4242 (gpu) on n[1-3]</td>');
  });
});
