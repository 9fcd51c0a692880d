/**
 * The orchestrator's own log (`logs/orchestrator.log` in the results folder): phase events, waits (what
 * is awaited, last error, elapsed/timeout; every 5 s at most), benchmark start/end, warnings and errors,
 * one timestamped line each. Lines emitted before the results folder
 * exists (the recipe phase) are kept and written once it does. Collected as the `orchestrator` LogSource.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitText } from '../contracts/index.js';
import type { OrchestratorEmitter, WaitEvent } from './events.js';

/** Wait lines (health, prepare, executors) are logged at most this often per phase. */
const WAIT_EVERY_MS = 5000;

export interface RunLog {
  /** Starts writing into `<runDir>/logs/orchestrator.log`; returns its path. */
  open(runDir: string): string;
  close(): void;
}

export function attachRunLog(events: OrchestratorEmitter): RunLog {
  let path: string | undefined;
  let pending: string[] = [];
  const write = (text: string) => {
    const line = `${new Date().toISOString()} orchestrator: ${text}\n`;
    if (!path) {
      pending.push(line);
      return;
    }
    try {
      appendFileSync(path, line);
    } catch {
      // a log line is not worth failing the run for
    }
  };
  const onPhase = (e: {
    phase: string;
    state: string;
    detail?: string;
    error?: { code?: string; message: string };
  }) =>
    write(
      `phase ${e.phase} ${e.state}${e.detail ? ` (${e.detail})` : ''}${e.error ? `: error ${e.error.code ?? ''} ${e.error.message}`.replace('  ', ' ') : ''}`,
    );
  const onWarning = (m: string) => write(`warning: ${m}`);
  const lastWait = new Map<string, number>();
  const onWait = (w: WaitEvent) => {
    const now = Date.now();
    if (now - (lastWait.get(w.phase) ?? 0) < WAIT_EVERY_MS) return;
    lastWait.set(w.phase, now);
    write(`phase ${w.phase}: ${waitText(w)}`);
  };
  const onStart = (e: { name: string; index: number; total: number }) =>
    write(`benchmark ${e.index + 1}/${e.total} ${e.name} started`);
  const onDone = (e: { name: string; status: string; error?: { message: string } }) =>
    write(`benchmark ${e.name} ${e.status}${e.error ? `: error ${e.error.message}` : ''}`);
  events.on('phase', onPhase);
  events.on('warning', onWarning);
  events.on('wait', onWait);
  events.on('benchmark-start', onStart);
  events.on('benchmark-done', onDone);
  return {
    open(runDir) {
      mkdirSync(join(runDir, 'logs'), { recursive: true });
      path = join(runDir, 'logs', 'orchestrator.log');
      appendFileSync(path, pending.join(''));
      pending = [];
      return path;
    },
    close() {
      events.off('phase', onPhase);
      events.off('warning', onWarning);
      events.off('wait', onWait);
      events.off('benchmark-start', onStart);
      events.off('benchmark-done', onDone);
    },
  };
}
