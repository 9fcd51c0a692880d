/**
 * The unfinished benchmark of a run whose orchestrator was killed, rebuilt from what is on disk by
 * `hpcbench report` (src/orchestrator/recover.ts), each figure group with the definition a run uses:
 * - the client figures from the executors' records files (rebuild.ts, the executors' own recorder; with
 *   multi-turn sessions their `sessions` counts too, src/metrics/sessions.ts);
 * - open loop: the over-saturation verdict on the rebuilt snapshot (saturation.ts);
 * - `server_metrics` from the monitor's periodic server scrapes (src/serverstats/from-monitor.ts);
 * - `energy` from the monitor CSVs over the measurement window (energy.ts), above the idle baseline run.json
 *   keeps, when the samples cover the window;
 * - open loop and trace replay: `dropped_sends`, the arrivals due by each executor's last send measured
 *   that it had not sent (rebuild.ts; the later ones were not due yet when it stopped; a trace replay's
 *   from its trace file read again, checked against the digest metrics.json kept of it, else not
 *   counted, with why), and the load-generator gate judged on the rebuilt summary as for a finished
 *   benchmark (verdict.ts generatorVerdict): an invalid one is `load_generator: {valid: false, ...}` and
 *   `invalid (load generator)` in every output, the benchmark still `interrupted`; its event-loop
 *   criterion is not judged (`executor_load` is in the executors' GET /metrics only, not on disk);
 * - `thresholds`: the recipe's for it, evaluated on the rebuilt figures as for a finished benchmark
 *   (thresholds.ts); one whose figure could not be rebuilt has no value and fails, said as not judged.
 * What cannot be rebuilt is said in the benchmark's `recovery` lines, with why.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ExecutorMetrics, scrapeSource, type WorkloadSpec } from '../contracts/index.js';
import { aggregate } from '../controller/index.js';
import { formatFigure } from '../decide/evaluate.js';
import { generatorNote } from '../decide/generator-gate.js';
import type { UnsentCount } from '../loadgen/schedule/index.js';
import type { IdleBaseline } from '../monitor/energy.js';
import { EnergyMeter } from '../monitor/energy-meter.js';
import { serverMetricsPath } from '../monitor/run-monitoring.js';
import { benchmarkParameters } from '../report/params.js';
import type { ResultsWriter, StartedExecutor, TraceDigest } from '../report/results-writer.js';
import type { AggregatedMetrics, BenchmarkResult } from '../report/types.js';
import type { RunBenchmark, RunRecord } from '../results-folder/index.js';
import { serverViewFromMonitor } from '../serverstats/from-monitor.js';
import { ServiceFactory } from '../services/factory.js';
import { benchmarkEnergy } from './energy.js';
import { serverMonitorName } from './hooks.js';
import { notCountedDrops, recordsRebuilder, replayTrace } from './rebuild.js';
import { benchmarkSaturation } from './saturation.js';
import { judgeThresholds } from './thresholds.js';
import { generatorVerdict, uncountedDrops } from './verdict.js';

export interface MetricsJson {
  status?: string;
  started_at?: string;
  ended_at?: string;
  spec?: WorkloadSpec;
  executors?: StartedExecutor[];
  aggregate?: Omit<AggregatedMetrics, 'per_client' | 'summary' | 'snapshot'>;
  per_client?: AggregatedMetrics['per_client'];
  snapshot?: AggregatedMetrics['snapshot'];
  /** A trace replay's trace file at the benchmark's start. */
  trace?: TraceDigest;
}

export async function readMetricsJson(dir: string): Promise<MetricsJson | undefined> {
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

/** What the rebuild reads besides the benchmark's own folder. */
export interface RecoveryContext {
  dir: string;
  run: RunRecord;
  /** The idle baseline: run.json's, else a finished benchmark's energy report's. */
  idle?: IdleBaseline;
  writer: ResultsWriter;
  /** Per benchmark name, the recipe's thresholds for it (recipeThresholds of the resolved recipe). */
  thresholds: Map<string, readonly string[]>;
}

/** The servers whose /metrics the run's monitor scraped (none when the service declares none). */
function monitoredServers(c: RecoveryContext): { url: string; path: string }[] {
  let prometheus = false;
  try {
    prometheus = scrapeSource(ServiceFactory.getCapabilities(String(c.run.service)))?.format === 'prometheus';
  } catch {
    // a plugin service that is not loaded here: its servers' files are still looked for
    prometheus = true;
  }
  if (!prometheus) return [];
  return c.run.server_endpoints.map((url, i) => ({
    url,
    path: serverMetricsPath(c.dir, serverMonitorName(c.run.server_nodes, i)),
  }));
}

/** `server_metrics` from the monitor's scrapes; the recovery line says from what, or why not. */
async function rebuildServerView(r: BenchmarkResult, c: RecoveryContext): Promise<string | undefined> {
  const snap = r.metrics?.snapshot;
  const servers = monitoredServers(c);
  if (!servers.length) return undefined; // a run of this service has no server view either
  if (snap?.window_start === undefined || snap.window_end === undefined)
    return 'server_metrics: not rebuilt: no measured request';
  const got = await serverViewFromMonitor(
    servers,
    snap.window_start,
    snap.window_end,
    r.summary?.duration_s ?? 0,
  );
  if ('missing' in got) return `server_metrics: not rebuilt: ${got.missing}`;
  r.server_metrics = got.view;
  return got.view.rate_basis === 'client-window'
    ? 'server_metrics: rebuilt from the monitor’s server scrapes over the measurement window (monitor/server-*.jsonl)'
    : 'server_metrics: rebuilt from the monitor’s server scrapes, over part of the measurement window only (see server_metrics.notes)';
}

/** `energy` from the monitor CSVs when they cover the window; the recovery line says so, or why not. */
async function rebuildEnergy(r: BenchmarkResult, c: RecoveryContext): Promise<string[]> {
  const meter = new EnergyMeter(join(c.dir, 'monitor'), () => {}, false);
  const until = await meter.sampledUntil();
  if (until === undefined) return []; // no power readings: a run has no energy either
  const end = r.metrics?.snapshot.window_end;
  if (end === undefined) return ['energy: not rebuilt: no measured request'];
  if (until < end)
    return [
      `energy: not rebuilt: the monitors’ power samples end at ${new Date(until).toISOString()}, ${((end - until) / 1000).toFixed(1)} s before the measurement window’s end (they stopped with the orchestrator), so the window’s energy is not on disk`,
    ];
  meter.idle = c.idle;
  const csv = await benchmarkEnergy(meter, r);
  if (!csv) return ['energy: not rebuilt: the measurement window is empty'];
  await c.writer.writePower(r.name, csv);
  return [
    'energy: rebuilt from the monitor CSVs over the measurement window (power.csv)',
    ...(c.idle ? [] : ['energy.energy_above_idle_j: no idle baseline on disk (run.json idle_baseline)']),
  ];
}

const secondsInto = (t: number, from: number | undefined) =>
  from === undefined ? '' : `, ${((t - from) / 1000).toFixed(1)} s into the measurement`;

/**
 * The `dropped_sends` recovery lines: how each executor's unsent arrivals were counted (`counts`, per node
 * rebuilt), or why not (the merged snapshot's `dropped_sends_uncounted`: every executor the benchmark
 * started whose were not, also one without a records file).
 */
function droppedLines(r: BenchmarkResult, nodes: string[], counts: Map<string, UnsentCount>): string[] {
  const counted = nodes.flatMap((n) => {
    const c = counts.get(n);
    return c && 'unsent' in c ? [c] : [];
  });
  const missing = r.metrics?.snapshot.dropped_sends_uncounted ?? [];
  const lines: string[] = [];
  if (counted.length) {
    const unsent = counted.reduce((a, c) => a + c.unsent, 0);
    const due = counted.reduce((a, c) => a + c.due, 0);
    const until = Math.max(...counted.map((c) => c.until));
    const who = nodes.length === 1 ? 'its executor’s last send' : 'each executor’s last send';
    const latest = nodes.length === 1 ? '' : 'the latest ';
    lines.push(
      `dropped_sends: rebuilt: ${unsent} of the ${due} arrivals due by ${who} measured (${latest}${new Date(until).toISOString()}${secondsInto(until, r.metrics?.snapshot.window_start)}) had not been sent; those scheduled after it were not due yet by then (the measurement ends there) and are not counted${missing.length ? ` (counted for ${counted.length} of ${nodes.length} executors)` : ''}`,
    );
  }
  const unrecorded = counted.reduce((a, c) => a + c.unrecordedAtLast, 0);
  if (unrecorded > 0)
    lines.push(
      `dropped_sends: ${unrecorded} more arrival(s) due at the instant of ${nodes.length === 1 ? 'the' : 'an executor’s'} last one recorded are not in the records: each was in flight when it stopped or never sent, and is not counted`,
    );
  if (missing.length) lines.push(`dropped_sends: not rebuilt for ${missing.join('; ')}`);
  return lines;
}

/**
 * The load-generator gate on the rebuilt summary, as for a finished benchmark, with the sends due by the
 * last send measured (the status stays interrupted; an invalid verdict is added to the reason); the
 * recovery lines.
 */
function rebuildGenerator(r: BenchmarkResult, spec: WorkloadSpec): string[] {
  const check = generatorVerdict(r, spec);
  if (!check) return [];
  if (check.capped && !check.executor_load)
    return [
      'load_generator: not judged: with max_concurrency only its event-loop criterion applies, and executor_load is not on disk (each executor reports its event loop and CPU in GET /metrics only)',
    ];
  r.load_generator = check;
  const note = generatorNote(check);
  if (note) r.reason = r.reason ? `${r.reason}; ${note}` : note;
  const share =
    check.sent_share === null
      ? ''
      : `, ${(100 * check.sent_share).toFixed(1)}% of the sends due by then made`;
  return [
    `load_generator: judged on the rebuilt figures up to the last send measured${share}: ${note ?? check.label}`,
    ...(check.executor_load
      ? []
      : [
          'load_generator: its event-loop criterion not judged: executor_load is not on disk (each executor reports its event loop and CPU in GET /metrics only)',
        ]),
    ...(uncountedDrops(r) === undefined
      ? []
      : [
          'load_generator: its sent-share criterion not judged: the unsent arrivals could not be counted (dropped_sends above)',
        ]),
  ];
}

/** The recipe's thresholds judged on the rebuilt figures (as a finished benchmark's); the recovery lines. */
function rebuildThresholds(r: BenchmarkResult, conditions: readonly string[] | undefined): string[] {
  const judged = judgeThresholds(r, conditions);
  if (!judged) return [];
  r.thresholds = judged;
  const failed = judged.filter((t) => !t.pass);
  const verdict = failed.length
    ? `${failed.length} of ${judged.length} failed (${failed.map((t) => `${t.condition}: ${t.actual === null ? 'no value' : formatFigure(t.actual, t.unit)}`).join('; ')})`
    : `all ${judged.length} passed`;
  return [
    `thresholds: evaluated on the rebuilt figures: ${verdict}`,
    ...judged
      .filter((t) => t.actual === null)
      .map(
        (t) =>
          `thresholds: ${t.condition}: not judged: its figure (${t.field}) could not be rebuilt, so it fails, as a threshold without a value does`,
      ),
  ];
}

/** An unfinished benchmark's result rebuilt from what is on disk (see above). */
export async function rebuildBenchmark(
  b: RunBenchmark,
  why: string,
  c: RecoveryContext,
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
  const recovery: string[] = [];
  const note = (message: string) => {
    recovery.push(message);
    warn(message);
  };
  const executors = executorsOf(m, b);
  const sends = new Map<string, UnsentCount>();
  const trace = spec?.load.mode === 'trace' ? replayTrace(spec, m?.trace) : undefined;
  const rebuild =
    spec &&
    recordsRebuilder(spec, join(b.dir, 'records-{node}.jsonl'), note, {
      sends: (node, count) => sends.set(node, count),
      trace,
    });
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
  if (per.length && spec) {
    result.metrics = aggregate(per, b.name);
    result.summary = result.metrics.summary;
    const rebuilt = new Set(per.map((p) => p.node));
    notCountedDrops(
      result.metrics,
      spec,
      executors.flatMap((e) => (rebuilt.has(e.node) ? [] : [`${e.node}: no records file`])),
    );
    result.reason = `${why}; its figures were rebuilt from ${per.length} executor records file(s) by hpcbench report`;
    recovery.unshift(
      `client figures: rebuilt from ${per.length} executor records file(s)${result.summary.sessions ? ', the multi-turn session counts with them' : ''}`,
    );
    const saturated = benchmarkSaturation(spec, result.metrics.snapshot);
    if (saturated) {
      result.saturation = saturated;
      recovery.push('saturation: judged on the rebuilt figures');
    }
    const server = await rebuildServerView(result, c);
    if (server) recovery.push(server);
    recovery.push(...(await rebuildEnergy(result, c)));
    const replayed = await trace;
    if (replayed && 'why' in replayed)
      recovery.push(`dropped_sends, load_generator: not rebuilt: ${replayed.why}`);
    else if (spec.load.mode !== 'closed') {
      recovery.push(
        ...(replayed ? [replayed.line] : []),
        ...droppedLines(
          result,
          executors.map((e) => e.node),
          sends,
        ),
        ...rebuildGenerator(result, spec),
      );
    }
  } else
    result.reason = spec
      ? `${why}; no executor had recorded a request`
      : `${why}; it had not started (no spec in metrics.json)`;
  recovery.push(...rebuildThresholds(result, c.thresholds.get(b.name)));
  if (recovery.length) result.recovery = recovery;
  return result;
}
