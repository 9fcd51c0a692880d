/**
 * The seed's RayClusterManager: startHeadNode(port = 6379), connectWorker(headAddress), getHeadIp(),
 * plus waitUntilReady, which polls `ray status` until every node and GPU is registered. Processes are
 * started through a `RayRunner` (in a Slurm job: an `srun --overlap` step per node), so this class holds
 * the sequencing and readiness logic only.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TimeoutExceededError } from '../../errors.js';
import { RAY_DEFAULT_PORT, rayHeadArgv, rayWorkerArgv } from './ray-commands.js';
import { rayReadiness } from './ray-status.js';

export interface RayRunner {
  /** Start a long-lived process on a node (returns when it has been launched). */
  start(node: string, argv: string[]): Promise<void>;
  /** Run a short command to completion and capture its output. */
  exec(argv: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }>;
}

export interface RayNode {
  node: string;
  ip: string;
}

export interface RayClusterOptions {
  head: RayNode;
  workers: RayNode[];
  numCpusPerNode: number;
  numGpusPerNode: number;
  dashboardPort?: number;
  objectManagerPort?: number;
  nodeManagerPort?: number;
  runner: RayRunner;
  /** Seconds to wait for the cluster (default 300) and between `ray status` polls (default 2). */
  timeout?: number;
  interval?: number;
  ray?: string;
}

export class RayClusterManager {
  private port = RAY_DEFAULT_PORT;
  lastStatus = '';

  constructor(private readonly o: RayClusterOptions) {}

  getHeadIp(): string {
    return this.o.head.ip;
  }

  headAddress(): string {
    return `${this.o.head.ip}:${this.port}`;
  }

  async startHeadNode(port = RAY_DEFAULT_PORT): Promise<boolean> {
    this.port = port;
    const argv = rayHeadArgv(
      { ...this.common(this.o.head.ip), port, dashboardPort: this.o.dashboardPort },
      this.o.ray,
    );
    await this.o.runner.start(this.o.head.node, argv);
    return this.poll({ nodes: 1, gpus: 0 });
  }

  /** Start a Ray worker on every worker node (or the one named) joining `headAddress`. */
  async connectWorker(headAddress: string, node?: string): Promise<boolean> {
    const targets = node ? this.o.workers.filter((w) => w.node === node) : this.o.workers;
    for (const w of targets)
      await this.o.runner.start(w.node, rayWorkerArgv(headAddress, this.common(w.ip), this.o.ray));
    return targets.length > 0 || this.o.workers.length === 0;
  }

  /** Resolves when every node and GPU is in `ray status`; E007 with the last status otherwise. */
  async waitUntilReady(): Promise<void> {
    const nodes = 1 + this.o.workers.length;
    const expect = { nodes, gpus: nodes * this.o.numGpusPerNode };
    if (!(await this.poll(expect))) {
      throw new TimeoutExceededError(
        `Ray cluster at ${this.headAddress()} not ready after ${this.o.timeout ?? 300}s: ${rayReadiness(this.lastStatus, expect).reason}`,
      );
    }
  }

  private async poll(expect: { nodes: number; gpus: number }): Promise<boolean> {
    const deadline = Date.now() + (this.o.timeout ?? 300) * 1000;
    for (;;) {
      const r = await this.o.runner.exec([this.o.ray ?? 'ray', 'status', `--address=${this.headAddress()}`]);
      this.lastStatus = `${r.stdout}\n${r.stderr}`;
      if (r.exitCode === 0 && rayReadiness(r.stdout, expect).ready) return true;
      if (Date.now() >= deadline) return false;
      await sleep((this.o.interval ?? 2) * 1000);
    }
  }

  private common(nodeIp: string) {
    return {
      nodeIp,
      numCpus: this.o.numCpusPerNode,
      numGpus: this.o.numGpusPerNode,
      objectManagerPort: this.o.objectManagerPort,
      nodeManagerPort: this.o.nodeManagerPort,
    };
  }
}
