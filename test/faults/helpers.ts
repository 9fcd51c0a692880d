/**
 * Helpers of the fault suite: read a results folder's records files back (counts by status, whole
 * lines, size) and check that processes a test started are gone. Everything runs on 127.0.0.1.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export * from '../e2e/helpers.js';

export interface RecordCounts {
  /** Measured (non-warmup) records by status. */
  sent: number;
  ok: number;
  failed: number;
  cancelled: number;
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
  const out: RecordCounts = { sent: 0, ok: 0, failed: 0, cancelled: 0, total: 0, bytes: 0, files: [] };
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    out.bytes += (await stat(join(dir, name))).size;
    out.files.push({ name, wholeLines: text === '' || text.endsWith('\n') });
    for (const line of text.split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { warmup: boolean; status: 'ok' | 'error' | 'cancelled' };
      out.total++;
      if (r.warmup) continue;
      out.sent++;
      if (r.status === 'ok') out.ok++;
      else if (r.status === 'error') out.failed++;
      else out.cancelled++;
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
