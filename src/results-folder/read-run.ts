/**
 * A results folder read back into plain data — the one reader behind `hpcbench report`, `compare` and
 * `check` and the report written at the end of a run: run.json, the resolved recipe, each benchmark's
 * metrics.json / summary.json / records files, and with `series` its timeseries.csv, the monitor CSVs and
 * the logs. Benchmarks come in run.json's order, then any other folder under benchmarks/. Every file is
 * optional: an interrupted or failed run gives what it has (a missing or unreadable file is listed in
 * `missing`). A path that is no results folder at all is E006.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { MetricsSnapshot, WorkloadSpec } from '../contracts/index.js';
import { ConfigValidationError } from '../errors.js';
import type { LogRecord } from '../logs/types.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import type { EnergyReport } from '../monitor/energy.js';
import type { ServerMetricsView } from '../serverstats/types.js';
import { safeName } from '../util/names.js';
import { type CsvTable, parseCsv } from './csv.js';
import type {
  BenchmarkStatus,
  ErrorInfo,
  GeneratorCheck,
  ProbeRecord,
  RunRecord,
  SaturationReport,
  SearchOutcome,
  ThresholdResult,
} from './types.js';

export interface RunBenchmark {
  name: string;
  /** The benchmark's folder (`<run>/benchmarks/<safe name>`). */
  dir: string;
  status: BenchmarkStatus | string;
  reason?: string;
  started_at?: string;
  ended_at?: string;
  /** The workload every executor ran (metrics.json `spec`). */
  spec?: Partial<WorkloadSpec>;
  /** summary.json's figures, when it has the measured ones (`requests`). */
  summary?: BenchmarkSummary;
  /** The servers' own view of the window (metrics.json, else summary.json). */
  server_metrics?: ServerMetricsView;
  /** The measurement window's energy (summary.json `energy`, with power readings). */
  energy?: EnergyReport;
  /** Thresholds evaluated when the run ran (summary.json). */
  thresholds?: ThresholdResult[];
  /** Open loop: the load-generator gate's verdict (summary.json `load_generator`). */
  load_generator?: GeneratorCheck;
  /** A capacity search's probe: its value, verdict and SLO (summary.json `probe`). */
  probe?: ProbeRecord;
  /** Open loop: the over-saturation verdict (summary.json `saturation`). */
  saturation?: SaturationReport;
  /**
   * Rebuilt by `hpcbench report` after the run's orchestrator was killed: what was rebuilt from what, or
   * could not be and why, one line each (summary.json `recovery`).
   */
  recovery?: string[];
  /** The merged metrics snapshot (metrics.json), with its HdrHistograms. */
  snapshot?: MetricsSnapshot;
  executors?: number;
  error?: ErrorInfo;
  /** `records-<node>.jsonl` files, full paths, sorted. */
  records: string[];
  /** timeseries.csv (read with `series`). */
  timeseries?: CsvTable;
}

export interface MonitorFile {
  /** Path relative to the results folder, e.g. `monitor/client-1-client.csv`. */
  file: string;
  node: string;
  role?: string;
  table: CsvTable;
}

export interface RunFolder {
  dir: string;
  run?: RunRecord;
  resolved?: unknown;
  benchmarks: RunBenchmark[];
  /** A capacity search's outcome (the run's summary.json `search`). */
  search?: SearchOutcome;
  /** Monitor CSVs (read with `series`). */
  monitors: MonitorFile[];
  /** logs/aggregated.jsonl (read with `series`). */
  logs: LogRecord[];
  missing: string[];
}

export interface ReadRunOptions {
  /** What the command calls the folder in an error (`RUN_DIR`, `<baseline>`). */
  arg?: string;
  /** Also read the time series: timeseries.csv, the monitor CSVs and the logs (the report draws them). */
  series?: boolean;
  /** Refuse a folder in which no benchmark has measured figures (compare, check). */
  requireSummaries?: boolean;
}

function notARun(dir: string, why: string, arg: string): ConfigValidationError {
  return new ConfigValidationError(`${dir} is not a results folder: ${why}`, [
    {
      severity: 'error',
      path: arg,
      message: `${why}; expected the folder 'hpcbench run' printed (results/<scenario>_<time>/)`,
    },
  ]);
}

async function readJson<T>(path: string, missing: string[], dir: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    missing.push(relative(dir, path));
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    missing.push(`${relative(dir, path)} (unreadable)`);
    return undefined;
  }
}

interface MetricsFile {
  benchmark?: string;
  status?: string;
  started_at?: string;
  ended_at?: string;
  spec?: Partial<WorkloadSpec>;
  per_client?: unknown[];
  snapshot?: MetricsSnapshot;
  server_metrics?: ServerMetricsView;
  error?: ErrorInfo;
}

type SummaryJson = Partial<BenchmarkSummary> & {
  benchmark?: string;
  status?: string;
  reason?: string;
  parameters?: unknown;
  server_metrics?: ServerMetricsView;
  energy?: EnergyReport;
  thresholds?: ThresholdResult[];
  load_generator?: GeneratorCheck;
  probe?: ProbeRecord;
  saturation?: SaturationReport;
  recovery?: string[];
  error?: ErrorInfo;
};

async function readBenchmark(
  dir: string,
  folder: string,
  listed: { name: string; status: string; reason?: string } | undefined,
  o: ReadRunOptions,
  missing: string[],
): Promise<RunBenchmark> {
  const bdir = join(dir, 'benchmarks', folder);
  const files = await readdir(bdir).catch(() => undefined);
  const b: RunBenchmark = {
    name: listed?.name ?? folder,
    dir: bdir,
    status: listed?.status ?? 'unknown',
    ...(listed?.reason ? { reason: listed.reason } : {}),
    records: [],
  };
  if (!files) return b;
  const m = await readJson<MetricsFile>(join(bdir, 'metrics.json'), missing, dir);
  const s = await readJson<SummaryJson>(join(bdir, 'summary.json'), missing, dir);
  if (!listed) {
    b.name = s?.benchmark ?? m?.benchmark ?? folder;
    b.status = s?.status ?? m?.status ?? 'unknown';
  }
  if (m) {
    Object.assign(b, {
      started_at: m.started_at,
      ended_at: m.ended_at,
      spec: m.spec,
      snapshot: m.snapshot,
      server_metrics: m.server_metrics,
      error: m.error,
      executors: m.per_client?.length || undefined,
    });
  }
  if (s) {
    const {
      benchmark: _b,
      status: _s,
      reason,
      parameters: _p,
      server_metrics,
      energy,
      thresholds,
      load_generator,
      probe,
      saturation,
      recovery,
      error,
      ...rest
    } = s;
    if (Array.isArray(recovery) && recovery.length) b.recovery = recovery.map(String);
    if (load_generator) b.load_generator = load_generator;
    if (probe) b.probe = probe;
    if (rest.requests) b.summary = rest as BenchmarkSummary;
    b.server_metrics ??= server_metrics;
    if (energy) b.energy = energy;
    if (thresholds) b.thresholds = thresholds;
    if (saturation) b.saturation = saturation;
    b.error ??= error;
    if (reason) b.reason ??= reason;
  }
  b.records = files
    .filter((f) => f.startsWith('records') && f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(bdir, f));
  if (o.series && files.includes('timeseries.csv'))
    b.timeseries = parseCsv(await readFile(join(bdir, 'timeseries.csv'), 'utf8'));
  return b;
}

async function monitorFiles(dir: string): Promise<MonitorFile[]> {
  const files: string[] = [];
  if (existsSync(join(dir, 'benchmark_metrics.csv'))) files.push('benchmark_metrics.csv');
  const inMonitor = await readdir(join(dir, 'monitor')).catch(() => [] as string[]);
  for (const f of inMonitor.sort()) if (f.endsWith('.csv')) files.push(`monitor/${f}`);
  const out: MonitorFile[] = [];
  for (const file of files) {
    const table = parseCsv(await readFile(join(dir, file), 'utf8'));
    if (table.rows.length === 0 || table.header[0] !== 'timestamp') continue;
    const col = (name: string) => table.header.indexOf(name);
    const node = col('node') >= 0 ? table.rows[0][col('node')] : basename(file, '.csv');
    const role = col('role') >= 0 ? table.rows[0][col('role')] : undefined;
    out.push({ file, node, role, table });
  }
  return out;
}

async function readLogs(dir: string): Promise<LogRecord[]> {
  for (const f of [join(dir, 'logs', 'aggregated.jsonl'), join(dir, 'aggregated.jsonl')]) {
    const text = await readFile(f, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const out: LogRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = JSON.parse(line) as LogRecord;
        if (typeof r.line === 'string') out.push(r);
      } catch {
        // a line cut by a killed run
      }
    }
    return out;
  }
  return [];
}

/** Reads a results folder; E006 naming `o.arg` when `dir` is not one. */
export async function readRun(dir: string, o: ReadRunOptions = {}): Promise<RunFolder> {
  const arg = o.arg ?? 'RUN_DIR';
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw notARun(dir, 'no such folder', arg);
  const missing: string[] = [];
  const folders = await readdir(join(dir, 'benchmarks'), { withFileTypes: true }).then(
    (es) => es.filter((e) => e.isDirectory()).map((e) => e.name),
    () => undefined,
  );
  if (!folders && !existsSync(join(dir, 'run.json')))
    throw notARun(dir, 'it has neither run.json nor a benchmarks/ folder', arg);
  const run = await readJson<RunRecord>(join(dir, 'run.json'), missing, dir);
  const resolved = await readJson<unknown>(join(dir, 'recipe.resolved.json'), missing, dir);
  const listed = Array.isArray(run?.benchmarks) ? run.benchmarks : [];
  const benchmarks: RunBenchmark[] = [];
  const seen = new Set<string>();
  for (const l of listed) {
    seen.add(safeName(l.name));
    benchmarks.push(await readBenchmark(dir, safeName(l.name), l, o, missing));
  }
  for (const f of (folders ?? []).filter((f) => !seen.has(f)).sort())
    benchmarks.push(await readBenchmark(dir, f, undefined, o, missing));
  if (o.requireSummaries && !benchmarks.some((b) => b.summary))
    throw notARun(dir, 'no benchmark in it has measured figures (summary.json)', arg);
  // the run's summary.json is optional (reporting.formats); only a search's outcome is read from it
  const search = existsSync(join(dir, 'summary.json'))
    ? (await readJson<{ search?: SearchOutcome }>(join(dir, 'summary.json'), missing, dir))?.search
    : undefined;
  return {
    dir,
    run,
    resolved,
    benchmarks,
    ...(search ? { search } : {}),
    monitors: o.series ? await monitorFiles(dir) : [],
    logs: o.series ? await readLogs(dir) : [],
    missing,
  };
}
