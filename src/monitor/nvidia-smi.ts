/**
 * GPU sampling through ONE long-lived `nvidia-smi --query-gpu=... -lms N` process whose CSV lines are
 * parsed as they arrive; the latest reading per GPU index is kept. Without nvidia-smi (not installed, or
 * exiting early) the reader reports it once through `onWarning` and simply has no GPUs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const GPU_QUERY_FIELDS = [
  'index',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'power.draw',
  'temperature.gpu',
] as const;

export interface GpuSample {
  index: number;
  /** Utilisation %, memory in MiB, power in W, temperature in °C; `undefined` when N/A. */
  util?: number;
  memUsed?: number;
  memTotal?: number;
  power?: number;
  temp?: number;
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number.parseFloat(text);
  return Number.isFinite(n) ? n : undefined; // "[N/A]", "[Not Supported]"
}

/** One `--format=csv,noheader,nounits` line in GPU_QUERY_FIELDS order, or undefined if it is not one. */
export function parseGpuLine(line: string): GpuSample | undefined {
  const f = line.split(',').map((s) => s.trim());
  const index = Number.parseInt(f[0] ?? '', 10);
  if (f.length < 3 || !Number.isInteger(index) || index < 0) return undefined;
  return {
    index,
    util: num(f[1]),
    memUsed: num(f[2]),
    memTotal: num(f[3]),
    power: num(f[4]),
    temp: num(f[5]),
  };
}

/** The nvidia-smi binary: $HPCBENCH_NVIDIA_SMI when set (a path or a name on PATH), else `nvidia-smi`. */
export function nvidiaSmiCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.HPCBENCH_NVIDIA_SMI || 'nvidia-smi';
}

export function nvidiaSmiArgs(intervalMs: number): string[] {
  return [
    `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`,
    '--format=csv,noheader,nounits',
    `-lms`,
    String(Math.max(1, Math.round(intervalMs))),
  ];
}

export class NvidiaSmiReader {
  private child?: ChildProcess;
  private readonly latest = new Map<number, GpuSample>();
  private warned = false;
  private stopping = false;
  private firstLine?: () => void;

  constructor(
    private readonly intervalMs: number,
    private readonly onWarning: (message: string) => void,
    private readonly command = nvidiaSmiCommand(),
  ) {}

  /**
   * Starts nvidia-smi and resolves once the first batch of GPUs has been read (a line for an index seen
   * before, or `settleMs` of quiet after the first line), or nvidia-smi failed, or `timeoutMs` passed.
   */
  start(timeoutMs = 5000, settleMs = 150): Promise<void> {
    const child = spawn(this.command, nvidiaSmiArgs(this.intervalMs), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString();
    });
    const ready = new Promise<void>((resolve) => {
      let settle: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timeout);
        clearTimeout(settle);
        resolve();
      };
      const timeout = setTimeout(() => {
        if (this.latest.size === 0) this.warn(`nvidia-smi printed nothing in ${timeoutMs} ms`);
        done();
      }, timeoutMs);
      this.firstLine = () => {
        clearTimeout(settle);
        settle = setTimeout(done, settleMs);
      };
      child.on('error', (err: NodeJS.ErrnoException) => {
        this.warn(err.code === 'ENOENT' ? 'nvidia-smi not found on PATH' : `nvidia-smi: ${err.message}`);
        done();
      });
      child.on('exit', (code, signal) => {
        if (!this.stopping) {
          this.warn(`nvidia-smi exited (${signal ?? `code ${code}`}) ${stderr.trim()}`.trim());
          // No stale values after it died: keep the GPUs (the CSV columns) with empty readings.
          for (const index of this.latest.keys()) this.latest.set(index, { index });
        }
        done();
      });
      this.batchDone = done;
    });
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    return ready;
  }

  private batchDone?: () => void;

  private onLine(line: string): void {
    const s = parseGpuLine(line);
    if (!s) return;
    const repeat = this.latest.has(s.index);
    this.latest.set(s.index, s);
    if (repeat) this.batchDone?.();
    else this.firstLine?.();
  }

  private warn(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.onWarning(`${message}; GPU metrics disabled`);
  }

  /** Latest reading of every GPU seen so far, by index. */
  readings(): GpuSample[] {
    return [...this.latest.values()].sort((a, b) => a.index - b.index);
  }

  stop(): void {
    this.stopping = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null)
      this.child.kill('SIGTERM');
  }
}
