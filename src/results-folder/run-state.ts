/**
 * What a results folder's run.json status means now. `running` is written when a run starts and replaced
 * when it ends; a run whose orchestrator was killed (SIGKILL, out of memory, a lost node) keeps `running`
 * forever. run.json names its orchestrator (`orchestrator: {host, pid, boot_id, start_ticks}`): on the
 * same host, the process is that one only if it runs in the same boot (Linux's boot id) with the same
 * start (clock ticks since boot): a PID that no longer exists, was reused, or a boot id of another boot
 * (the machine rebooted, or the folder came from another machine of the same name) means the run is over.
 * A folder from before boot_id and start_ticks were recorded is judged by the PID alone: alive unless it
 * belongs to a process started after the run began (reused). On another host, or with no orchestrator
 * named, it cannot be told (`hpcbench report --recover` then takes it as gone).
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

/** When process `pid` started: clock ticks (1/100 s) since boot, from Linux's /proc; else undefined. */
function startTicks(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // fields after the command's closing parenthesis start at field 3; starttime is field 22
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return Number.isInteger(ticks) ? ticks : undefined;
}

/** This boot's id (Linux: random at every boot, so it differs between machines too), else undefined. */
function bootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
}

/** When process `pid` started (epoch ms), else undefined. */
function processStartMs(pid: number): number | undefined {
  const ticks = startTicks(pid);
  const btime = /^btime (\d+)$/m.exec(readText('/proc/stat') ?? '')?.[1];
  return ticks === undefined || btime === undefined ? undefined : (Number(btime) + ticks / 100) * 1000;
}

/**
 * What tells this process from any other, later, on any machine: this boot's id and when it started in
 * it (run.json's `orchestrator`); empty where /proc does not say (not Linux).
 */
export function processIdentity(): { boot_id?: string; start_ticks?: number } {
  const boot = bootId();
  const ticks = startTicks(process.pid);
  return boot === undefined || ticks === undefined ? {} : { boot_id: boot, start_ticks: ticks };
}

/** Whether run.json identifies its orchestrator exactly (boot id and start), not by its PID alone. */
export function orchestratorIdentified(run: RunRecord): boolean {
  const o = run.orchestrator;
  return typeof o?.boot_id === 'string' && typeof o.start_ticks === 'number';
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
  const here = bootId();
  if (orchestratorIdentified(run) && here !== undefined) {
    // another boot: this machine rebooted since, or the folder was written on another machine of this name
    if (o.boot_id !== here) return 'gone';
    const ticks = startTicks(o.pid);
    // unreadable (another user's process under hidepid): judged by the PID alone
    if (ticks !== undefined) return ticks === o.start_ticks ? 'alive' : 'gone';
  }
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
