/**
 * Trace replay timing against the simulator's ground truth (issue 17): Mooncake traces (JSONL, `timestamp`
 * ms) of ~200, ~500 and ~1,000 requests/s, Poisson and bursty, replayed by 1 and 2 `hpcbench executor`
 * processes (the rows split i mod n, started by concurrent POST /start as the controller does) against
 * `hpcbench serve dummy`; every request's arrival at the simulator (GET /hpcbench/requests: the epoch ms
 * its head was parsed) is compared with its row's trace offset from the replay's start.
 * `BENCH_SHORT=1 npm run bench -- trace-replay` is the short mode (2 s traces instead of 5 s); the
 * simulator runs on SIM_CPU and the executors on CLIENT_CPU (taskset) unless BENCH_PIN=0; this process
 * (the controller) then runs on SIM_CPU too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseWorkloadController } from '../src/controller/index.js';
import { mulberry32 } from '../src/util/rng.js';
import {
  BENCH_TOKEN,
  type Bench,
  cpuMsOf,
  pinSelf,
  type ReadyProc,
  spawnHpcbench,
  stealMs,
  stopReady,
} from './lib.js';
import { CLIENT_CPU, canPin, SIM_CPU } from './sim-timing.bench.js';

const SHORT = process.env.BENCH_SHORT === '1';
const TRACE_S = Number(process.env.BENCH_SECONDS ?? (SHORT ? 2 : 5));
const RATES = [200, 500, 1000];
const SHAPES = ['poisson', 'bursty'] as const;
type Shape = (typeof SHAPES)[number];
/** Mean requests per burst of the bursty traces (all at the same millisecond). */
const BURST = 5;
const BLOCK_TOKENS = 32;
const TARGET_MS = 5;
const f = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));
const load1 = () => loadavg()[0].toFixed(2);
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

let pinned = true;

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Row {
  /** Trace offset, ms (whole, as Mooncake publishes them). */
  at: number;
  input: number;
  output: number;
  hashIds: number[];
}

/**
 * A seeded Mooncake trace of `seconds` at `rate` requests/s: Poisson arrivals, or bursts of a geometric
 * number of requests (mean BURST) at the same millisecond, the bursts a Poisson process at rate/BURST.
 * Prompts of 64–191 tokens whose first block (BLOCK_TOKENS) is one of 8 shared ones, outputs of 4–11.
 */
export function makeTrace(rate: number, shape: Shape, seconds: number, seed: number): Row[] {
  const rnd = mulberry32(seed);
  const exp = (mean: number) => -Math.log(1 - rnd()) * mean;
  const rows: Row[] = [];
  let t = 0;
  const row = () => {
    const input = 64 + Math.floor(rnd() * 128);
    const group = Math.floor(rnd() * 8);
    rows.push({
      at: Math.round(t),
      input,
      output: 4 + Math.floor(rnd() * 8),
      hashIds: [group, 100 + rows.length],
    });
  };
  while (t < seconds * 1000) {
    if (shape === 'poisson') {
      row();
      t += exp(1000 / rate);
    } else {
      let n = 1;
      while (rnd() > 1 / BURST) n++;
      for (let k = 0; k < n; k++) row();
      t += exp((1000 * BURST) / rate);
    }
  }
  return rows.filter((r) => r.at < seconds * 1000);
}

const toJsonl = (rows: Row[]) =>
  rows
    .map((r) =>
      JSON.stringify({
        timestamp: r.at,
        input_length: r.input,
        output_length: r.output,
        hash_ids: r.hashIds,
      }),
    )
    .join('\n');

function startSim(): Promise<ReadyProc> {
  return spawnHpcbench(
    [
      'serve',
      'dummy',
      ...['--load-ms', '0', '--prefill-base-ms', '1', '--prefill-ms-per-token', '0'],
      ...['--decode-step-ms', '2', '--decode-batch-factor', '0', '--block-size', String(BLOCK_TOKENS)],
      ...['--max-num-seqs', '4096', '--max-queue', '8192', '--trace-capacity', '200000'],
    ],
    pinned ? SIM_CPU : undefined,
  );
}

interface Record_ {
  id: string;
  warmup: boolean;
  status: string;
  scheduled: number;
  sent: number;
  prompt_tokens: number;
  output_tokens: number;
}

interface SimTrace {
  client_request_id: string | null;
  state: string;
  arrived_ms: number;
}

class Dist {
  readonly v: number[] = [];
  q(p: number): number {
    const s = Float64Array.from(this.v).sort();
    return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  }
  max(): number {
    return this.v.length ? Math.max(...this.v) : Number.NaN;
  }
}

interface Result {
  rate: number;
  shape: Shape;
  executors: number;
  rows: number;
  arrived: number;
  missing: number;
  /** arrival − (replay start + offset), ms, the replay start as seen at the simulator (see align). */
  err: Dist;
  /** sent − scheduled (the executor's schedule lag, its own clock), ms. */
  lag: Dist;
  /** arrived − sent (the request's write to its head parsed at the simulator; two processes' clocks), ms. */
  transit: Dist;
  /** The later executor's start − the first's, at the simulator (see align), ms. */
  skew: number;
  cpuPct: number;
  simCpuPct: number;
  /** ms the hypervisor took the executors' CPU away over the row (stealMs). */
  steal: number;
  load: string;
}

/** One request: its row's trace offset, its arrival at the simulator (its clock), and its executor. */
interface Arrival {
  offset: number;
  arrived: number;
  executor: number;
}

/**
 * The replay's start on the simulator's clock: the earliest start every arrival is consistent with,
 * min over requests of (arrival − offset). No request can arrive before its offset from the true start,
 * so this start is the true one plus the smallest lateness (≈ the fastest transit): errors from it are
 * ≥ 0, a request's error is how much later it came than the best-timed request, and only the
 * simulator's clock is used (two processes' epoch clocks may disagree by a few ms).
 */
export function align(arrivals: readonly Arrival[]): number {
  let t0 = Number.POSITIVE_INFINITY;
  for (const a of arrivals) t0 = Math.min(t0, a.arrived - a.offset);
  return t0;
}

/**
 * Replays `rows` with the first `n` executors (POST /start to all at once; executor i takes rows i mod n)
 * and measures each request's arrival at the simulator against its row's offset.
 */
async function replay(
  sim: ReadyProc,
  execs: ReadyProc[],
  rows: Row[],
  meta: { rate: number; shape: Shape },
  dir: string,
): Promise<Result> {
  const n = execs.length;
  const trace = join(dir, `trace-${meta.shape}-${meta.rate}.jsonl`);
  writeFileSync(trace, toJsonl(rows));
  await fetch(`${sim.url}/hpcbench/requests`, { method: 'DELETE' });
  const cpu0 = execs.map((e) => cpuMsOf(e.pid));
  const simCpu0 = cpuMsOf(sim.pid);
  const steal0 = stealMs(pinned ? CLIENT_CPU : undefined);
  const wall0 = Date.now();
  const records = execs.map((_, i) => join(dir, `records-${meta.shape}-${meta.rate}-${n}-${i}.jsonl`));
  // the controller starts the executors as `hpcbench run` does (concurrent POST /start, one shared
  // start_at for a trace over several executors) and waits for them
  const controller = new BaseWorkloadController(
    execs.map((_, i) => `bench-${i}`),
    0,
    600,
    { endpoints: execs.map((e) => e.url), token: BENCH_TOKEN, pollInterval: 0.2 },
  );
  await controller.startWorkload(
    {
      benchmark: 'trace',
      server_url: sim.url,
      model: 'dummy-model',
      api: 'completions',
      stream: true,
      warmup: 0,
      duration: TRACE_S + 1,
      load: { mode: 'trace' },
      prompts: { source: 'trace', format: 'mooncake', path: trace, block_tokens: BLOCK_TOKENS },
    },
    { perExecutor: (_t, i) => ({ records_path: records[i] }) },
  );
  await controller.waitForCompletion({ timeout: 120 });
  const wall = Date.now() - wall0;
  const cpuPct = (execs.reduce((s, e, i) => s + cpuMsOf(e.pid) - cpu0[i], 0) / wall) * 100;
  const truth = new Map<string, number>();
  for (const t of (await json<{ requests: SimTrace[] }>(`${sim.url}/hpcbench/requests`)).requests)
    if (t.client_request_id) truth.set(t.client_request_id, t.arrived_ms);
  const r: Result = {
    ...meta,
    executors: n,
    rows: rows.length,
    arrived: 0,
    missing: 0,
    err: new Dist(),
    lag: new Dist(),
    transit: new Dist(),
    skew: Number.NaN,
    cpuPct,
    simCpuPct: ((cpuMsOf(sim.pid) - simCpu0) / wall) * 100,
    steal: stealMs(pinned ? CLIENT_CPU : undefined) - steal0,
    load: load1(),
  };
  const arrivals: Arrival[] = [];
  for (let i = 0; i < n; i++) {
    const recs = readFileSync(records[i], 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record_)
      .sort((a, b) => a.scheduled - b.scheduled);
    // this executor's rows, in trace order: the k-th record scheduled is its k-th row (rows of one
    // instant are interchangeable for timing)
    const share = rows.filter((_, j) => j % n === i);
    if (recs.length !== share.length)
      throw new Error(`executor ${i}: ${recs.length} records for ${share.length} trace rows`);
    recs.forEach((rec, k) => {
      const arrived = truth.get(rec.id);
      if (arrived === undefined || rec.status !== 'ok') {
        r.missing++;
        return;
      }
      r.arrived++;
      arrivals.push({ offset: share[k].at, arrived, executor: i });
      r.lag.v.push(rec.sent - rec.scheduled);
      r.transit.v.push(arrived - rec.sent);
    });
    rmSync(records[i], { force: true });
  }
  const t0 = align(arrivals);
  for (const a of arrivals) r.err.v.push(a.arrived - a.offset - t0);
  if (n > 1) {
    const each = [0, 1].map((i) => align(arrivals.filter((a) => a.executor === i)));
    r.skew = Math.abs(each[1] - each[0]);
  }
  return r;
}

const met = (r: Result) => r.err.q(0.99) <= TARGET_MS && r.missing === 0;

function table(results: Result[]): string[] {
  const out = [
    '| trace | requests/s (mean) | executors | rows | arrived | error p50 | error p99 | error max | start skew | lag p50 | lag p99 | lag max | transit p50 | executors CPU (% of a core) | simulator CPU | executors CPU stolen by the host ms | load avg (1 min) | error p99 ≤ 5 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results)
    out.push(
      `| ${r.shape} | ${r.rate} (${f(r.rows / TRACE_S, 0)}) | ${r.executors} | ${r.rows} | ${r.arrived}${r.missing ? ` (${r.missing} missing)` : ''} | ${f(r.err.q(0.5))} | ${f(r.err.q(0.99))} | ${f(r.err.max())} | ${f(r.skew)} | ${f(r.lag.q(0.5))} | ${f(r.lag.q(0.99))} | ${f(r.lag.max())} | ${f(r.transit.q(0.5))} | ${f(r.cpuPct, 0)}% | ${f(r.simCpuPct, 0)}% | ${r.steal} | ${r.load} | ${met(r) ? 'met' : 'NOT met'} |`,
    );
  return out;
}

export const bench: Bench = {
  name: 'trace-replay',
  async run() {
    pinned = process.env.BENCH_PIN !== '0' && (await canPin());
    // this process's own work (the controller's start and polls) off the executors' CPU
    const unpin = pinned ? pinSelf(SIM_CPU) : () => {};
    const start = uptime();
    const dir = mkdtempSync(join(tmpdir(), 'hpcbench-trace-bench-'));
    const sim = await startSim();
    // distinct node names: a record id (x-request-id) is the node's name and a sequence number
    const execs = await Promise.all(
      ['a', 'b'].map((node) =>
        spawnHpcbench(
          ['executor', '--service', 'dummy', '--node', `bench-${node}`, '--dataset-dir', dir],
          pinned ? CLIENT_CPU : undefined,
        ),
      ),
    );
    const results: Result[] = [];
    try {
      // fresh processes are slower for their first seconds (JIT): one untimed replay on both executors
      await replay(sim, execs, makeTrace(500, 'poisson', 2, 99), { rate: 500, shape: 'poisson' }, dir);
      let seed = 1;
      for (const rate of RATES)
        for (const shape of SHAPES) {
          const rows = makeTrace(rate, shape, TRACE_S, seed++);
          for (const n of [1, 2]) {
            process.stderr.write(`trace-replay: ${shape} ${rate}/s, ${n} executor(s) ...\n`);
            results.push(await replay(sim, execs.slice(0, n), rows, { rate, shape }, dir));
          }
        }
    } finally {
      await Promise.all([...execs, sim].map(stopReady));
      rmSync(dir, { recursive: true, force: true });
      unpin();
    }
    return [
      `${SHORT ? 'Short mode (BENCH_SHORT=1): ' : ''}${TRACE_S} s Mooncake traces (JSONL, whole-ms \`timestamp\`s, seeded), replayed once`,
      'each by 1 and by 2 `hpcbench executor` processes (the same trace: executor i of n sends rows i, i+n, …),',
      'started by the controller as `hpcbench run` starts them (concurrent `POST /start`; with 2 executors one',
      'shared `start_at`, docs/load-generation.md#trace-timing), against `hpcbench serve dummy`',
      '(prefill 1 ms, decode step 2 ms, 4–11 output tokens streamed, prompts of 64–191 tokens with one of 8',
      `shared ${BLOCK_TOKENS}-token first blocks). Poisson: exponential gaps; bursty: bursts of a geometric number`,
      `of requests (mean ${BURST}) at the same millisecond, the bursts Poisson. Placement: ` +
        (pinned
          ? `simulator and this bench process (the controller) on CPU ${SIM_CPU}, both executors on CPU ${CLIENT_CPU} (taskset).`
          : 'not pinned (taskset or a second core missing).'),
      `Machine load: \`${start}\` at the start, \`${uptime()}\` at the end. The machine is shared with other`,
      "engineers' work: a load average near or above 2 (its cores) means other processes competed for the",
      'cores during the row, and the tails below include that wait.',
      '',
      'How it is measured (all ms):',
      "- **error** = arrival − (replay start + the row's trace offset). Arrival: the simulator's ground truth",
      "  (`GET /hpcbench/requests` `arrived_ms`, when it parsed the request head), matched to the executor's",
      '  record by `x-request-id`; the offset is read from the generated trace file. Replay start: one instant',
      "  for the whole trace, on the simulator's clock: the earliest start every arrival is consistent with,",
      '  min over requests of (arrival − offset) (bench/trace-replay.bench.ts `align`). It is the true start',
      '  plus the smallest lateness of any request (≈ the fastest transit, a fraction of a ms), so errors are',
      "  ≥ 0 and a request's error is how much later it arrived than the best-timed one: pacing lag, transit",
      "  jitter, and with 2 executors the later executor's start. Only the simulator's clock is used (the",
      '  epoch clocks of two processes, `performance.timeOrigin + performance.now()`, can disagree by ms).',
      "- **start skew** (2 executors): the two executors' replay starts, each aligned as above on its own rows.",
      "- **lag**: the executor's own schedule lag, `sent − scheduled` on its own clock (`sent`: the request",
      "  written to its connection). **transit**: arrival − `sent` (two processes' clocks).",
      "- CPU: both executors' (and the simulator's) CPU time over the row's wall time, in % of one core. Load",
      "  average: at the row's end. Stolen: the time the hypervisor ran something else while the executors'",
      '  CPU wanted to run (/proc/stat `steal` of that CPU over the row); a process stands still meanwhile.',
      '',
      ...table(results),
      '',
      `Target: |error| p99 ≤ ${TARGET_MS} ms with every row arrived: met in ${results.filter(met).length} of ${results.length} rows; the executors' own lag p99 within it in ${results.filter((r) => r.lag.q(0.99) <= TARGET_MS).length}.`,
      '',
      "What limits it. The error is the executor's lag plus transit, and transit ends when the simulator's",
      'loop parses the request head: where the error p99 is far above the lag p99 (transit p50 is a fraction',
      "of a ms), the excess is the simulator's own wait to read requests, on its one core beside its decode",
      "steps. The executors' lag is the open loop's pacing (docs/BENCHMARKS.md#floor: its p99 there is set by",
      'stalls of the client CPU) plus, for a request that needs a new connection, the connect: on the AMD',
      'EPYC VM of the earlier runs a loopback connect took 1–6 ms when the other CPU was asleep (12 at once',
      'from a bare Node client to the simulator, 2026-12-03), where it takes tens of µs on a machine of its',
      'own. Before 2026-12-03 10:59 the bench process, which runs the controller, was not pinned and',
      "ran now and then on the executors' core; bursty rows then had lag p99 up to 6.8 ms with nothing stolen.",
      'A replay opens its pool as its bursts need it, so the first bursts of each 5 s',
      "row (a fresh pool) pay those connects; a burst's requests beyond the connections about to be free open",
      'theirs at once (src/loadgen/clients/http1.ts).',
      "On the AMD EPYC VM of this run (2026-12-03 14:24, on 4e8244a) the host stole from the executors' CPU",
      '(the stolen column): the 3 rows that met the target lost 10, 90 and 400 ms of a 5 s row, the others 150',
      'ms to 2.6 s; on the Intel VM of the previous run (2026-12-03 10:59, on 94b6bdf; steal under 50 ms a row)',
      "all 12 rows met it, the executors' lag p99 ≤ 2.9 ms.",
      '',
    ].join('\n');
  },
};
export default bench;
