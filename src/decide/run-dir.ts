/**
 * A finished run read back from its results folder: every `benchmarks/<name>/` with its summary.json,
 * the spec from metrics.json and its records files, in the order run.json lists them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigValidationError } from '../errors.js';
import type { ThresholdResult } from './evaluate.js';
import type { SummaryFile } from './figures.js';

export interface RunBenchmark {
  name: string;
  /** The benchmark's folder. */
  dir: string;
  status?: string;
  summary: SummaryFile;
  /** The workload every executor ran (metrics.json `spec`). */
  spec?: Record<string, unknown>;
  /** Thresholds evaluated when the run ran. */
  thresholds?: ThresholdResult[];
  /** `records-<node>.jsonl` files, full paths. */
  records: string[];
}

export interface RunOnDisk {
  dir: string;
  scenario?: string;
  run_id?: string;
  status?: string;
  benchmarks: RunBenchmark[];
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
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

/** Reads a results folder; E006 naming `arg` when it is not one. */
export async function readRun(dir: string, arg = 'RUN_DIR'): Promise<RunOnDisk> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw notARun(dir, 'no such folder', arg);
  const run = (await readJson(join(dir, 'run.json'))) ?? {};
  let folders: string[];
  try {
    folders = (await readdir(join(dir, 'benchmarks'), { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    throw notARun(dir, 'it has no benchmarks/ folder', arg);
  }
  const benchmarks: RunBenchmark[] = [];
  for (const folder of folders) {
    const bdir = join(dir, 'benchmarks', folder);
    const summary = await readJson(join(bdir, 'summary.json'));
    if (!summary) continue;
    const metrics = await readJson(join(bdir, 'metrics.json'));
    const files = await readdir(bdir);
    const { benchmark, status, thresholds, ...rest } = summary;
    benchmarks.push({
      name: typeof benchmark === 'string' ? benchmark : folder,
      dir: bdir,
      status: typeof status === 'string' ? status : undefined,
      summary: rest as SummaryFile,
      spec: metrics?.spec as Record<string, unknown> | undefined,
      thresholds: thresholds as ThresholdResult[] | undefined,
      records: files
        .filter((f) => f.startsWith('records') && f.endsWith('.jsonl'))
        .sort()
        .map((f) => join(bdir, f)),
    });
  }
  if (!benchmarks.length) throw notARun(dir, 'no benchmark in it has a summary.json', arg);
  const order = Array.isArray(run.benchmarks)
    ? (run.benchmarks as { name?: string }[]).map((b) => b.name)
    : [];
  const pos = (n: string) => {
    const i = order.indexOf(n);
    return i < 0 ? order.length : i;
  };
  benchmarks.sort((a, b) => pos(a.name) - pos(b.name) || a.name.localeCompare(b.name));
  return {
    dir,
    scenario: typeof run.scenario === 'string' ? run.scenario : undefined,
    run_id: typeof run.run_id === 'string' ? run.run_id : undefined,
    status: typeof run.status === 'string' ? run.status : undefined,
    benchmarks,
  };
}
