/**
 * Multi-process helpers for end-to-end tests: the real CLI (the built dist/, see src/util/self.ts), the simulated
 * service and workload executors as child processes on 127.0.0.1 (ephemeral ports, ready files), recipes
 * written to a temporary folder, and readers for the results folder.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll } from 'vitest';
import { stringify } from 'yaml';
import { ManagedChild } from '../../src/launch/local/child.js';
import { selfCommand } from '../../src/util/self.js';

export interface CliResult {
  exitCode?: number;
  stdout: string;
  stderr: string;
  all: string;
}

/** Runs the real CLI (the built dist/) to completion. */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; timeout?: number; cwd?: string } = {},
): Promise<CliResult> {
  const self = selfCommand(...args);
  const r = await execa(self.command, self.args, { reject: false, all: true, ...opts });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), all: String(r.all) };
}

export class Sandbox {
  readonly children: ManagedChild[] = [];
  private constructor(readonly dir: string) {}

  static async create(prefix = 'hpcbench-e2e-'): Promise<Sandbox> {
    return new Sandbox(await mkdtemp(join(tmpdir(), prefix)));
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Starts `hpcbench <args>` (which must write --ready-file) and waits until it is ready. */
  async startSelf(name: string, args: string[], env: Record<string, string> = {}) {
    const ready = this.path(`${name}.ready.json`);
    // a name used before in this box: its ready file (an earlier child's port) must not be taken for this one's
    await rm(ready, { force: true });
    const self = selfCommand(...args, '--ready-file', ready);
    const child = new ManagedChild({
      name,
      command: self.command,
      args: self.args,
      env,
      logFile: this.path(`${name}.log`),
      readyFile: ready,
    });
    this.children.push(child);
    const info = await child.waitReady(60);
    return { child, port: info.port, url: info.url ?? `http://127.0.0.1:${info.port}` };
  }

  /** The simulated inference service on a free port. */
  startSim(name = 'sim', extra: string[] = []) {
    return this.startSelf(name, ['serve', 'dummy', '--host', '127.0.0.1', '--port', '0', ...extra]);
  }

  /** A workload executor on a free port. */
  startExecutor(node: string, token?: string, service = 'dummy') {
    // records and datasets of this box's runs lie in its folder; without a token: --insecure (loopback)
    const args = ['executor', '--service', service, '--host', '127.0.0.1', '--port', '0', '--node', node];
    args.push('--records-dir', this.path('.'), '--dataset-dir', this.path('.'));
    if (!token) args.push('--insecure');
    return this.startSelf(`executor-${node}`, args, token ? { HPCBENCH_TOKEN: token } : {});
  }

  async writeRecipe(name: string, recipe: unknown): Promise<string> {
    const file = this.path(name);
    await writeFile(file, typeof recipe === 'string' ? recipe : stringify(recipe));
    return file;
  }

  async close(): Promise<void> {
    await Promise.all(this.children.splice(0).map((c) => c.stop(2000)));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** What `sandboxForFile` gives a test file: set before its first test runs. */
export interface FileSandbox {
  box: Sandbox;
  /** The simulator started in `box` (with `{ sim: true }`). */
  sim: { url: string; port: number };
}

/**
 * The test file's Sandbox: created before its tests (with a simulator in it when `sim`), closed after them
 * (every child it started stopped, its folder removed). Read `env.box` / `env.sim` in tests and hooks.
 */
export function sandboxForFile(opts: { sim?: boolean } = {}): FileSandbox {
  const env = {} as FileSandbox;
  beforeAll(async () => {
    env.box = await Sandbox.create();
    if (opts.sim) env.sim = await env.box.startSim();
  });
  afterAll(async () => {
    await env.box?.close();
  });
  return env;
}

/** A small local recipe against the simulated service; `workload` fields override the defaults. */
export function recipe(
  scenario: string,
  workload: Record<string, unknown> = {},
  rest: Record<string, unknown> = {},
) {
  return {
    scenario,
    orchestration: {
      mode: 'local',
      node_allocation: { servers: { nodes: 1 }, clients: { nodes: 2 } },
    },
    workload: {
      component: 'inference',
      service: 'dummy',
      model: 'dummy-model',
      duration: '3s',
      warmup: '1s',
      clients_per_node: 2,
      ...workload,
    },
    servers: { health_check: { timeout: 20, interval: 0.2 } },
    ...rest,
  };
}

/**
 * The simulated service with a known capacity: batch limit B = 4 and a deterministic service time S =
 * 100 ms per request (5 output tokens, decode step 25 ms, no prefill or model load, batch factor 0), so it
 * sustains B/S = 40 req/s. `servers` is the recipe's servers section, `workload` the fields that fix S.
 */
export const CAPACITY = {
  rps: 40,
  servers: {
    service_config: {
      max_num_seqs: 4,
      load_ms: 0,
      prefill_base_ms: 0,
      prefill_ms_per_token: 0,
      decode_step_ms: 25,
      decode_batch_factor: 0,
    },
    health_check: { timeout: 20, interval: 0.2 },
  },
  workload: { gen_tokens: 5, prompt_len: 8, ignore_eos: true },
};

/** The single run folder under a results base folder. */
export async function onlyRunDir(base: string): Promise<string> {
  const entries = await readdir(base);
  if (entries.length !== 1)
    throw new Error(`expected one run folder in ${base}, found: ${entries.join(', ')}`);
  return join(base, entries[0]);
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON files
export type Json = any;

export async function readJson<T = Json>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export async function readLines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
}

/** No stack trace lines in CLI output (user mistakes print `E00x: message` only). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+\(.+:\d+:\d+\)$/m.test(text) || /^\s+at .+:\d+:\d+$/m.test(text);
}
