/** Shared by bench/index.ts and the bench files (kept apart from index.ts, whose top-level await would deadlock an import cycle). */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

export interface Bench {
  name: string;
  run(): Promise<string>;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

/**
 * Compiles src/ into dist/ (tsconfig.build.json), so benchmarks that start hpcbench processes measure the
 * built JavaScript users run (`node bin/hpcbench.js`), not the sources through tsx. BENCH_NO_BUILD=1 skips it.
 */
export function buildDist(): void {
  if (process.env.BENCH_NO_BUILD === '1') return;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}

/** The command line that starts the built CLI (dist/, see buildDist) with `cliArgs`. */
export function builtCommand(...cliArgs: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(root, 'bin', 'hpcbench.js'), ...cliArgs] };
}

export function machine(): string {
  const c = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${c[0]?.model.trim() ?? 'unknown CPU'}, ${c.length} cores, ${gib} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Replaces (or appends) the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`. */
export function replaceSection(text: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body.trim()}\n${close}`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a >= 0 && b > a) return text.slice(0, a) + block + text.slice(b + close.length);
  return `${text.trimEnd()}\n\n${block}\n`;
}

/** The bearer token every bench executor holds (executors refuse to start without one). */
export const BENCH_TOKEN = randomBytes(24).toString('hex');

/**
 * Extra argv and environment for a bench child: an executor gets the token and may write records under
 * the system temp folder (where the benches keep theirs); other commands get nothing extra.
 */
export function childSetup(args: string[]): { args: string[]; env: Record<string, string> } {
  if (args[0] !== 'executor') return { args: [], env: {} };
  return { args: ['--records-dir', tmpdir()], env: { HPCBENCH_TOKEN: BENCH_TOKEN } };
}

/** Headers of a bench's POST to an executor. */
export const POST_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` };

/** A child process that wrote `{url, pid}` to its ready file. */
export interface ReadyProc {
  url: string;
  pid: number;
  child: ResultPromise;
  dir: string;
}

/**
 * Starts `command args... <readyFile>` (the ready file's path is appended by `withReady`) pinned to `cpu`
 * (taskset list) when given, and waits up to 60 s for its ready file.
 */
export async function spawnReady(
  command: string,
  withReady: (readyFile: string) => string[],
  opts: { cpu?: string; env?: Record<string, string> } = {},
): Promise<ReadyProc> {
  const dir = mkdtempSync(join(tmpdir(), 'hpcbench-bench-'));
  const ready = join(dir, 'ready.json');
  const a = withReady(ready);
  const [cmd, argv] = opts.cpu ? ['taskset', ['-c', opts.cpu, command, ...a]] : [command, a];
  const child = execa(cmd, argv, { reject: false, stdio: ['ignore', 'ignore', 'pipe'], env: opts.env });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const info = JSON.parse(readFileSync(ready, 'utf8')) as { url: string; pid: number };
      return { url: info.url, pid: info.pid, child, dir };
    } catch {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`${command} ${a.join(' ')} did not start: ${(await child).stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The built CLI (`hpcbench ARGS --port 0 --ready-file F`, plus what childSetup adds) as a ReadyProc. */
export function spawnHpcbench(args: string[], cpu?: string): Promise<ReadyProc> {
  const setup = childSetup(args);
  const { command, args: a } = builtCommand(...args, ...setup.args);
  return spawnReady(command, (ready) => [...a, '--port', '0', '--ready-file', ready], {
    cpu,
    env: setup.env,
  });
}

export async function stopReady(p: ReadyProc): Promise<void> {
  p.child.kill('SIGTERM');
  await p.child;
  rmSync(p.dir, { recursive: true, force: true });
}

/** CPU time (user + system) the process has used so far, in ms (/proc/PID/stat, USER_HZ 100). */
export function cpuMsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

export function rssMbOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/**
 * CPU time the hypervisor gave to something else while this VM's CPUs `cpus` (a taskset list, e.g.
 * `0` or `0-1,3`; all when undefined) wanted to run, in ms so far (/proc/stat `steal`, USER_HZ 100).
 * A process on such a CPU stands still meanwhile, whatever it does.
 */
export function stealMs(cpus?: string): number {
  const want = new Set<string>();
  for (const part of cpus?.split(',') ?? []) {
    const [a, b = a] = part.split('-').map(Number);
    for (let c = a; c <= b; c++) want.add(`cpu${c}`);
  }
  let ticks = 0;
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const f = line.split(/\s+/);
    if (cpus === undefined ? f[0] === 'cpu' : want.has(f[0])) ticks += Number(f[8] ?? 0);
  }
  return ticks * 10;
}

/**
 * Moves this process (every thread) to `cpus` (a taskset list) until the returned function puts it back:
 * a bench whose clients are pinned to CLIENT_CPU keeps its own work (starting rows, polling /status,
 * reading records) off their CPU. Unpinned, it ran there now and then: the executor's pacing p99 at
 * 1,000/s was 0.56-1.07 ms with the bench's 250 ms polls and 0.15-0.22 ms without them.
 */
export function pinSelf(cpus: string): () => void {
  const mask = /:\s*([0-9a-f,]+)\s*$/i.exec(
    execFileSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' }),
  )?.[1];
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
  return () => {
    if (mask) execFileSync('taskset', ['-a', '-p', mask, String(process.pid)], { stdio: 'ignore' });
  };
}
