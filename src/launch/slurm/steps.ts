/**
 * Running planned steps: each is one `srun --overlap -N1 -n1 -w NODE ...` child process. Stopping sends
 * TERM to every srun (srun forwards it to its task), waits for them, then KILLs what is left.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { execa } from 'execa';
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

  /**
   * Stops every running step: TERM to the step's task through Slurm (`scancel --signal=TERM JOB.STEP`,
   * which lets it exit cleanly — signalling srun itself would cancel the step with a KILL), then, after
   * `graceMs`, srun is told to cancel what is left, and finally killed.
   */
  async stopAll(jobId: string | undefined, graceMs = 15_000): Promise<void> {
    const running = this.alive();
    if (running.length === 0) return;
    const all = Promise.all(running.map((s) => s.exited));
    const ids = jobId ? await stepIds(jobId) : new Map<string, string>();
    const signalled = running.filter((s) => ids.has(s.plan.name));
    if (signalled.length > 0) {
      await execa('scancel', ['--signal=TERM', ...signalled.map((s) => ids.get(s.plan.name)!)], {
        reject: false,
      });
    }
    // Steps Slurm did not list (not yet started or already gone): srun cancels them itself.
    for (const s of running) if (!ids.has(s.plan.name)) s.child.kill('SIGTERM');
    const cancel = setTimeout(() => {
      for (const s of this.alive()) s.child.kill('SIGTERM');
    }, graceMs);
    const kill = setTimeout(() => {
      for (const s of this.alive()) s.child.kill('SIGKILL');
    }, graceMs + 10_000);
    await all;
    clearTimeout(cancel);
    clearTimeout(kill);
  }
}

/** Step name → `JOB.STEP` id of the job's running steps (`squeue -s`). */
export async function stepIds(jobId: string): Promise<Map<string, string>> {
  const r = await execa('squeue', ['-h', '-s', '-j', jobId, '-o', '%i|%j'], { reject: false });
  return parseStepIds(r.exitCode === 0 ? r.stdout : '');
}

export function parseStepIds(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [id, name] = line.trim().split('|');
    if (id && name && /^\d+(_\d+)?\.\d+$/.test(id)) out.set(name, id);
  }
  return out;
}
