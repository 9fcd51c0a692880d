/**
 * The logs of a results folder as `hpcbench logs` prints them: from logs/aggregated.jsonl when the run
 * aggregated its logs, else from the plain per-component files (logs/<node>-<component>.log,
 * logs/orchestrator.log, slurm/*.out|err; attach-mode runs without log sources have only the
 * orchestrator's log). Each line is stamped once with its event time: the timestamp the line starts
 * with (ISO-8601, or a JSON line's `time`), else the time the collector read it (aggregated.jsonl), else
 * the previous line's time in the same file; lines are sorted by that time (stable).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigValidationError } from '../errors.js';
import type { LogRecord } from './types.js';

export type RunLogFile =
  | { path: string; kind: 'jsonl' }
  | { path: string; kind: 'plain'; node: string; component: string };

/** The aggregated outputs of the collector: not read as component logs. */
const COLLECTOR_OUTPUTS = new Set(['stdout.log', 'stderr.log']);

/** `client-1-executor.log` → node client-1, component executor; `orchestrator.log` → orchestrator. */
export function plainSource(path: string): RunLogFile {
  const name = basename(path).replace(/\.(log|out|err|txt)$/, '');
  const dash = name.lastIndexOf('-');
  if (path.includes('/slurm/') || path.startsWith('slurm/'))
    return { path, kind: 'plain', node: 'slurm', component: basename(path) };
  if (dash <= 0)
    return { path, kind: 'plain', node: name === 'orchestrator' ? 'orchestrator' : '-', component: name };
  return { path, kind: 'plain', node: name.slice(0, dash), component: name.slice(dash + 1) };
}

/** The log files of RUN_DIR (or RUN_DIR itself when it is a file). E006 with what was expected when none. */
export function findRunLogs(runDir: string, aggregatedName = 'aggregated.jsonl'): RunLogFile[] {
  const bad = (message: string) =>
    new ConfigValidationError(`no logs in ${runDir}`, [{ severity: 'error', path: 'RUN_DIR', message }]);
  if (!existsSync(runDir)) throw bad(`${runDir} does not exist`);
  if (statSync(runDir).isFile())
    return [runDir.endsWith('.jsonl') ? { path: runDir, kind: 'jsonl' } : plainSource(runDir)];
  for (const c of [join(runDir, 'logs', aggregatedName), join(runDir, aggregatedName)])
    if (existsSync(c)) return [{ path: c, kind: 'jsonl' }];
  const files: RunLogFile[] = [];
  const logs = join(runDir, 'logs');
  if (existsSync(logs)) {
    const names = readdirSync(logs).sort();
    const jsonl = names.filter((f) => f.endsWith('.jsonl'));
    if (jsonl.length === 1) return [{ path: join(logs, jsonl[0]), kind: 'jsonl' }];
    for (const f of names)
      if (f.endsWith('.log') && !COLLECTOR_OUTPUTS.has(f)) files.push(plainSource(join(logs, f)));
  }
  const slurm = join(runDir, 'slurm');
  if (existsSync(slurm))
    for (const f of readdirSync(slurm).sort())
      if (/\.(out|err)$/.test(f)) files.push(plainSource(join(slurm, f)));
  if (files.length === 0)
    throw bad(
      'expected logs/aggregated.jsonl (written when logging is on) or component logs in logs/*.log; is this a results folder?',
    );
  return files;
}

const LEADING_TS = /^\[?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\]?\s+/;

/** A line's own event time (epoch ms) and the line without it, when it starts with one. */
export function lineTime(line: string): { ms: number; text: string } | undefined {
  const m = LEADING_TS.exec(line);
  if (m) {
    const ms = Date.parse(m[1].replace(' ', 'T'));
    if (Number.isFinite(ms)) return { ms, text: line.slice(m[0].length) };
  }
  if (line.startsWith('{')) {
    try {
      const t = (JSON.parse(line) as { time?: unknown }).time;
      const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : Number.NaN;
      if (Number.isFinite(ms) && ms > 1e12) return { ms, text: line };
    } catch {
      // not JSON
    }
  }
  return undefined;
}

/** One printed line: the event time, where it came from, the text. */
export interface LogLine {
  ms: number;
  node: string;
  component: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** A record of aggregated.jsonl as a line stamped with its event time. */
export function fromRecord(r: LogRecord): LogLine {
  const own = lineTime(r.line);
  return {
    ms: own?.ms ?? Date.parse(r.ts),
    node: r.node,
    component: r.component,
    stream: r.stream,
    text: own?.text ?? r.line,
  };
}

/** Lines of a plain file: stamped with their own time, else the previous line's (`last.ms`, updated). */
export function fromPlain(
  file: Extract<RunLogFile, { kind: 'plain' }>,
  line: string,
  last: { ms: number },
): LogLine {
  const own = lineTime(line);
  if (own) last.ms = own.ms;
  return {
    ms: last.ms,
    node: file.node,
    component: file.component,
    stream: 'stdout',
    text: own?.text ?? line,
  };
}

/** Sorted by event time (lines without any time first); lines with equal times keep their order. */
export function sortLines(lines: LogLine[]): LogLine[] {
  const key = (l: LogLine) => (Number.isFinite(l.ms) ? l.ms : Number.NEGATIVE_INFINITY);
  return lines
    .map((l, i) => ({ l, i }))
    .sort((a, b) => key(a.l) - key(b.l) || a.i - b.i)
    .map(({ l }) => l);
}

/** `2026-01-01T00:00:01.000Z [n1/server:stderr] text`: one timestamp per line. */
export function formatLine(l: LogLine): string {
  const ts = Number.isFinite(l.ms) ? new Date(l.ms).toISOString() : '-'.repeat(24);
  return `${ts} [${l.node}/${l.component}${l.stream === 'stderr' ? ':stderr' : ''}] ${l.text}`;
}
