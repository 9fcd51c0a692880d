/**
 * The results folder of one run, written as the run goes so that a killed run leaves readable files:
 *
 *   recipe.<ext>               the recipe as given (verbatim copy)
 *   recipe.resolved.json       the recipe with defaults filled in
 *   run.json                   version, nodes, endpoints, start/end, status, error (rewritten as it goes)
 *   benchmarks/<name>/metrics.json   aggregate (seed shape) + per client + merged snapshot (while the
 *                                    benchmark runs: its spec and executors, a trace replay's trace
 *                                    digest, status running)
 *   benchmarks/<name>/summary.json   the exact BenchmarkSummary (+ server_metrics, the servers' own view)
 *   benchmarks/<name>/timeseries.csv per time window: counters, rates, p50/p99 latencies (decoded windows)
 *   benchmarks/<name>/power.csv      per node and monitor sample in the window: GPU and CPU power (energy)
 *   benchmarks/<name>/records-<node>.jsonl   raw per-request records, appended by each executor
 *   summary.json, summary.md   run-level summary (reporting.formats json, md)
 *   benchmarks.csv             one row per benchmark: parameters and headline metrics (csv)
 *   report.html                the self-contained HTML report, written last (html)
 *   logs/, monitor/            component logs and monitoring (written by their owners)
 * The per-benchmark files are always written: they are the data every report is rebuilt from.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { failedThresholds, renderThresholdMarkdown, thresholdsPassed } from '../decide/evaluate.js';
import { renderRepetitionMarkdown, summarizeRepetitions } from '../decide/repetitions.js';
import { renderSearchMarkdown } from '../decide/search.js';
import { requestedBetween } from '../loadgen/schedule/index.js';
import { createResultsDir } from '../results-folder/naming.js';
import type { RunRecord, SearchOutcome } from '../results-folder/types.js';
import { safeName } from '../util/names.js';
import { benchmarksCsv } from './benchmarks-csv.js';
import { writeFileAtomic, writeJsonAtomic } from './json-file.js';
import { renderKneeMarkdown, runKnees } from './knees.js';
import { renderLengthMarkdown } from './lengths.js';
import { varyingParameters } from './params.js';
import { renderSummaryMarkdown, statusNote } from './summary-table.js';
import { timeseriesCsv } from './timeseries.js';
import { renderTurnMarkdown } from './turns.js';
import type { BenchmarkResult } from './types.js';
import { writeHtmlReport } from './write-report.js';

/** One executor of a started benchmark, as metrics.json keeps it until the benchmark ends. */
export interface StartedExecutor {
  node: string;
  /** Its `executor_index` and `executor_count`. */
  index: number;
  count: number;
  /** Epoch ms its measurement began (its POST /start answer), when it gave one. */
  window_start?: number;
}

/**
 * The trace file a trace replay's executors read, as metrics.json keeps it from the benchmark's start
 * (when the orchestrator could read it): what `hpcbench report` checks the file against before replaying
 * its rows for the unsent ones (src/orchestrator/rebuild.ts).
 */
export interface TraceDigest {
  path: string;
  sha256: string;
}

/** The run-level files `reporting.formats` chooses from. */
export type ReportFormat = 'json' | 'md' | 'csv' | 'html';
export const DEFAULT_FORMATS: ReportFormat[] = ['json', 'md', 'csv', 'html'];

/** The seed's run totals (`Orchestrator.run()`), latencies in seconds. */
export interface SeedTotals {
  total_requests: number;
  total_errors: number;
  throughput_rps: number;
  avg_latency: number;
  p50_latency: number;
  p90_latency: number;
  p99_latency: number;
}

/**
 * summary.json's `totals`: request counts always; throughput and E2E latency (ms) only when every
 * benchmark ran the same configuration. A suite or sweep says it mixes configurations and leaves them out.
 */
export function summaryTotals(results: BenchmarkResult[], seed?: SeedTotals): Record<string, unknown> {
  const measured = results.filter((r) => r.summary);
  const mixed = varyingParameters(measured.map((r) => r.parameters ?? {})).length > 0;
  const base = {
    benchmarks: results.length,
    total_requests: seed?.total_requests ?? 0,
    total_errors: seed?.total_errors ?? 0,
    mixed_configurations: mixed,
  };
  if (mixed || !seed)
    return {
      ...base,
      note: 'the benchmarks ran different configurations: no run-level throughput or latency (see benchmarks[] and benchmarks.csv)',
    };
  const ms = (s: number) => s * 1000;
  return {
    ...base,
    throughput_rps: seed.throughput_rps,
    e2e_latency_ms: {
      mean: ms(seed.avg_latency),
      p50: ms(seed.p50_latency),
      p90: ms(seed.p90_latency),
      p99: ms(seed.p99_latency),
    },
  };
}

export class ResultsWriter {
  private run?: RunRecord;
  private queue: Promise<void> = Promise.resolve();
  /** Run-level files to write (`reporting.formats`). */
  formats: ReportFormat[] = [...DEFAULT_FORMATS];

  constructor(readonly dir: string) {}

  /** Creates `<base>/<scenario>_<UTC stamp>/` and a writer for it. */
  static async create(base: string, scenario: string, date = new Date()): Promise<ResultsWriter> {
    return new ResultsWriter(await createResultsDir(base, scenario, date));
  }

  get runRecord(): RunRecord | undefined {
    return this.run;
  }

  benchmarkDir(name: string): string {
    return join(this.dir, 'benchmarks', safeName(name));
  }

  /** Where an executor appends its raw per-request records for a benchmark. */
  recordsPath(benchmark: string, node: string): string {
    return join(this.benchmarkDir(benchmark), `records-${safeName(node)}.jsonl`);
  }

  logsDir(): string {
    return join(this.dir, 'logs');
  }

  /**
   * Copies the recipe file verbatim (`recipe.yaml` / `recipe.json`), or writes a recipe given as an object
   * to `recipe.json`, and writes the resolved form.
   */
  async writeRecipe(recipeFile: string | undefined, resolved: unknown, given?: unknown): Promise<void> {
    if (recipeFile) {
      const ext = extname(recipeFile).toLowerCase() || '.yaml';
      await copyFile(recipeFile, join(this.dir, `recipe${ext}`));
    } else if (given !== undefined) {
      await writeJsonAtomic(join(this.dir, 'recipe.json'), given);
    }
    await writeJsonAtomic(join(this.dir, 'recipe.resolved.json'), resolved);
  }

  /** Writes run.json for the first time. */
  startRun(record: RunRecord): Promise<void> {
    this.run = { ...record };
    return this.flushRun();
  }

  /** Merges `patch` into run.json and rewrites it. */
  updateRun(patch: Partial<RunRecord>): Promise<void> {
    if (!this.run) throw new Error('ResultsWriter.updateRun before startRun');
    Object.assign(this.run, patch);
    return this.flushRun();
  }

  private flushRun(): Promise<void> {
    const snapshot = JSON.parse(JSON.stringify(this.run)) as RunRecord;
    this.queue = this.queue.then(() => writeJsonAtomic(join(this.dir, 'run.json'), snapshot));
    return this.queue;
  }

  async prepareBenchmark(name: string): Promise<void> {
    await mkdir(this.benchmarkDir(name), { recursive: true });
  }

  /**
   * metrics.json of a benchmark whose executors started (status `running`): its spec, each executor's
   * index, count and measurement start and a trace replay's trace digest, so that `hpcbench report` can
   * rebuild its figures from the records files when the orchestrator is killed before `writeBenchmark`
   * (src/orchestrator/recover.ts).
   */
  async startBenchmark(
    result: BenchmarkResult,
    executors: StartedExecutor[],
    trace?: TraceDigest,
  ): Promise<void> {
    await writeJsonAtomic(join(this.benchmarkDir(result.name), 'metrics.json'), {
      benchmark: result.name,
      status: 'running',
      started_at: result.started_at,
      spec: result.spec,
      executors,
      ...(trace ? { trace } : {}),
      per_client: [],
    });
  }

  /** Takes over run.json of a run whose orchestrator is gone (`hpcbench report` marking it interrupted). */
  adoptRun(record: RunRecord): Promise<void> {
    this.run = { ...record };
    return this.flushRun();
  }

  /** metrics.json (aggregate + per client), summary.json and timeseries.csv of one benchmark. */
  async writeBenchmark(result: BenchmarkResult): Promise<void> {
    const dir = this.benchmarkDir(result.name);
    const { summary: _s, snapshot, per_client, ...aggregate } = result.metrics ?? { per_client: [] };
    await writeJsonAtomic(join(dir, 'metrics.json'), {
      benchmark: result.name,
      status: result.status,
      started_at: result.started_at,
      ended_at: result.ended_at,
      spec: result.spec,
      aggregate,
      per_client: (per_client ?? []).map(({ snapshot: _n, ...c }) => c),
      snapshot,
      ...(result.server_metrics ? { server_metrics: result.server_metrics } : {}),
      ...(result.reason ? { reason: result.reason } : {}),
      error: result.error,
    });
    await writeJsonAtomic(join(dir, 'summary.json'), {
      benchmark: result.name,
      status: result.status,
      ...(result.reason ? { reason: result.reason } : {}),
      ...(result.parameters ? { parameters: result.parameters } : {}),
      ...(result.summary ?? {}),
      ...(result.saturation ? { saturation: result.saturation } : {}),
      ...(result.server_metrics ? { server_metrics: result.server_metrics } : {}),
      ...(result.energy ? { energy: result.energy } : {}),
      ...(result.thresholds ? { thresholds: result.thresholds } : {}),
      ...(result.load_generator ? { load_generator: result.load_generator } : {}),
      ...(result.probe ? { probe: result.probe } : {}),
      ...(result.recovery ? { recovery: result.recovery } : {}),
      ...(result.error ? { error: result.error } : {}),
    });
    await writeFileAtomic(
      join(dir, 'timeseries.csv'),
      timeseriesCsv(snapshot, result.spec && requestedBetween(result.spec, snapshot?.window_start)),
    );
  }

  /** A benchmark's power.csv (the power time series behind its energy). */
  async writePower(benchmark: string, csv: string): Promise<void> {
    await writeFileAtomic(join(this.benchmarkDir(benchmark), 'power.csv'), csv);
  }

  /** The run-level summary.json, summary.md and benchmarks.csv (each when `formats` has it). */
  async writeRunSummary(
    results: BenchmarkResult[],
    seedTotals?: SeedTotals,
    search?: SearchOutcome,
  ): Promise<void> {
    const run = this.run;
    const repetitions = summarizeRepetitions(results);
    const knees = runKnees(results);
    if (this.formats.includes('json'))
      await writeJsonAtomic(join(this.dir, 'summary.json'), {
        scenario: run?.scenario,
        run_id: run?.run_id,
        status: run?.status,
        started_at: run?.started_at,
        ended_at: run?.ended_at,
        ...(search ? { search } : {}),
        totals: summaryTotals(results, seedTotals),
        ...(repetitions.length ? { repetitions } : {}),
        ...(knees.length ? { knees } : {}),
        ...(results.some((r) => r.thresholds)
          ? { thresholds: { failed: failedThresholds(results), passed: thresholdsPassed(results) } }
          : {}),
        benchmarks: results.map((r) => ({
          name: r.name,
          status: r.status,
          ...(r.reason ? { reason: r.reason } : {}),
          parameters: r.parameters,
          summary: r.summary,
          ...(r.saturation ? { saturation: r.saturation } : {}),
          server_metrics: r.server_metrics,
          ...(r.energy ? { energy: r.energy } : {}),
          ...(r.thresholds ? { thresholds: r.thresholds } : {}),
          ...(r.load_generator ? { load_generator: r.load_generator } : {}),
          ...(r.probe ? { probe: r.probe } : {}),
          ...(r.recovery ? { recovery: r.recovery } : {}),
          error: r.error,
        })),
      });
    if (this.formats.includes('csv'))
      await writeFileAtomic(
        join(this.dir, 'benchmarks.csv'),
        benchmarksCsv(
          results.map((r) => ({ ...r, parameters: r.parameters ?? {} })),
          search,
        ),
      );
    if (!this.formats.includes('md')) return;
    const notes = [
      `status: ${run?.status ?? 'unknown'}${run?.error ? ` (${run.error.code ?? 'error'}: ${run.error.message})` : run?.reason ? ` (${run.reason})` : ''}`,
      `started ${run?.started_at ?? '?'}, ended ${run?.ended_at ?? '(running)'}`,
      `servers: ${(run?.server_endpoints ?? []).join(', ') || '-'}; clients: ${(run?.client_nodes ?? []).join(', ') || '-'}`,
      ...results.flatMap((r) => {
        const note = statusNote(r);
        return note ? [`warning: ${note}`] : [];
      }),
    ];
    await writeFileAtomic(
      join(this.dir, 'summary.md'),
      renderSummaryMarkdown(`hpcbench: ${run?.scenario ?? 'run'}`, results, notes) +
        withBlankLine(renderSearchMarkdown(search)) +
        withBlankLine(renderLengthMarkdown(results)) +
        withBlankLine(renderTurnMarkdown(results)) +
        withBlankLine(renderThresholdMarkdown(results)) +
        withBlankLine(renderRepetitionMarkdown(repetitions)) +
        withBlankLine(renderKneeMarkdown(knees)),
    );
  }

  /** report.html from the folder's files (when `formats` has html); its path, or undefined. */
  async writeReport(): Promise<string | undefined> {
    if (!this.formats.includes('html')) return undefined;
    await this.queue;
    return writeHtmlReport(this.dir);
  }
}

const withBlankLine = (section: string) => (section ? `\n${section}` : '');
