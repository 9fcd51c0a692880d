/**
 * TTFT measurement error of hpcbench's executor against the simulator's ground truth (issue 4 item 8), at
 * 1 and 256 concurrent streams, decomposed into its parts, with the two processes either left to the OS
 * scheduler ("shared") or pinned to different cores with taskset ("pinned"), so that the figure shows the
 * measurer rather than two processes fighting over the same cores. BENCH_SECONDS (default 10) sets each
 * row's measured length. The simulator (`hpcbench serve dummy`) and the executor (`hpcbench executor`)
 * run in their own processes from the built CLI, as deployed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { StartBody, StatusResponse } from '../src/contracts/index.js';
import { type Bench, builtCommand, childSetup, POST_HEADERS } from './lib.js';
import { CLIENT_CPU, canPin, idleProbe, SIM_CPU } from './sim-timing.bench.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const STEP_MS = 20;
const TOKENS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (v: number | undefined, d = 3) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));

/** CPU placement of one row: `shared` leaves it to the OS; `pinned` gives each process its own core. */
interface Placement {
  name: 'shared' | 'pinned';
  sim?: string;
  client?: string;
}

interface Proc {
  url: string;
  pid: number;
  child: ResultPromise;
  dir: string;
}

async function spawnSelf(args: string[], cpu?: string): Promise<Proc> {
  const dir = mkdtempSync(join(tmpdir(), 'hpcbench-ttft-'));
  const ready = join(dir, 'ready.json');
  const setup = childSetup(args);
  const { command, args: a } = builtCommand(...args, ...setup.args, '--port', '0', '--ready-file', ready);
  const [cmd, argv] = cpu ? ['taskset', ['-c', cpu, command, ...a]] : [command, a];
  const child = execa(cmd, argv, {
    reject: false,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: setup.env,
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const info = JSON.parse(readFileSync(ready, 'utf8')) as { url: string; pid: number };
      return { url: info.url, pid: info.pid, child, dir };
    } catch {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`${args[0]} did not start: ${(await child).stderr}`);
      await sleep(100);
    }
  }
}

async function stopProc(p: Proc): Promise<void> {
  p.child.kill('SIGTERM');
  await p.child;
  rmSync(p.dir, { recursive: true, force: true });
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(s[11]) + Number(s[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function runWorkload(exec: Proc, spec: Partial<StartBody>): Promise<void> {
  await json(`${exec.url}/start`, {
    method: 'POST',
    headers: POST_HEADERS,
    body: JSON.stringify({ benchmark: 'bench', model: 'dummy-model', warmup: 1, ...spec }),
  });
  for (;;) {
    await sleep(500);
    if (!(await json<StatusResponse>(`${exec.url}/status`)).running) return;
  }
}

interface Trace {
  client_request_id: string | null;
  state: string;
  arrived_ms: number;
  submitted_ms?: number;
  chunk_modelled_ms: (number | null)[];
  chunk_written_ms: (number | null)[];
}

interface Rec {
  id: string;
  warmup: boolean;
  sent: number;
  first_token?: number;
}

class Dist {
  private readonly v: number[] = [];
  add(x: number): void {
    this.v.push(x);
  }
  get n(): number {
    return this.v.length;
  }
  q(p: number): number {
    const s = Float64Array.from(this.v).sort();
    return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  }
}

/** `spread`: output lengths uniform in [10, 30], so users drift apart; `lockstep`: all exactly 20 tokens. */
type Arrivals = 'spread' | 'lockstep';

/** `spinMs`: the simulator's busy-wait window (undefined: its default, 1 ms). */
async function row(streams: number, place: Placement, arrivals: Arrivals, spinMs?: number): Promise<string> {
  const sim = await spawnSelf(
    [
      'serve',
      'dummy',
      ...['--load-ms', '0', '--prefill-base-ms', '0', '--prefill-ms-per-token', '0'],
      ...['--max-num-seqs', '1024', '--max-queue', '8192', '--decode-batch-factor', '0'],
      ...['--decode-step-ms', String(STEP_MS), '--trace-capacity', '200000'],
      ...(spinMs !== undefined ? ['--spin-ms', String(spinMs)] : []),
    ],
    place.sim,
  );
  const exec = await spawnSelf(['executor', '--service', 'dummy'], place.client);
  const dir = mkdtempSync(join(tmpdir(), 'hpcbench-ttft-'));
  const output = arrivals === 'spread' ? { dist: 'uniform' as const, min: 10, max: 30 } : TOKENS;
  const base = {
    server_url: sim.url,
    max_tokens: TOKENS,
    prompts: { source: 'synthetic' as const, input_tokens: 16, output_tokens: output },
  };
  try {
    // fresh processes are several times slower for their first seconds (JIT, heap growth)
    await runWorkload(exec, { ...base, duration: 5, warmup: 0, clients_per_node: 64 });
    await fetch(`${sim.url}/hpcbench/requests`, { method: 'DELETE' });
    const path = join(dir, 'records.jsonl');
    const simCpu0 = cpuSeconds(sim.pid);
    const execCpu0 = cpuSeconds(exec.pid);
    const probe = idleProbe(SECONDS, place.client);
    await runWorkload(exec, { ...base, duration: SECONDS, clients_per_node: streams, records_path: path });
    const floor = await probe;
    const simCpu = cpuSeconds(sim.pid) - simCpu0;
    const execCpu = cpuSeconds(exec.pid) - execCpu0;
    const traces = await json<{ requests: Trace[] }>(`${sim.url}/hpcbench/requests`);
    let chunks = 0;
    for (const t of traces.requests) chunks += t.chunk_written_ms.length;
    const byId = new Map(traces.requests.map((t) => [t.client_request_id, t]));
    const err = new Dist();
    const transit = new Dist();
    const delivery = new Dist();
    const prep = new Dist();
    const late = new Dist();
    let negative = 0;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as Rec;
      const t = byId.get(r.id);
      const written = t?.chunk_written_ms[0];
      const modelled = t?.chunk_modelled_ms[0];
      if (r.warmup || !t || t.state !== 'done' || r.first_token === undefined || written == null) continue;
      // client TTFT − server TTFT = (arrived − sent) + (first_token − written): transit + delivery
      const e = r.first_token - r.sent - (written - t.arrived_ms);
      if (e < 0) negative++;
      err.add(e);
      transit.add(t.arrived_ms - r.sent);
      delivery.add(r.first_token - written);
      if (t.submitted_ms !== undefined) prep.add(t.submitted_ms - t.arrived_ms);
      if (modelled != null) late.add(written - modelled);
    }
    const us = (cpu: number) => f((cpu * 1e6) / Math.max(1, chunks), 1);
    const label = spinMs !== undefined ? `${place.name}, sim spin ${spinMs} ms` : place.name;
    return `| ${label} | ${streams} | ${arrivals} | ${err.n} | ${f(err.q(0.5))} | ${f(err.q(0.99))} | ${f(err.q(1))} | ${negative} | ${f(transit.q(0.5))} | ${f(transit.q(0.99))} | ${f(delivery.q(0.5))} | ${f(delivery.q(0.99))} | ${f(prep.q(0.99))} | ${f(late.q(0.99))} | ${us(simCpu)} | ${us(execCpu)} | ${f(floor.p99)} | ${loadavg()[0].toFixed(1)} |`;
  } finally {
    await stopProc(exec);
    await stopProc(sim);
    rmSync(dir, { recursive: true, force: true });
  }
}

export const bench: Bench = {
  name: 'ttft',
  async run() {
    const startLoad = loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
    const places: Placement[] = [{ name: 'shared' }];
    const pinnable = await canPin();
    if (pinnable) places.push({ name: 'pinned', sim: SIM_CPU, client: CLIENT_CPU });
    const rows: string[] = [];
    for (const place of places) {
      rows.push(await row(1, place, 'spread'));
      rows.push(await row(256, place, 'spread'));
      rows.push(await row(256, place, 'lockstep'));
    }
    // the simulator not busy-waiting before due chunks: it picks new requests up sooner
    rows.push(await row(256, places[0], 'spread', 0));
    rows.push(await row(256, places[0], 'lockstep', 0));
    // Columns: placement, streams, arrivals, requests, error p50, error p99, ...
    const at256 = rows.map((r) => r.split('|').map((c) => c.trim())).filter((c) => c[2] === '256');
    const p99s = at256.map((c) => ({ label: `${c[1]} ${c[3]}`, p99: Number(c[6]) }));
    const meanOf = (col: number) =>
      f(at256.reduce((s, c) => s + Number(c[col]), 0) / Math.max(1, at256.length), 0);
    const verdict = `Target (error p99 ≤ 1 ms at 256 streams): ${p99s.map((x) => `${x.label} ${x.p99} ms`).join(', ')}: ${p99s.some((x) => x.p99 <= 1) ? 'met' : 'NOT met'}. What limits it: transit and delivery p99 are the time the receiving process waits to run (both processes and the machine's other work share 2 cores; the error holds two such waits, and the idle probe, one timer wake-up including libuv's up-to-1 ms timer rounding, shows the order of each), not parsing. The \`sim spin 0 ms\` rows rule out the simulator's busy-waiting (\`spin_ms\`) as the cause: in two runs on 2026-11-29 turning it off moved the spread p99 either way (4.1 → 2.2 ms, 2.3 → 2.8 ms), as much as the run-to-run noise of one setup. At 256 streams the simulator spends ~${meanOf(15)} µs and the executor ~${meanOf(16)} µs CPU per chunk. A larger V8 young generation (--max-semi-space-size=64, fewer scavenges) did not lower it (tried 2026-11-29).`;
    return [
      `TTFT measurement error of the executor against the simulator's ground truth: decode step ${STEP_MS} ms`,
      '(batch factor 0), no prefill, closed loop (OpenAI /v1/completions, SSE), output lengths uniform in [10, 30]',
      `tokens ("spread": users drift apart) or all ${TOKENS} ("lockstep": with no prefill and a fixed length every`,
      'user finishes in the same millisecond, so all requests arrive, and all first chunks go out, in bursts',
      `of 256: the error then includes working through a burst), ${SECONDS} s per row after a 5 s warm-up of fresh`,
      'processes. All times in ms.',
      '',
      '- **error** = client TTFT − server TTFT. Client TTFT: first content chunk parsed − `sent` (the executor, just',
      '  before the request is handed to the HTTP client). Server TTFT (the ground truth, `GET /hpcbench/requests`):',
      '  first chunk handed to the socket (`chunk_written_ms[0]`) − `arrived_ms` (the request reached the',
      "  simulator's HTTP layer: head parsed, before the body is read or routed). The error is therefore exactly",
      '  **transit** (`arrived_ms − sent`: client HTTP stack, kernel, the server picking the request up) plus',
      '  **delivery** (client parse − `chunk_written_ms[0]`: kernel, the client picking the chunk up, HTTP and SSE',
      "  parsing). Both are cross-process differences; the two processes' clocks (`performance.timeOrigin` +",
      '  `performance.now()`) agree to about 10 µs.',
      '- Inside the ground truth, so not part of the error: **server prep** (`submitted_ms − arrived_ms`: body',
      '  read, JSON parse, routing, validation) and **sim late** (`chunk_written_ms[0] − chunk_modelled_ms[0]`:',
      "  the simulator's own punctuality).",
      '- **shared**: both processes free to run on any core (with each other and with whatever else runs).',
      `  **pinned**: simulator on CPU ${SIM_CPU}, executor on CPU ${CLIENT_CPU} (taskset; the idle probe then runs on CPU`,
      `  ${CLIENT_CPU} too). Every thread of a process is confined to its cores, V8's GC helpers included: on a 2-core`,
      '  machine that lengthens pauses, and a pinned process cannot move away from other work on its core.',
      '  **sim spin 0 ms**: the simulator started with `--spin-ms 0` (it never busy-waits before a due chunk; see',
      '  docs/simulated-service.md), otherwise as `shared`.',
      '- CPU µs/chunk: CPU time (user + system, /proc) of each process during the measured workload over the',
      '  chunks the simulator wrote. **idle probe**: an otherwise idle Node process sleeping 5 ms at a time',
      "  alongside: p99 of how late it woke, the machine's own scheduling noise (other people's jobs share it).",
      `- Target: error p99 ≤ 1 ms at 256 streams. Load average at start: ${startLoad}.${pinnable ? '' : ' (taskset or a second core missing: no pinned rows.)'}`,
      '',
      '| placement | streams | arrivals | requests | error p50 | error p99 | error max | negative | transit p50 | transit p99 | delivery p50 | delivery p99 | server prep p99 | sim late p99 | sim CPU µs/chunk | executor CPU µs/chunk | idle probe late p99 | load avg (1 min, at end) |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      verdict,
      '',
    ].join('\n');
  },
};
export default bench;
