/**
 * Helpers of the fault suite: a sandbox per test file, `hpcbench orchestrate` against executors and a
 * simulator the test started, small recipes, waiting on a condition, reading a results folder's records
 * files back (counts by status, whole lines, size) and checking that processes a test started are gone.
 * Everything runs on 127.0.0.1.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect } from 'vitest';
import { type CliResult, readJson, recipe, runCli, Sandbox } from '../e2e/helpers.js';

export * from '../e2e/helpers.js';

/** The bearer token of the fault suite's executors and orchestrators. */
export const TOKEN = 'faults-token';

/**
 * A Sandbox for the test file: created before its tests, closed after them (every child it started
 * stopped by PID, its folder removed). Call the returned function inside a test.
 */
export function useSandbox(prefix: string): () => Sandbox {
  let box: Sandbox | undefined;
  beforeAll(async () => {
    box = await Sandbox.create(prefix);
  });
  afterAll(async () => {
    await box?.close();
  });
  return () => {
    if (!box) throw new Error('useSandbox: the sandbox exists only inside the tests');
    return box;
  };
}

/** `hpcbench orchestrate` (quiet, timeout 30 s) with results in `box.path(results)`. */
export function orchestrate(
  box: Sandbox,
  o: { servers: string[]; clients: string[]; file: string; results: string; token?: string },
): Promise<CliResult> {
  return runCli(
    [
      'orchestrate',
      '--server-nodes',
      ...o.servers,
      '--client-nodes',
      ...o.clients,
      '--workload-config-file',
      o.file,
      '--timeout',
      '30',
      '--quiet',
      '--results-dir',
      box.path(o.results),
    ],
    { env: { HPCBENCH_TOKEN: o.token ?? TOKEN }, timeout: 90_000 },
  );
}

/** `orchestrate` against one server (`host:port`) and one executor on 127.0.0.1. */
export function orchestrateOne(
  box: Sandbox,
  server: string,
  executorPort: number,
  file: string,
  results: string,
): Promise<CliResult> {
  return orchestrate(box, { servers: [server], clients: [`127.0.0.1:${executorPort}`], file, results });
}

/** A local recipe (one simulated server, one executor) whose simulator gets `simulator` settings. */
export function localRecipe(
  scenario: string,
  workload: Record<string, unknown>,
  simulator: Record<string, unknown>,
): ReturnType<typeof recipe> {
  return recipe(scenario, workload, {
    orchestration: { mode: 'local', node_allocation: { servers: { nodes: 1 }, clients: { nodes: 1 } } },
    servers: { service_config: simulator, health_check: { timeout: 20, interval: 0.2 } },
  });
}

/** Polls `f` every 20 ms until it gives a value; throws naming `what` after `ms`. */
export async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await f();
    if (v !== undefined) return v;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until the executor at `url` reports more than `n` successful requests. */
export function untilOk(url: string, n: number): Promise<number> {
  return until(`${url} to have more than ${n} ok requests`, async () => {
    const s = (await fetch(`${url}/status`).then(
      (r) => r.json(),
      () => ({}),
    )) as { requests_ok?: number };
    return (s.requests_ok ?? 0) > n ? s.requests_ok : undefined;
  });
}

/** Asserts that a benchmark's summary.json counts equal its records files; returns the summary. */
export async function expectCountsMatch(run: string, bench: string) {
  const summary = await readJson(join(run, 'benchmarks', bench, 'summary.json'));
  const rec = await recordCounts(run, bench);
  expect(rec.sent).toBe(rec.ok + rec.failed + rec.cancelled);
  expect(summary.requests).toEqual({
    sent: rec.sent,
    ok: rec.ok,
    failed: rec.failed,
    cancelled: rec.cancelled,
    cancelled_by_workload: rec.cancelledByWorkload,
  });
  return summary;
}

export interface RecordCounts {
  /** Measured (non-warmup) records by status. */
  sent: number;
  ok: number;
  failed: number;
  cancelled: number;
  /** Of the cancelled, those the workload cancelled on purpose (`cancelled_by: workload`). */
  cancelledByWorkload: number;
  /** Every record, warmup included. */
  total: number;
  /** Bytes of every records file of the benchmark. */
  bytes: number;
  /** Records files (basename) and whether each ends on a whole line. */
  files: { name: string; wholeLines: boolean }[];
}

/** Counts the records of one benchmark (every `records-*.jsonl` in its folder). */
export async function recordCounts(runDir: string, benchmark: string): Promise<RecordCounts> {
  const dir = join(runDir, 'benchmarks', benchmark);
  const names = (await readdir(dir)).filter((f) => /^records-.*\.jsonl$/.test(f)).sort();
  const out: RecordCounts = {
    sent: 0,
    ok: 0,
    failed: 0,
    cancelled: 0,
    cancelledByWorkload: 0,
    total: 0,
    bytes: 0,
    files: [],
  };
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    out.bytes += (await stat(join(dir, name))).size;
    out.files.push({ name, wholeLines: text === '' || text.endsWith('\n') });
    for (const line of text.split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as {
        warmup: boolean;
        status: 'ok' | 'error' | 'cancelled';
        cancelled_by?: string;
      };
      out.total++;
      if (r.warmup) continue;
      out.sent++;
      if (r.status === 'ok') out.ok++;
      else if (r.status === 'error') out.failed++;
      else {
        out.cancelled++;
        if (r.cancelled_by === 'workload') out.cancelledByWorkload++;
      }
    }
  }
  return out;
}

/** Whether a process with this PID exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded) until none of `pids` exists; returns those still alive. */
export async function gone(pids: number[], ms = 5000): Promise<number[]> {
  const until = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter(alive);
  }
  return left;
}
