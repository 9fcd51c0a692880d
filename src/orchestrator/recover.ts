/**
 * A run whose orchestrator was killed (SIGKILL, out of memory, a lost node) leaves run.json at `running`
 * and its unfinished benchmark without summary.json, while every request its executors finished is in
 * their records files. `recoverRun` (called by `hpcbench report`) finds such a folder, rebuilds each
 * unfinished benchmark's figures from the records files, the same way a lost executor's are rebuilt
 * during a run (src/orchestrator/rebuild.ts, with the spec and each executor's part that metrics.json
 * holds from the moment the executors started), merges them exactly, with its saturation, server view and
 * energy from the monitor's files, an open loop's or trace replay's unsent arrivals and load-generator
 * gate, and the recipe's thresholds judged on them (src/orchestrator/recover-benchmark.ts), rebuilds a
 * capacity search from its finished probes, and writes the benchmark's files, the run-level summaries
 * and run.json with the honest status: `interrupted`, with why.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkloadSpec } from '../contracts/index.js';
import type { BenchmarkThresholds } from '../decide/evaluate.js';
import { type GeneratorCheck, INVALID_LABEL } from '../decide/generator-gate.js';
import { type SearchOutcome, searchOutcome } from '../decide/search.js';
import type { IdleBaseline } from '../monitor/energy.js';
import { searchSettings } from '../recipe/index.js';
import { benchmarkParameters } from '../report/params.js';
import { DEFAULT_FORMATS, type ReportFormat, ResultsWriter } from '../report/results-writer.js';
import type { AggregatedMetrics, BenchmarkResult } from '../report/types.js';
import {
  orchestratorIdentified,
  orchestratorState,
  type RunBenchmark,
  type RunFolder,
  type RunRecord,
  readRun,
} from '../results-folder/index.js';
import { readMetricsJson, rebuildBenchmark } from './recover-benchmark.js';
import { runTotals } from './run-totals.js';
import { recipeThresholds } from './thresholds.js';

export interface Recovery {
  /** Whether the folder was recovered (run.json said `running` and its orchestrator is not running). */
  recovered: boolean;
  /** One line for the user: what was done, or why nothing was. */
  note?: string;
  /** Benchmarks whose figures were rebuilt from their records files. */
  rebuilt: string[];
  /** Per rebuilt benchmark, what was rebuilt from what and what could not be (`<name>: <line>`). */
  details?: string[];
  /**
   * Every benchmark with thresholds, finished or unfinished, and their results (summary.json
   * `thresholds`); an unfinished one's (`rebuilt`) judged by hpcbench report on its rebuilt figures.
   * Absent when none has thresholds.
   */
  thresholds?: (BenchmarkThresholds & { rebuilt?: true })[];
  /**
   * Each rebuilt open-loop benchmark's load-generator check (its summary.json `load_generator`), judged
   * by hpcbench report on the rebuilt figures. Absent when none has one.
   */
  generators?: { name: string; check: GeneratorCheck }[];
}

const FORMATS = new Set<string>(DEFAULT_FORMATS);

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

/**
 * A capacity search the orchestrator was killed in: its outcome from the probes that finished (their
 * summary.json `probe`, in the order they ran), as the search itself computes it for a run that stopped;
 * the probe in progress (rebuilt: `unfinished`) has no verdict, and is no server result either when its
 * load generator fell behind. Undefined when the recipe has no search.
 */
function rebuildSearch(folder: RunFolder, unfinished: BenchmarkResult[]): SearchOutcome | undefined {
  let settings: ReturnType<typeof searchSettings>;
  try {
    settings = folder.resolved
      ? searchSettings(folder.resolved as Parameters<typeof searchSettings>[0])
      : undefined;
  } catch {
    return undefined; // not a resolved recipe this version reads
  }
  if (!settings) return undefined;
  const probes = folder.benchmarks.flatMap((b) =>
    b.probe && b.status !== 'running'
      ? [{ benchmark: b.name, value: b.probe.value, verdict: b.probe.verdict, why: b.probe.why }]
      : [],
  );
  const running = folder.benchmarks.find((b) => b.status === 'running');
  const gen = unfinished.find((r) => r.name === running?.name)?.load_generator;
  const invalid = gen && !gen.valid ? `; its load generator fell behind: ${INVALID_LABEL}` : '';
  return {
    ...searchOutcome(settings, probes, true),
    interrupted: `the orchestrator stopped mid-search: rebuilt by hpcbench report from the ${probes.length} finished probe(s)${running ? `; probe ${running.name} was interrupted (no verdict${invalid})` : ''}`,
  };
}

/** The idle baseline of the run: run.json's, else the one a finished benchmark's energy report used. */
function idleOf(folder: RunFolder): IdleBaseline | undefined {
  return folder.run?.idle_baseline ?? folder.benchmarks.find((b) => b.energy?.idle)?.energy?.idle;
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
  const writer = new ResultsWriter(dir);
  writer.formats = formatsOf(folder.resolved);
  const context = { dir, run, idle: idleOf(folder), writer, thresholds: recipeThresholds(folder.resolved) };
  for (const b of folder.benchmarks) {
    if (b.status === 'running') {
      phase ??= `benchmark ${b.name}`;
      const r = await rebuildBenchmark(b, why, context, warn);
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
  for (const r of unfinished) await writer.writeBenchmark(r);
  const search = rebuildSearch(folder, unfinished) ?? folder.search;
  const lastEnd = results
    .map((r) => r.ended_at)
    .filter((t): t is string => t !== undefined)
    .sort()
    .pop();
  const began = folder.benchmarks.some((b) => b.status !== 'pending');
  const figures = rebuilt.length
    ? "the unfinished benchmark's figures were rebuilt from the records files by hpcbench report"
    : unfinished.length
      ? 'no figures to rebuild: the unfinished benchmark had no records'
      : began
        ? 'it stopped between benchmarks: nothing to rebuild'
        : 'it stopped before its first benchmark: nothing to rebuild';
  const what = search?.interrupted ? `${figures}; ${search.interrupted} (${search.text})` : figures;
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
  await writer.writeRunSummary(results, runTotals(results), search);
  const judged = results.flatMap((r) =>
    r.thresholds?.length
      ? [
          {
            name: r.name,
            thresholds: r.thresholds,
            ...(unfinished.includes(r) ? { rebuilt: true as const } : {}),
          },
        ]
      : [],
  );
  const generators = unfinished.flatMap((r) =>
    r.load_generator ? [{ name: r.name, check: r.load_generator }] : [],
  );
  return {
    recovered: true,
    rebuilt,
    note: `run.json said running but ${who}: marked interrupted${rebuilt.length ? `; rebuilt from the records files: ${rebuilt.join(', ')}` : ''}${search?.interrupted ? `; the capacity search rebuilt from its finished probes: ${search.status}` : ''}`,
    details: unfinished.flatMap((r) => (r.recovery ?? []).map((l) => `${r.name}: ${l}`)),
    ...(judged.length ? { thresholds: judged } : {}),
    ...(generators.length ? { generators } : {}),
  };
}
