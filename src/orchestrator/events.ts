/**
 * The orchestrator's typed events. Every phase emits `phase` (start / done / failed); benchmarks emit
 * `benchmark-start`, `benchmark-progress` (from executor status polls) and `benchmark-done`. Progress
 * lines, logs and reports subscribe; the orchestrator itself never formats anything for a terminal.
 */
import { EventEmitter } from 'node:events';
import type { Wait } from '../contracts/index.js';
import type { SearchOutcome } from '../decide/search.js';
import type { BenchmarkResult, RunResults } from '../report/types.js';

export type PhaseName =
  | 'recipe'
  | 'server-health'
  | 'prepare'
  | 'monitoring'
  | 'client-health'
  | 'logging'
  | 'idle-baseline'
  | 'benchmarks'
  | 'results'
  | 'teardown';

export interface PhaseEvent {
  phase: PhaseName;
  state: 'start' | 'done' | 'skipped' | 'failed';
  /** Milliseconds since the phase started (done/failed). */
  elapsedMs?: number;
  detail?: string;
  error?: { code?: string; message: string };
}

export interface BenchmarkStartEvent {
  name: string;
  index: number;
  total: number;
  /** Seconds of warmup + measurement the benchmark is planned to take. */
  warmup: number;
  duration: number;
  executors: number;
  /** Planned warmup + measurement seconds of the benchmarks after this one (the suite's ETA). */
  remainingSeconds: number;
}

export interface BenchmarkProgressEvent {
  name: string;
  index: number;
  total: number;
  /** Largest elapsed time reported by any executor, seconds. */
  elapsed: number;
  phase: string;
  requestsOk: number;
  requestsFailed: number;
  executorsRunning: number;
  /** TTFT p50 (ms) so far: the highest of the executors' (percentiles are not averaged). */
  ttftP50Ms?: number;
}

/** A wait in progress (server health, prepare, executor health) and the phase it belongs to. */
export interface WaitEvent extends Wait {
  phase: PhaseName;
}

export interface OrchestratorEvents {
  phase: [PhaseEvent];
  wait: [WaitEvent];
  'benchmark-start': [BenchmarkStartEvent];
  'benchmark-progress': [BenchmarkProgressEvent];
  'benchmark-done': [BenchmarkResult & { index: number; total: number }];
  /** A capacity search ended (`workload.search`): the answer with its bracket. */
  'search-done': [SearchOutcome];
  warning: [string];
  /** Model download / preparation progress from a server manager. */
  'prepare-progress': [
    { endpoint: string; model: string; status: string; total?: number; completed?: number },
  ];
  /** report.html was written (its path). */
  report: [string];
  done: [RunResults];
}

/** A typed EventEmitter: `on('phase', (e: PhaseEvent) => ...)`. */
export class OrchestratorEmitter extends EventEmitter<OrchestratorEvents> {}
