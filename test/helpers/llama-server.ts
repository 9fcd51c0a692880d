/**
 * A real llama.cpp `llama-server` for tests (built by .ci/build-llama.sh): started on 127.0.0.1 on a free
 * port with the tiny random-weight model, ready once GET /health answers 200, stopped by PID.
 * Paths come from env LLAMA_SERVER_BIN / LLAMA_MODEL, else the build script's cache defaults.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/launch/local/free-port.js';

const CACHE = process.env.HPCBENCH_CACHE || '/var/cache/hpcbench';

export interface LlamaPaths {
  bin: string;
  model: string;
}

export function llamaPaths(): LlamaPaths {
  return {
    bin: process.env.LLAMA_SERVER_BIN || join(CACHE, 'bin', 'llama-server'),
    model: process.env.LLAMA_MODEL || join(CACHE, 'models', 'tiny-llama.gguf'),
  };
}

/** Why llama-server cannot be used here, or undefined when the binary runs and the model exists. */
export function llamaProblem(paths = llamaPaths()): string | undefined {
  if (!existsSync(paths.bin)) return `llama-server not found at ${paths.bin} (run .ci/build-llama.sh)`;
  if (!existsSync(paths.model)) return `model not found at ${paths.model} (run .ci/build-llama.sh)`;
  const r = spawnSync(paths.bin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0)
    return `${paths.bin} --version failed: ${r.error?.message ?? r.stderr.trim()}`;
  return undefined;
}

/** True when llama-server can be used; else skips with a message, or throws under CI=true (never a silent pass). */
export function requireLlama(): boolean {
  const problem = llamaProblem();
  if (!problem) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but llama-server is not usable: ${problem}`);
  process.stderr.write(`skipping llama-server tests: ${problem}\n`);
  return false;
}

export interface LlamaServerOptions {
  ctxSize?: number;
  /** Parallel slots (`-np`). */
  parallel?: number;
  /** Name served in /v1/models (`--alias`). */
  alias?: string;
  readyTimeoutMs?: number;
  extraArgs?: string[];
}

export interface LlamaServer {
  url: string;
  port: number;
  pid: number;
  /** The model id served (the alias). */
  model: string;
  /** stdout+stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const kill = setTimeout(() => process.kill(pid, 'SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    process.kill(pid, 'SIGTERM');
  });
}

async function startOnce(paths: LlamaPaths, opts: LlamaServerOptions): Promise<LlamaServer | 'port-taken'> {
  const port = await freePort();
  const alias = opts.alias ?? 'tiny-llama';
  const args = [
    ...['-m', paths.model, '--host', '127.0.0.1', '--port', String(port), '-t', '1', '--metrics'],
    ...['-c', String(opts.ctxSize ?? 512), '-np', String(opts.parallel ?? 1), '--alias', alias],
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(paths.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const server: LlamaServer = {
    url,
    port,
    pid: child.pid ?? -1,
    model: alias,
    output: () => out,
    stop: () => stopChild(child),
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (/bind|address already in use/i.test(out)) return 'port-taken';
      throw new Error(`llama-server exited (${child.exitCode ?? child.signalCode}) before ready:\n${out}`);
    }
    if (await healthy(url)) return server;
    await sleep(100);
  }
  await server.stop();
  throw new Error(`llama-server not healthy within ${opts.readyTimeoutMs ?? 60_000} ms:\n${out}`);
}

/** Starts llama-server with the tiny model (`-t 1`, `--metrics`); resolves once /health answers 200. */
export async function startLlamaServer(opts: LlamaServerOptions = {}): Promise<LlamaServer> {
  const paths = llamaPaths();
  for (let attempt = 0; attempt < 3; attempt++) {
    const s = await startOnce(paths, opts);
    if (s !== 'port-taken') return s;
  }
  throw new Error('llama-server could not bind a free port in 3 attempts');
}
