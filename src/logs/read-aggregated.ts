/** Reading a results folder's aggregated.jsonl back (for `hpcbench logs` and reports). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigValidationError } from '../errors.js';
import type { LogRecord } from './types.js';

export interface LogFilter {
  node?: string;
  component?: string;
  grep?: RegExp;
}

/** The aggregated JSONL of a run: RUN_DIR itself if a file, else RUN_DIR/[logs/]aggregated.jsonl or any *.jsonl under logs/. */
export function findAggregatedLog(runDir: string, name = 'aggregated.jsonl'): string {
  const bad = (message: string) =>
    new ConfigValidationError(`no aggregated log in ${runDir}`, [
      { severity: 'error', path: 'RUN_DIR', message },
    ]);
  if (!existsSync(runDir)) throw bad(`${runDir} does not exist`);
  if (statSync(runDir).isFile()) return runDir;
  for (const candidate of [join(runDir, name), join(runDir, 'logs', name)]) {
    if (existsSync(candidate)) return candidate;
  }
  const logsDir = join(runDir, 'logs');
  if (existsSync(logsDir)) {
    const jsonl = readdirSync(logsDir).filter((f) => f.endsWith('.jsonl'));
    if (jsonl.length === 1) return join(logsDir, jsonl[0]);
  }
  throw bad(`expected ${name} or logs/${name} (written when logging.create_jsonl is true)`);
}

/** Parses one JSONL line; undefined for blank or malformed lines. */
export function parseRecord(line: string): LogRecord | undefined {
  if (!line.trim()) return undefined;
  try {
    const r = JSON.parse(line) as LogRecord;
    return typeof r.line === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

export function matches(r: LogRecord, f: LogFilter): boolean {
  return (
    (f.node === undefined || r.node === f.node) &&
    (f.component === undefined || r.component === f.component) &&
    (f.grep === undefined || f.grep.test(r.line))
  );
}

/** How `hpcbench logs` prints a record. */
export function formatRecord(r: LogRecord): string {
  return `${r.ts} [${r.node}/${r.component}${r.stream === 'stderr' ? ':stderr' : ''}] ${r.line}`;
}
