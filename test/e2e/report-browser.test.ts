/**
 * report.html as a person sees it: real runs (the Quick start recipe as is, and the sweep example with
 * shorter durations) through the real CLI, their report opened in headless Chromium (Debian's
 * /usr/bin/chromium via playwright-core). Asserts no console error, no network request, every expected
 * plot drawn with the right series and number of points, and keeps a screenshot in test-output/.
 * Under CI=true a missing chromium fails; elsewhere these tests are skipped with a message.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseCsv } from '../../src/results-folder/csv.js';
import { chromiumMissing, type DrawnPlot, type PageReport, ReportBrowser } from '../helpers/browser.js';
import { onlyRunDir, readJson, runCli, Sandbox } from './helpers.js';

const missing = chromiumMissing();
if (missing) console.warn(`skipping the browser tests of report.html: ${missing}`);
const OUT = join(process.cwd(), 'test-output');

let box: Sandbox;
let browser: ReportBrowser | undefined;
beforeAll(async () => {
  box = await Sandbox.create();
  await mkdir(OUT, { recursive: true });
  if (!missing) browser = await ReportBrowser.launch();
});
afterAll(async () => {
  await browser?.close();
  await box.close();
});

function plot(r: PageReport, id: string): DrawnPlot {
  const p = r.plots.find((x) => x.id === id);
  if (!p) throw new Error(`plot ${id} not drawn; drawn: ${r.plots.map((x) => x.id).join(', ')}`);
  return p;
}

function expectClean(r: PageReport): void {
  expect(r.consoleErrors).toEqual([]);
  expect(r.pageErrors).toEqual([]);
  expect(r.requests).toEqual([]);
}

async function csvRows(file: string): Promise<number> {
  return parseCsv(await readFile(file, 'utf8')).rows.length;
}

describe.skipIf(missing !== undefined)('report.html in headless Chromium', () => {
  it('the Quick start leaves a report with every plot drawn', async () => {
    const res = await runCli(['run', 'examples/quickstart.yaml', '--results-dir', box.path('quick')], {
      timeout: 120_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('quick'));
    const file = join(run, 'report.html');
    expect((await stat(file)).size).toBeLessThan(3_000_000);
    const r = await browser!.open(file, join(OUT, 'report-quickstart.png'));
    expectClean(r);
    expect(r.text).toContain('hpcbench: quickstart');
    const summary = await readJson(join(run, 'benchmarks', 'default', 'summary.json'));

    // distributions: the client's curve, and the simulator's exact percentiles beside TTFT and E2E
    for (const m of ['ttft', 'itl', 'tpot', 'e2e']) {
      const d = plot(r, `b0-dist-${m}`);
      expect(d.series[0]).toBe('client');
      expect(d.values[0]).toBeGreaterThan(10);
      expect(d.width).toBeGreaterThan(300);
    }
    for (const m of ['ttft', 'e2e']) {
      const d = plot(r, `b0-dist-${m}`);
      expect(d.series).toEqual(['client', 'server (exact)']);
      expect(d.values[1]).toBe(3); // p50, p90, p99
      // the curve at p50 is the summary's p50 (same histogram)
      const at50 = d.data[1][d.data[0].findIndex((x) => Math.abs((x ?? 0) - Math.log10(2)) < 1e-6)];
      expect(at50).toBeCloseTo(summary.latency_ms[m].p50, 1);
    }
    // time series: one point per row of timeseries.csv
    const windows = await csvRows(join(run, 'benchmarks', 'default', 'timeseries.csv'));
    expect(windows).toBeGreaterThan(0);
    const tput = plot(r, 'b0-ts-throughput');
    expect(tput.series).toEqual(['requests/s', 'output tokens/s']);
    expect(tput.points).toBe(windows);
    expect(plot(r, 'b0-ts-latency').series).toEqual(['TTFT p50', 'TTFT p99', 'ITL p50', 'ITL p99']);
    expect(plot(r, 'b0-ts-lag').points).toBe(windows);
    // monitors: CPU and RAM per node, one point per CSV row
    const runJson = await readJson(join(run, 'run.json'));
    const cpu = r.plots.filter((p) => /-mon-0$/.test(p.id));
    expect(cpu.length).toBe(1 + runJson.client_nodes.length + runJson.server_nodes.length);
    const clientCsv = await csvRows(join(run, 'monitor', 'client-1-client.csv'));
    const clientCpu = cpu.find((p) => p.title.includes('client-1'));
    expect(clientCpu?.points).toBe(clientCsv);
    expect(r.plots.filter((p) => /-mon-1$/.test(p.id)).length).toBe(cpu.length);
  }, 180_000);

  it('the sweep example has the sweep and Pareto plots', async () => {
    const recipe = parse(await readFile('examples/sweep.yaml', 'utf8'));
    recipe.workload.duration = '2s';
    recipe.workload.warmup = '0s';
    recipe.workload.sweep.concurrency = [1, 4, 8];
    const file = box.path('sweep.yaml');
    await writeFile(file, stringify(recipe));
    const res = await runCli(['run', file, '--results-dir', box.path('sweep')], { timeout: 180_000 });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('sweep'));
    expect((await stat(join(run, 'report.html'))).size).toBeLessThan(3_000_000);
    // benchmarks.csv: one row per benchmark, the swept parameters as columns
    const csv = parseCsv(await readFile(join(run, 'benchmarks.csv'), 'utf8'));
    expect(csv.rows).toHaveLength(6);
    const col = (k: string) => csv.rows.map((row) => row[csv.header.indexOf(k)]);
    expect(col('total_users')).toEqual(['2', '2', '8', '8', '16', '16']);
    expect(col('output_tokens')).toEqual(['32', '128', '32', '128', '32', '128']);
    expect(col('requests_per_s').every((v) => Number(v) > 0)).toBe(true);
    const r = await browser!.open(join(run, 'report.html'), join(OUT, 'report-sweep.png'));
    expectClean(r);
    // x = total users (2 executors x concurrency), one series per gen_tokens value
    const rps = plot(r, 'sweep-rps');
    expect(rps.data[0]).toEqual([2, 8, 16]);
    expect(rps.series).toEqual(['output_tokens=32', 'output_tokens=128']);
    expect(rps.values).toEqual([3, 3]);
    for (const id of ['sweep-tokps', 'sweep-ttft50', 'sweep-ttft99', 'sweep-tpot50', 'sweep-e2e99'])
      expect(plot(r, id).values).toEqual([3, 3]);
    const pareto = plot(r, 'sweep-pareto');
    expect(pareto.points).toBe(6);
    expect(pareto.values[0]).toBe(6);
    expect(pareto.values[1]).toBeGreaterThanOrEqual(1);
    // six benchmark sections, each with its distributions
    for (let i = 0; i < 6; i++) expect(plot(r, `b${i}-dist-ttft`).values[0]).toBeGreaterThan(3);
  }, 240_000);

  it('hpcbench report rebuilds the report of an interrupted run from what is left', async () => {
    const base = box.path('quick');
    const run = await onlyRunDir(base);
    await rm(join(run, 'report.html'));
    await rm(join(run, 'benchmarks', 'default', 'metrics.json'));
    const runJson = await readJson(join(run, 'run.json'));
    await writeFile(
      join(run, 'run.json'),
      JSON.stringify({ ...runJson, status: 'interrupted', ended_at: undefined }),
    );
    const res = await runCli(['report', run], { timeout: 60_000 });
    expect(res.exitCode, res.all).toBe(0);
    expect(res.stdout).toContain('report.html');
    const r = await browser!.open(join(run, 'report.html'), join(OUT, 'report-interrupted.png'));
    expectClean(r);
    expect(r.text).toContain('interrupted');
    expect(r.text).toContain('benchmarks/default/metrics.json');
    // no snapshot: no distributions, but the time series (timeseries.csv) and monitors are still drawn
    expect(r.plots.some((p) => p.id.startsWith('b0-dist'))).toBe(false);
    expect(plot(r, 'b0-ts-throughput').points).toBeGreaterThan(0);
    expect(r.text).toContain('Last log lines');
  }, 120_000);
});
