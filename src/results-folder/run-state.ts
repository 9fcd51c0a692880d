/**
 * What a results folder's run.json status means now. `running` is written when a run starts and replaced
 * when it ends; a run whose orchestrator was killed (SIGKILL, out of memory, a lost node) keeps `running`
 * forever. run.json names its orchestrator (`orchestrator: {host, pid}`): on the same host, a PID that no
 * longer exists, or that now belongs to a process started after the run began (reused), means the run is
 * over; on another host, or in a folder from before the field, it cannot be told (`hpcbench report
 * --recover` then takes it as gone).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunRecord } from './types.js';

export type OrchestratorState = 'alive' | 'gone' | 'unknown';

/**
 * Slack between the orchestrator's process start and the run's `started_at` it writes just after (ms):
 * wide, so that a step of the system clock while a run goes on does not make its live orchestrator look
 * like a reused PID (the process start is read back as boot time + ticks, and boot time follows the clock).
 */
const START_SLACK_MS = 60_000;

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** When process `pid` started (epoch ms, from Linux's /proc), else undefined. */
function processStartMs(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  const btime = /^btime (\d+)$/m.exec(readText('/proc/stat') ?? '')?.[1];
  if (stat === undefined || btime === undefined) return undefined;
  // fields after the command's closing parenthesis start at field 3; starttime is field 22, in 1/100 s
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return Number.isFinite(ticks) ? (Number(btime) + ticks / 100) * 1000 : undefined;
}

/**
 * Whether `pid` still is the orchestrator of a run begun at `runStart` (epoch ms): the PID exists, and it
 * was not reused — a process started after the run began, or whose command line names neither node nor
 * hpcbench, is another one.
 */
function pidAlive(pid: number, runStart: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const started = processStartMs(pid);
  if (started !== undefined && Number.isFinite(runStart) && started > runStart + START_SLACK_MS) return false;
  const cmd = readText(`/proc/${pid}/cmdline`);
  return cmd === undefined || /node|hpcbench/.test(cmd);
}

/** Whether the orchestrator run.json names is still running (`unknown`: another host, or not named). */
export function orchestratorState(run: RunRecord): OrchestratorState {
  const o = run.orchestrator;
  if (!o || typeof o.pid !== 'number' || o.host !== hostname()) return 'unknown';
  return pidAlive(o.pid, Date.parse(run.started_at)) ? 'alive' : 'gone';
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
