/**
 * One child process of a local run (an inference server, an executor): stdout and stderr go to its own
 * log file; readiness is a ready file the child writes once listening (`--ready-file`), polled until it
 * appears, failing fast when the child exits first. Stopped by PID: SIGTERM, then SIGKILL after a grace.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChildSpec {
  /** `client-1-executor`, `server-1-server`: for messages. */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Combined stdout + stderr of the child. */
  logFile: string;
  /** File the child writes (JSON with `url`/`port`) once it listens. */
  readyFile?: string;
}

export interface ReadyInfo {
  url?: string;
  port: number;
  pid?: number;
}

export class ManagedChild {
  readonly spec: ChildSpec;
  readonly process: ChildProcess;
  exitCode?: number | null;
  exitSignal?: NodeJS.Signals | null;
  readonly exited: Promise<void>;

  constructor(spec: ChildSpec) {
    this.spec = spec;
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const fd = openSync(spec.logFile, 'a');
    try {
      // detached: a terminal's Ctrl-C reaches only hpcbench, which stops the workload first and then
      // stops its children itself (by PID), so that executors can still report what they measured.
      this.process = spawn(spec.command, spec.args, {
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      };
      this.process.once('exit', done);
      this.process.once('error', () => done(-1, null));
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Polls the ready file until it holds a port; rejects when the child exits first or time runs out. */
  async waitReady(timeoutSeconds: number, signal?: AbortSignal): Promise<ReadyInfo> {
    const file = this.spec.readyFile;
    if (!file) throw new Error(`${this.spec.name}: no ready file`);
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const info = parseReady(await readFile(file, 'utf8').catch(() => ''));
      if (info) return info;
      if (!this.running) {
        throw new Error(
          `${this.spec.name} exited (${this.exitSignal ?? `code ${this.exitCode}`}) before it was ready; see ${this.spec.logFile}`,
        );
      }
      if (signal?.aborted) throw new Error(`${this.spec.name}: cancelled while waiting for it to start`);
      if (Date.now() > deadline)
        throw new Error(`${this.spec.name} not ready after ${timeoutSeconds}s; see ${this.spec.logFile}`);
      await Promise.race([sleep(50), this.exited]);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running || this.pid === undefined) return;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Sends a signal to the child's process group (it leads one), else to the child itself. */
  signal(sig: NodeJS.Signals): void {
    if (this.pid === undefined || !this.running) return;
    try {
      process.kill(-this.pid, sig);
    } catch {
      try {
        process.kill(this.pid, sig);
      } catch {
        // already exited
      }
    }
  }
}

export function parseReady(text: string): ReadyInfo | undefined {
  const t = text.trim();
  if (!t) return undefined;
  try {
    const j = JSON.parse(t) as { url?: unknown; port?: unknown; pid?: unknown };
    const url = typeof j.url === 'string' ? j.url : undefined;
    const port = Number(j.port ?? (url ? new URL(url).port : undefined));
    if (!Number.isInteger(port) || port <= 0) return undefined;
    return { url, port, pid: typeof j.pid === 'number' ? j.pid : undefined };
  } catch {
    const m = /:(\d+)\s*$/.exec(t) ?? /^(\d+)$/.exec(t);
    return m ? { port: Number(m[1]) } : undefined;
  }
}
