/** Orchestrator events as plain progress lines for the job's output file (followed by `submit --wait`). */
import type { OrchestratorEmitter } from '../orchestrator/events.js';
import { waitLine } from './progress.js';

export function logProgress(o: OrchestratorEmitter, log: (line: string) => void): void {
  let lastProgress = 0;
  o.on('phase', (e) => {
    if (e.state === 'start') return;
    const took = e.elapsedMs !== undefined ? ` in ${(e.elapsedMs / 1000).toFixed(1)}s` : '';
    const err = e.error ? `: ${e.error.code ? `${e.error.code} ` : ''}${e.error.message}` : '';
    log(`phase ${e.phase} ${e.state}${took}${e.detail ? ` (${e.detail})` : ''}${err}`);
  });
  o.on('benchmark-start', (e) => {
    log(
      `benchmark ${e.index + 1}/${e.total} ${e.name}: ${e.warmup}s warmup + ${e.duration}s on ${e.executors} executors`,
    );
  });
  o.on('benchmark-progress', (e) => {
    const now = Date.now();
    if (now - lastProgress < 5000) return;
    lastProgress = now;
    log(
      `benchmark ${e.name}: ${e.elapsed.toFixed(0)}s ${e.phase}, ${e.requestsOk} ok, ${e.requestsFailed} failed, ${e.executorsRunning} executors running`,
    );
  });
  o.on('benchmark-done', (e) => log(`benchmark ${e.index + 1}/${e.total} ${e.name} ${e.status}`));
  const lastWait = new Map<string, number>();
  o.on('wait', (w) => {
    if (Date.now() - (lastWait.get(w.phase) ?? 0) < 5000) return;
    lastWait.set(w.phase, Date.now());
    log(waitLine(w).trim());
  });
  o.on('warning', (w) => log(`warning: ${w}`));
}
