/** Reading a results folder's aggregated.jsonl back (for `hpcbench logs` and reports); see run-logs.ts. */
import type { LogRecord } from './types.js';

export interface LogFilter {
  node?: string;
  component?: string;
  grep?: RegExp;
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

export function matches(r: { node: string; component: string; text: string }, f: LogFilter): boolean {
  return (
    (f.node === undefined || r.node === f.node) &&
    (f.component === undefined || r.component === f.component) &&
    (f.grep === undefined || f.grep.test(r.text))
  );
}
