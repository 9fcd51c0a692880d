/**
 * Running planned steps: each is one `srun --overlap -N1 -n1 -w NODE ...` child process. Stopping sends
 * TERM to every srun (srun forwards it to its task), waits for them, then KILLs what is left.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { StepPlan } from './job-plan.js';
import { srunArgv } from './job-plan.js';

export interface RunningStep {
  plan: StepPlan;
  child: ChildProcess;
  /** Resolves with the srun exit code (or the signal name) when the step ends. */
  exited: Promise<number | string>;
  exit?: number | string;
}

export class StepGroup {
  readonly steps: RunningStep[] = [];

  constructor(
    private readonly jobHasGpus: boolean,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly srun = 'srun',
  ) {}

  start(plan: StepPlan, extraEnv: Record<string, string> = {}): RunningStep {
    const [cmd, ...args] = srunArgv(plan, this.jobHasGpus, this.srun);
    const env: NodeJS.ProcessEnv = { ...this.env, ...plan.env, ...extraEnv };
    // The batch step sees the job's GPUs; a step without GPUs must not inherit their ids.
    if (plan.gpus === 0) delete env.CUDA_VISIBLE_DEVICES;
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const step: RunningStep = { plan, child, exited: Promise.resolve(0) };
    step.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        step.exit = `spawn error: ${err.message}`;
        resolve(step.exit);
      });
      child.on('exit', (code, signal) => {
        step.exit = code ?? signal ?? 'unknown';
        if (stderr.trim()) process.stderr.write(`[${plan.name}] srun: ${stderr.trim()}\n`);
        resolve(step.exit);
      });
    });
    this.steps.push(step);
    return step;
  }

  alive(): RunningStep[] {
    return this.steps.filter((s) => s.exit === undefined);
  }

  /** TERM every running step, wait up to `graceMs`, then KILL the rest. Newest first (executors before servers). */
  async stopAll(graceMs = 15_000): Promise<void> {
    const running = this.alive().reverse();
    for (const s of running) s.child.kill('SIGTERM');
    const all = Promise.all(running.map((s) => s.exited));
    const timer = setTimeout(() => {
      for (const s of this.alive()) s.child.kill('SIGKILL');
    }, graceMs);
    await all;
    clearTimeout(timer);
  }
}

export async function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}
