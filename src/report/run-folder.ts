/**
 * Reading a results folder back into plain data, for `hpcbench report RUN_DIR` and the report written at
 * the end of a run: run.json, the resolved recipe, each benchmark's metrics.json / summary.json /
 * timeseries.csv, the monitor CSVs and the logs. Every file is optional: an interrupted or failed run
 * gives what it has (a missing or unreadable file is listed in `missing`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { MetricsSnapshot, WorkloadSpec } from '../contracts/index.js';
import type { GeneratorCheck } from '../decide/generator-gate.js';
import type { SearchOutcome } from '../decide/search.js';
import type { LogRecord } from '../logs/types.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import type { EnergyReport } from '../monitor/energy.js';
import type { ServerMetricsView } from '../serverstats/types.js';
import { safeName } from '../util/names.js';
import type { BenchmarkResult, BenchmarkStatus, ErrorInfo, RunRecord } from './types.js';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

export interface FolderBenchmark {
  name: string;
  status: BenchmarkStatus | string;
  started_at?: string;
  ended_at?: string;
  spec?: Partial<WorkloadSpec>;
  summary?: BenchmarkSummary;
  server_metrics?: ServerMetricsView;
  /** The measurement window's energy (summary.json `energy`, with power readings). */
  energy?: EnergyReport;
  snapshot?: MetricsSnapshot;
  executors?: number;
  error?: ErrorInfo;
  timeseries?: CsvTable;
  load_generator?: GeneratorCheck;
  probe?: BenchmarkResult['probe'];
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
  benchmarks: FolderBenchmark[];
  /** A capacity search's outcome (summary.json `search`). */
  search?: SearchOutcome;
  monitors: MonitorFile[];
  logs: LogRecord[];
  missing: string[];
}

/** Minimal CSV parsing for the files hpcbench writes (quoted cells with "" escapes). */
export function parseCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        out.push(cur);
        cur = '';
      } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const [head, ...rows] = lines.map(split);
  return { header: head ?? [], rows };
}

function readJson<T>(path: string, missing: string[], dir: string): T | undefined {
  if (!existsSync(path)) {
    missing.push(relative(dir, path));
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    missing.push(`${relative(dir, path)} (unreadable)`);
    return undefined;
  }
}

interface MetricsFile {
  status?: string;
  started_at?: string;
  ended_at?: string;
  spec?: Partial<WorkloadSpec>;
  per_client?: unknown[];
  snapshot?: MetricsSnapshot;
  server_metrics?: ServerMetricsView;
  error?: ErrorInfo;
}

function readBenchmark(dir: string, name: string, status: string, missing: string[]): FolderBenchmark {
  const bdir = join(dir, 'benchmarks', safeName(name));
  const b: FolderBenchmark = { name, status };
  if (!existsSync(bdir)) return b;
  const m = readJson<MetricsFile>(join(bdir, 'metrics.json'), missing, dir);
  const s = readJson<
    BenchmarkSummary &
      Pick<FolderBenchmark, 'server_metrics' | 'energy' | 'error' | 'load_generator' | 'probe'>
  >(join(bdir, 'summary.json'), missing, dir);
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
  if (s?.requests) b.summary = s;
  b.server_metrics ??= s?.server_metrics;
  if (s?.energy) b.energy = s.energy;
  if (s?.load_generator) b.load_generator = s.load_generator;
  if (s?.probe) b.probe = s.probe;
  b.error ??= s?.error;
  const ts = join(bdir, 'timeseries.csv');
  if (existsSync(ts)) b.timeseries = parseCsv(readFileSync(ts, 'utf8'));
  return b;
}

function monitorFiles(dir: string): MonitorFile[] {
  const files: string[] = [];
  if (existsSync(join(dir, 'benchmark_metrics.csv'))) files.push('benchmark_metrics.csv');
  const mdir = join(dir, 'monitor');
  if (existsSync(mdir))
    for (const f of readdirSync(mdir).sort()) if (f.endsWith('.csv')) files.push(`monitor/${f}`);
  return files.flatMap((file) => {
    const table = parseCsv(readFileSync(join(dir, file), 'utf8'));
    if (table.rows.length === 0 || table.header[0] !== 'timestamp') return [];
    const col = (name: string) => table.header.indexOf(name);
    const node = col('node') >= 0 ? table.rows[0][col('node')] : basename(file, '.csv');
    const role = col('role') >= 0 ? table.rows[0][col('role')] : undefined;
    return [{ file, node, role, table }];
  });
}

function readLogs(dir: string): LogRecord[] {
  for (const f of [join(dir, 'logs', 'aggregated.jsonl'), join(dir, 'aggregated.jsonl')]) {
    if (!existsSync(f)) continue;
    const out: LogRecord[] = [];
    for (const line of readFileSync(f, 'utf8').split('\n')) {
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

/** Reads everything the report needs from a results folder. */
export function readRunFolder(dir: string): RunFolder {
  const missing: string[] = [];
  const run = readJson<RunRecord>(join(dir, 'run.json'), missing, dir);
  const resolved = readJson<unknown>(join(dir, 'recipe.resolved.json'), missing, dir);
  let names: { name: string; status: string }[] = run?.benchmarks ?? [];
  if (names.length === 0 && existsSync(join(dir, 'benchmarks')))
    names = readdirSync(join(dir, 'benchmarks'))
      .sort()
      .map((name) => ({ name, status: 'unknown' }));
  const benchmarks = names.map((b) => readBenchmark(dir, b.name, b.status, missing));
  const search = existsSync(join(dir, 'summary.json'))
    ? readJson<{ search?: SearchOutcome }>(join(dir, 'summary.json'), missing, dir)?.search
    : undefined;
  return {
    dir,
    run,
    resolved,
    benchmarks,
    ...(search ? { search } : {}),
    monitors: monitorFiles(dir),
    logs: readLogs(dir),
    missing,
  };
}
