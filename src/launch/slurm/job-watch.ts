/**
 * Following a submitted job until it ends: its state (squeue / scontrol / sacct) and the run's progress
 * lines, which hpcbench writes to the job's output file in the results folder. And cancelling it
 * gracefully: TERM to the batch shell first (hpcbench stops the workload and writes partial results),
 * a full `scancel` only if it has not ended after a grace period.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { HpcBenchError } from '../../errors.js';
import { isTerminal, type JobState, jobState } from './job-state.js';

export interface WatchOptions {
  onLine?: (line: string) => void;
  onState?: (state: JobState) => void;
  /** Seconds between polls (default 2). */
  interval?: number;
  signal?: AbortSignal;
}

/** Follows a text file by offset; returns complete new lines on each call. */
export class FileFollower {
  private offset = 0;
  private partial = '';
  constructor(readonly path: string) {}

  async read(final = false): Promise<string[]> {
    const fh = await open(this.path, 'r').catch(() => undefined);
    if (!fh) return [];
    try {
      const { size } = await fh.stat();
      if (size < this.offset) this.offset = 0;
      if (size > this.offset) {
        const buf = Buffer.alloc(size - this.offset);
        await fh.read(buf, 0, buf.length, this.offset);
        this.offset = size;
        this.partial += buf.toString('utf8');
      }
    } finally {
      await fh.close();
    }
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    if (final && this.partial) {
      lines.push(this.partial);
      this.partial = '';
    }
    return lines;
  }
}

export async function watchJob(jobId: string, resultsDir: string, o: WatchOptions = {}): Promise<JobState> {
  const out = new FileFollower(join(resultsDir, 'slurm', `job-${jobId}.out`));
  let last = '';
  let missing = 0;
  for (;;) {
    const state = await jobState(jobId);
    for (const l of await out.read()) o.onLine?.(l);
    if (!state) {
      if (++missing >= 5)
        throw new HpcBenchError('E005', `job ${jobId} is unknown to squeue, scontrol and sacct`);
    } else {
      missing = 0;
      if (state.state !== last) o.onState?.(state);
      last = state.state;
      if (isTerminal(state.state)) {
        for (const l of await out.read(true)) o.onLine?.(l);
        return state;
      }
    }
    if (o.signal?.aborted)
      throw new HpcBenchError('E007', `stopped following job ${jobId} (it keeps running)`);
    await sleep((o.interval ?? 2) * 1000);
  }
}

export interface CancelResult {
  jobId: string;
  before?: string;
  after?: JobState;
  forced: boolean;
}

export async function cancelJob(jobId: string, graceSeconds = 90, interval = 1): Promise<CancelResult> {
  const before = await jobState(jobId);
  if (!before) throw new HpcBenchError('E006', `job ${jobId} is unknown to Slurm`);
  if (isTerminal(before.state)) return { jobId, before: before.state, after: before, forced: false };
  const scancel = async (args: string[]) => {
    const r = await execa('scancel', [...args, jobId], { reject: false });
    if (r.exitCode !== 0)
      throw new HpcBenchError('E008', `scancel ${args.join(' ')} ${jobId} failed: ${r.stderr.trim()}`);
  };
  if (before.state !== 'RUNNING') {
    await scancel([]);
  } else {
    await scancel(['--batch', '--signal=TERM']);
  }
  const deadline = Date.now() + graceSeconds * 1000;
  for (;;) {
    const s = await jobState(jobId);
    if (!s || isTerminal(s.state)) return { jobId, before: before.state, after: s, forced: false };
    if (Date.now() > deadline) break;
    await sleep(interval * 1000);
  }
  await scancel([]);
  return { jobId, before: before.state, after: await jobState(jobId), forced: true };
}
