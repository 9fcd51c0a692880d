/**
 * A submitted job's state, from whatever the cluster offers: squeue (pending/running), then
 * `scontrol show job` (recently finished, within MinJobAge), then sacct (when accounting exists).
 * The parsers are pure; `jobState` runs the commands.
 */
import { execa } from 'execa';
import { parseScontrolLine } from './scontrol.js';

export interface JobState {
  state: string;
  /** Exit status of the batch script once finished (`ExitCode=2:0` → 2). */
  exitCode?: number;
  signal?: number;
  nodes?: string;
  reason?: string;
  source: 'squeue' | 'scontrol' | 'sacct';
}

export const TERMINAL_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'PREEMPTED',
  'OUT_OF_MEMORY',
  'BOOT_FAIL',
  'DEADLINE',
]);

export function isTerminal(state: string): boolean {
  return TERMINAL_STATES.has(state.split(/\s/)[0].replace(/\+$/, ''));
}

/** `squeue -h -j ID -o '%T|%N|%r'` */
export function parseSqueue(text: string): JobState | undefined {
  const line = text.trim().split('\n')[0];
  if (!line) return undefined;
  const [state, nodes, reason] = line.split('|');
  return { state, nodes: nodes || undefined, reason: reason || undefined, source: 'squeue' };
}

/** `scontrol show job -o ID` */
export function parseScontrolJob(text: string): JobState | undefined {
  const kv = parseScontrolLine(text.trim());
  if (!kv.JobState) return undefined;
  const [code, sig] = (kv.ExitCode ?? '').split(':').map(Number);
  return {
    state: kv.JobState,
    exitCode: Number.isFinite(code) ? code : undefined,
    signal: Number.isFinite(sig) ? sig : undefined,
    nodes: kv.NodeList && kv.NodeList !== '(null)' ? kv.NodeList : undefined,
    reason: kv.Reason && kv.Reason !== 'None' ? kv.Reason : undefined,
    source: 'scontrol',
  };
}

/** `sacct -n -X -P -j ID -o State,ExitCode,NodeList` */
export function parseSacct(text: string): JobState | undefined {
  const line = text.trim().split('\n')[0];
  if (!line) return undefined;
  const [state, exit, nodes] = line.split('|');
  const [code, sig] = (exit ?? '').split(':').map(Number);
  return { state: state.split(' ')[0], exitCode: code, signal: sig, nodes, source: 'sacct' };
}

export async function jobState(jobId: string): Promise<JobState | undefined> {
  const sq = await execa('squeue', ['-h', '-j', jobId, '-o', '%T|%N|%r'], { reject: false });
  const fromSqueue = sq.exitCode === 0 ? parseSqueue(sq.stdout) : undefined;
  if (fromSqueue && !isTerminal(fromSqueue.state)) return fromSqueue;
  const sc = await execa('scontrol', ['show', 'job', '-o', jobId], { reject: false });
  const fromScontrol = sc.exitCode === 0 ? parseScontrolJob(sc.stdout) : undefined;
  if (fromScontrol) return fromScontrol;
  return (await sacctState(jobId)) ?? fromSqueue;
}

/** The job as accounting (slurmdbd) recorded it; undefined without accounting or before it is recorded. */
export async function sacctState(jobId: string): Promise<JobState | undefined> {
  const sa = await execa('sacct', ['-n', '-X', '-P', '-j', jobId, '-o', 'State,ExitCode,NodeList'], {
    reject: false,
  });
  return sa.exitCode === 0 ? parseSacct(sa.stdout) : undefined;
}
