/**
 * A run whose orchestrator was killed (SIGKILL, out of memory, a lost node) leaves run.json at `running`
 * and its unfinished benchmark without summary.json, while every request its executors finished is in
 * their records files. `recoverRun` (called by `hpcbench report`) finds such a folder, rebuilds each
 * unfinished benchmark's figures from the records files, the same way a lost executor's are rebuilt
 * during a run (src/orchestrator/rebuild.ts, with the spec and each executor's part that metrics.json
 * holds from the moment the executors started), merges them exactly, and writes the benchmark's files,
 * the run-level summaries and run.json with the honest status: `interrupted`, with why.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorMetrics, WorkloadSpec } from '../contracts/index.js';
import { aggregate } from '../controller/index.js';
import { benchmarkParameters } from '../report/params.js';
import {
  DEFAULT_FORMATS,
  type ReportFormat,
  ResultsWriter,
  type StartedExecutor,
} from '../report/results-writer.js';
import type { AggregatedMetrics, BenchmarkResult } from '../report/types.js';
import {
  orchestratorIdentified,
  orchestratorState,
  type RunBenchmark,
  type RunRecord,
  readRun,
} from '../results-folder/index.js';
import { recordsRebuilder } from './rebuild.js';
import { runTotals } from './run-totals.js';

export interface Recovery {
  /** Whether the folder was recovered (run.json said `running` and its orchestrator is not running). */
  recovered: boolean;
  /** One line for the user: what was done, or why nothing was. */
  note?: string;
  /** Benchmarks whose figures were rebuilt from their records files. */
  rebuilt: string[];
}

interface MetricsJson {
  status?: string;
  started_at?: string;
  ended_at?: string;
  spec?: WorkloadSpec;
  executors?: StartedExecutor[];
  aggregate?: Omit<AggregatedMetrics, 'per_client' | 'summary' | 'snapshot'>;
  per_client?: AggregatedMetrics['per_client'];
  snapshot?: AggregatedMetrics['snapshot'];
}

const FORMATS = new Set<string>(DEFAULT_FORMATS);

async function readMetricsJson(dir: string): Promise<MetricsJson | undefined> {
  const text = await readFile(join(dir, 'metrics.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as MetricsJson;
  } catch {
    return undefined;
  }
}

/** The executors of a started benchmark: metrics.json's, else one per records file (no measurement start). */
function executorsOf(m: MetricsJson | undefined, b: RunBenchmark): StartedExecutor[] {
  if (m?.executors?.length) return m.executors;
  const nodes = b.records.map((p) => (p.split(/[\\/]/).pop() ?? '').replace(/^records-|\.jsonl$/g, ''));
  return nodes.map((node, index) => ({ node, index, count: nodes.length }));
}

/** The latest modification of the benchmark's records files (the last request the executors finished). */
async function lastWrite(paths: string[]): Promise<number | undefined> {
  const times = await Promise.all(
    paths.map((p) =>
      stat(p).then(
        (s) => s.mtimeMs,
        () => undefined,
      ),
    ),
  );
  const ok = times.filter((t): t is number => t !== undefined);
  return ok.length ? Math.max(...ok) : undefined;
}

/** An unfinished benchmark's result rebuilt from its records files. */
async function rebuildBenchmark(
  b: RunBenchmark,
  why: string,
  warn: (m: string) => void,
): Promise<BenchmarkResult> {
  const m = await readMetricsJson(b.dir);
  const spec = m?.spec ?? (b.spec as WorkloadSpec | undefined);
  const result: BenchmarkResult = {
    name: b.name,
    status: 'interrupted',
    ...(m?.started_at ? { started_at: m.started_at } : {}),
    ...(spec ? { spec } : {}),
  };
  const executors = executorsOf(m, b);
  const rebuild = spec && recordsRebuilder(spec, join(b.dir, 'records-{node}.jsonl'), warn);
  const per: { node: string; metrics: ExecutorMetrics }[] = [];
  for (const e of executors) {
    const metrics = await rebuild?.(
      { node: e.node, url: '' },
      {
        index: e.index,
        count: e.count,
        start:
          e.window_start !== undefined
            ? { status: 'started', threads: 0, window_start: e.window_start }
            : undefined,
      },
    );
    if (metrics) per.push({ node: e.node, metrics });
  }
  const ended = await lastWrite(b.records);
  if (ended !== undefined) result.ended_at = new Date(ended).toISOString();
  result.parameters = benchmarkParameters(spec, executors.length);
  if (per.length) {
    result.metrics = aggregate(per, b.name);
    result.summary = result.metrics.summary;
    result.reason = `${why}; its figures were rebuilt from ${per.length} executor records file(s) by hpcbench report`;
  } else
    result.reason = spec
      ? `${why}; no executor had recorded a request`
      : `${why}; it had not started (no spec in metrics.json)`;
  return result;
}

/** A finished benchmark as the run-level summaries need it, from its files. */
async function finishedBenchmark(b: RunBenchmark): Promise<BenchmarkResult> {
  const m = await readMetricsJson(b.dir);
  const metrics =
    m?.aggregate && b.summary
      ? { ...m.aggregate, per_client: m.per_client ?? [], summary: b.summary, snapshot: m.snapshot }
      : undefined;
  return {
    name: b.name,
    status: b.status as BenchmarkResult['status'],
    ...(b.reason ? { reason: b.reason } : {}),
    started_at: b.started_at,
    ended_at: b.ended_at,
    spec: b.spec as WorkloadSpec | undefined,
    parameters: benchmarkParameters(b.spec, b.executors ?? 0),
    ...(metrics ? { metrics: metrics as AggregatedMetrics } : {}),
    summary: b.summary,
    server_metrics: b.server_metrics,
    energy: b.energy,
    saturation: b.saturation,
    thresholds: b.thresholds,
    load_generator: b.load_generator,
    probe: b.probe,
    error: b.error,
  };
}

/** `reporting.formats` of the resolved recipe (the default when it has none). */
function formatsOf(resolved: unknown): ReportFormat[] {
  const f = (resolved as { reporting?: { formats?: unknown } } | undefined)?.reporting?.formats;
  return Array.isArray(f) ? f.filter((x): x is ReportFormat => FORMATS.has(x)) : [...DEFAULT_FORMATS];
}

/**
 * Recovers `dir` when its run.json says `running` and its orchestrator is gone (see above). When that
 * cannot be told here (its orchestrator ran on another host, e.g. a Slurm job's batch node, or run.json
 * names none), or run.json names it by its PID alone (an older hpcbench's) and that PID is alive here,
 * only with `force` (`hpcbench report --recover`). Never while run.json's orchestrator, identified by its
 * boot and start, still runs: that process is stopped instead (it then ends the run itself).
 */
export async function recoverRun(
  dir: string,
  warn: (m: string) => void = () => {},
  force = false,
): Promise<Recovery> {
  const folder = await readRun(dir);
  const run = folder.run;
  if (run?.status !== 'running') return { recovered: false, rebuilt: [] };
  const state = orchestratorState(run);
  const pid = run.orchestrator?.pid;
  // identified by its boot and start, it is that very process: recovering now would race its own writes
  // of run.json and the benchmark's files, so it is stopped instead (SIGTERM: it ends the run itself)
  if (state === 'alive' && orchestratorIdentified(run))
    return {
      recovered: false,
      rebuilt: [],
      note: `the run is still running (orchestrator pid ${pid} on ${run.orchestrator?.host}, the process that began it): report of the files as they are, run.json left as it is; to end the run, stop it (kill ${pid}: it writes the run as interrupted itself)`,
    };
  if (state === 'alive' && !force)
    return {
      recovered: false,
      rebuilt: [],
      note: `the run is still running by its PID (orchestrator pid ${pid} on ${run.orchestrator?.host} is alive; run.json, from an hpcbench that did not record the orchestrator's boot and start, cannot say more): report of the files as they are, run.json left as it is; if that PID is another process (the folder was copied from another machine of this name), 'hpcbench report --recover RUN_DIR' recovers it`,
    };
  if (state === 'unknown' && !force)
    return {
      recovered: false,
      rebuilt: [],
      note: `run.json says running and ${run.orchestrator ? `its orchestrator (pid ${run.orchestrator.pid}) ran on ${run.orchestrator.host}, not this host` : 'names no orchestrator process'}, so whether it still runs cannot be told here: report of the files as they are; if it is gone (killed, its node lost), run 'hpcbench report --recover RUN_DIR' to rebuild the unfinished benchmark from the records files and mark the run interrupted`,
    };
  const who =
    state === 'gone'
      ? `its orchestrator (pid ${run.orchestrator?.pid} on ${run.orchestrator?.host}) ended without finishing the run (killed?)`
      : state === 'alive'
        ? `its orchestrator is gone (--recover: pid ${pid} on ${run.orchestrator?.host} is alive but taken for another process; run.json names the orchestrator by its PID alone)`
        : run.orchestrator
          ? `its orchestrator (pid ${run.orchestrator.pid} on ${run.orchestrator.host}, another host) is gone (--recover)`
          : 'its orchestrator is gone (--recover; run.json names no orchestrator process)';
  const why = 'interrupted: the orchestrator stopped mid-benchmark';
  const results: BenchmarkResult[] = [];
  const rebuilt: string[] = [];
  const unfinished: BenchmarkResult[] = [];
  let phase: string | undefined;
  for (const b of folder.benchmarks) {
    if (b.status === 'running') {
      phase ??= `benchmark ${b.name}`;
      const r = await rebuildBenchmark(b, why, warn);
      if (r.summary) rebuilt.push(b.name);
      unfinished.push(r);
      results.push(r);
    } else if (b.status === 'pending')
      results.push({
        name: b.name,
        status: 'interrupted',
        reason: 'not run: the orchestrator stopped before it',
      });
    else results.push(await finishedBenchmark(b));
  }
  const writer = new ResultsWriter(dir);
  writer.formats = formatsOf(folder.resolved);
  for (const r of unfinished) await writer.writeBenchmark(r);
  const lastEnd = results
    .map((r) => r.ended_at)
    .filter((t): t is string => t !== undefined)
    .sort()
    .pop();
  const began = folder.benchmarks.some((b) => b.status !== 'pending');
  const what = rebuilt.length
    ? "the unfinished benchmark's figures were rebuilt from the records files by hpcbench report"
    : unfinished.length
      ? 'no figures to rebuild: the unfinished benchmark had no records'
      : began
        ? 'it stopped between benchmarks: nothing to rebuild'
        : 'it stopped before its first benchmark: nothing to rebuild';
  const record: RunRecord = {
    ...run,
    status: 'interrupted',
    reason: `${who}; ${what}`,
    interrupted_phase: phase ?? (began ? 'between benchmarks' : 'before the first benchmark'),
    ended_at: lastEnd ?? new Date((await stat(join(dir, 'run.json'))).mtimeMs).toISOString(),
    recovered: { by: 'hpcbench report', at: new Date().toISOString(), benchmarks: rebuilt },
    benchmarks: results.map((r) => ({
      name: r.name,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
    })),
  };
  await writer.adoptRun(record);
  await writer.writeRunSummary(results, runTotals(results), folder.search);
  return {
    recovered: true,
    rebuilt,
    note: `run.json said running but ${who}: marked interrupted${rebuilt.length ? `; rebuilt from the records files: ${rebuilt.join(', ')}` : ''}`,
  };
}
