/**
 * What a results folder's run.json status means now. `running` is written when a run starts and replaced
 * when it ends; a run whose orchestrator was killed (SIGKILL, out of memory, a lost node) keeps `running`
 * forever. run.json names its orchestrator (`orchestrator: {host, pid}`): on the same host, a PID that no
 * longer exists means the run is over; on another host, or in a folder from before the field, it cannot
 * be told (`hpcbench report --recover` then takes it as gone).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunRecord } from './types.js';

export type OrchestratorState = 'alive' | 'gone' | 'unknown';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // a reused PID: the orchestrator is a node process (its command line names node or hpcbench)
  const cmd = (() => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return undefined;
    }
  })();
  return cmd === undefined || /node|hpcbench/.test(cmd);
}

/** Whether the orchestrator run.json names is still running (`unknown`: another host, or not named). */
export function orchestratorState(run: RunRecord): OrchestratorState {
  const o = run.orchestrator;
  if (!o || typeof o.pid !== 'number' || o.host !== hostname()) return 'unknown';
  return pidAlive(o.pid) ? 'alive' : 'gone';
}

/**
 * The run's status as a user should read it: run.json's, except `running` when its orchestrator is gone,
 * which is `interrupted` (not yet recovered by `hpcbench report`); `running` that cannot be checked from
 * here stays `running`, with a note saying so.
 */
export function effectiveStatus(run: RunRecord | undefined): { status: string; note?: string } {
  if (!run) return { status: 'unknown', note: 'run.json is missing' };
  if (run.status !== 'running') return { status: run.status, ...(run.reason ? { note: run.reason } : {}) };
  const state = orchestratorState(run);
  if (state === 'alive')
    return {
      status: 'running',
      note: `still running (orchestrator pid ${run.orchestrator?.pid} on ${run.orchestrator?.host})`,
    };
  if (state === 'unknown')
    return {
      status: 'running',
      note: `run.json says running; its orchestrator ${run.orchestrator ? `ran on ${run.orchestrator.host}` : 'is not named'} and cannot be checked from here (if it is gone: 'hpcbench report --recover RUN_DIR')`,
    };
  return {
    status: 'interrupted',
    note: "run.json says running but its orchestrator is gone (killed?); run 'hpcbench report RUN_DIR' to rebuild the unfinished benchmark from its records files",
  };
}
