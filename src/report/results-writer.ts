/**
 * The results folder of one run, written as the run goes so that a killed run leaves readable files:
 *
 *   recipe.<ext>               the recipe as given (verbatim copy)
 *   recipe.resolved.json       the recipe with defaults filled in
 *   run.json                   version, nodes, endpoints, start/end, status, error (rewritten as it goes)
 *   benchmarks/<name>/metrics.json   aggregate (seed shape) + per client + merged snapshot
 *   benchmarks/<name>/summary.json   the exact BenchmarkSummary (+ server_metrics, the servers' own view)
 *   benchmarks/<name>/timeseries.csv per time window: counters, rates, p50/p99 latencies (decoded windows)
 *   benchmarks/<name>/power.csv      per node and monitor sample in the window: GPU and CPU power (energy)
 *   benchmarks/<name>/records-<node>.jsonl   raw per-request records, appended by each executor
 *   summary.json, summary.md   run-level summary
 *   logs/, monitor/            component logs and monitoring (written by their owners)
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { failedThresholds, renderThresholdMarkdown, thresholdsPassed } from '../decide/evaluate.js';
import { safeName } from '../util/names.js';
import { writeFileAtomic, writeJsonAtomic } from './json-file.js';
import { createResultsDir } from './results-dir.js';
import { renderSummaryMarkdown, statusNote } from './summary-table.js';
import { timeseriesCsv } from './timeseries.js';
import type { BenchmarkResult, RunRecord } from './types.js';

export class ResultsWriter {
  private run?: RunRecord;
  private queue: Promise<void> = Promise.resolve();

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
      ...(result.summary ?? {}),
      ...(result.server_metrics ? { server_metrics: result.server_metrics } : {}),
      ...(result.energy ? { energy: result.energy } : {}),
      ...(result.thresholds ? { thresholds: result.thresholds } : {}),
      ...(result.error ? { error: result.error } : {}),
    });
    await writeFileAtomic(join(dir, 'timeseries.csv'), timeseriesCsv(snapshot));
  }

  /** A benchmark's power.csv (the power time series behind its energy). */
  async writePower(benchmark: string, csv: string): Promise<void> {
    await writeFileAtomic(join(this.benchmarkDir(benchmark), 'power.csv'), csv);
  }

  /** The run-level summary.json and summary.md. */
  async writeRunSummary(results: BenchmarkResult[], extra: Record<string, unknown> = {}): Promise<void> {
    const run = this.run;
    await writeJsonAtomic(join(this.dir, 'summary.json'), {
      scenario: run?.scenario,
      run_id: run?.run_id,
      status: run?.status,
      started_at: run?.started_at,
      ended_at: run?.ended_at,
      ...extra,
      ...(results.some((r) => r.thresholds)
        ? { thresholds: { failed: failedThresholds(results), passed: thresholdsPassed(results) } }
        : {}),
      benchmarks: results.map((r) => ({
        name: r.name,
        status: r.status,
        ...(r.reason ? { reason: r.reason } : {}),
        summary: r.summary,
        server_metrics: r.server_metrics,
        ...(r.energy ? { energy: r.energy } : {}),
        ...(r.thresholds ? { thresholds: r.thresholds } : {}),
        error: r.error,
      })),
    });
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
        withBlankLine(renderThresholdMarkdown(results)),
    );
  }
}

const withBlankLine = (section: string) => (section ? `\n${section}` : '');
