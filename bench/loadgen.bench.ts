/**
 * hpcbench's own load generator measured on this machine (issue 4 item 8). The simulator
 * (`hpcbench serve dummy`) and the executor (`hpcbench executor`) each run in their own process, as
 * deployed; autocannon (own process) hits the same endpoint as the raw-HTTP reference.
 * BENCH_SECONDS (default 10) sets each phase's length; BENCH_MEM_REQUESTS (default 1,000,000) the memory run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { build } from 'hdr-histogram-js';
import type { ExecutorMetrics, MetricsSnapshot, StartBody, StatusResponse } from '../src/contracts/index.js';
import { mergeSnapshots } from '../src/metrics/merge.js';
import { MetricsRecorder } from '../src/metrics/recorder.js';
import { summarize } from '../src/metrics/summarize.js';
import type { BenchmarkSummary } from '../src/metrics/types.js';
import { type Bench, builtCommand, childSetup, POST_HEADERS } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MEM_REQUESTS = Number(process.env.BENCH_MEM_REQUESTS ?? 1_000_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// every phase first runs warmUp() on fresh processes; each measured workload has 1 s of warmup besides
const f = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));

interface Proc {
  url: string;
  pid: number;
  child: ResultPromise;
  dir: string;
}

async function spawnSelf(args: string[]): Promise<Proc> {
  const dir = mkdtempSync(join(tmpdir(), 'hpcbench-bench-'));
  const ready = join(dir, 'ready.json');
  const setup = childSetup(args);
  const { command, args: a } = builtCommand(...args, ...setup.args, '--port', '0', '--ready-file', ready);
  const child = execa(command, a, {
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

const FAST = ['--load-ms', '0', '--prefill-base-ms', '0', '--prefill-ms-per-token', '0'];
const SIM_BIG = ['--max-num-seqs', '1024', '--max-queue', '8192', '--decode-batch-factor', '0'];

function startSim(extra: string[]): Promise<Proc> {
  return spawnSelf(['serve', 'dummy', ...FAST, ...SIM_BIG, ...extra]);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** CPU time (user + system) the process has used so far, in ms (/proc/PID/stat, USER_HZ 100). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function lineCount(path: string): number {
  let n = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) if (line) n++;
  return n;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Runs one workload on an executor process; `onStatus` is polled every 500 ms. */
async function runWorkload(
  exec: Proc,
  spec: Partial<StartBody>,
  onStatus?: (s: StatusResponse) => void,
): Promise<{ snap: MetricsSnapshot; summary: BenchmarkSummary }> {
  await json(`${exec.url}/start`, {
    method: 'POST',
    headers: POST_HEADERS,
    body: JSON.stringify({ benchmark: 'bench', model: 'dummy-model', warmup: 1, ...spec }),
  });
  for (;;) {
    await sleep(500);
    const s = await json<StatusResponse>(`${exec.url}/status`);
    onStatus?.(s);
    if (!s.running) break;
  }
  const m = await json<ExecutorMetrics>(`${exec.url}/metrics`);
  return { snap: m.snapshot!, summary: summarize(m.snapshot!, 'bench') };
}

/** Fresh processes are several times slower for their first seconds (JIT, heap growth): warm both up. */
async function warmUp(exec: Proc, sim: Proc): Promise<void> {
  for (const stream of [false, true]) {
    await runWorkload(exec, {
      server_url: sim.url,
      duration: 6,
      warmup: 0,
      clients_per_node: 32,
      stream,
      max_tokens: stream ? 32 : 1,
      prompts: { source: 'synthetic', input_tokens: 16, output_tokens: stream ? 32 : 1 },
    });
  }
}

async function autocannon(
  url: string,
  body: string,
  connections: number,
): Promise<{ rps: number; requests: number }> {
  const bin = join(process.cwd(), 'node_modules', '.bin', 'autocannon');
  const args = ['-c', String(connections), '-d', String(SECONDS), '-m', 'POST', '-j'];
  args.push('-H', 'content-type=application/json', '-b', body, url);
  const r = await execa(bin, args, { reject: false });
  const out = JSON.parse(r.stdout) as {
    requests: { average: number; total: number };
    non2xx: number;
    errors: number;
  };
  return { rps: out.requests.average, requests: out.requests.total };
}

async function throughput(): Promise<string[]> {
  const sim = await startSim(['--decode-step-ms', '0.01', '--trace-capacity', '0']);
  const exec = await spawnSelf(['executor', '--service', 'dummy']);
  const dir = mkdtempSync(join(tmpdir(), 'hpcbench-ns-'));
  const out: string[] = [];
  try {
    await warmUp(exec, sim);
    // as users run it: every request's record goes to the JSONL file
    const records = join(dir, 'records.jsonl');
    const cpu0 = [cpuMs(exec.pid), cpuMs(sim.pid)];
    const ns = await runWorkload(exec, {
      server_url: sim.url,
      duration: SECONDS,
      clients_per_node: 64,
      stream: false,
      max_tokens: 1,
      prompts: { source: 'synthetic', input_tokens: 16, output_tokens: 1 },
      records_path: records,
    });
    const all = lineCount(records); // warmup included, as the CPU time is
    const execUs = ((cpuMs(exec.pid) - cpu0[0]) * 1000) / all;
    const simUs = ((cpuMs(sim.pid) - cpu0[1]) * 1000) / all;
    const body = JSON.stringify({ model: 'dummy-model', prompt: 'hello world', max_tokens: 1 });
    const simAc0 = cpuMs(sim.pid);
    const ac = await autocannon(`${sim.url}/v1/completions`, body, 64);
    const simAcUs = ((cpuMs(sim.pid) - simAc0) * 1000) / (ac.requests || 1);
    const rps = ns.summary.throughput.requests_per_s;
    out.push(
      '### Non-streaming requests/s (one executor process, 64 users, max_tokens 1, records written)',
      '',
      '| client | requests/s | failed | E2E p50 ms | E2E p99 ms | client CPU µs/request | simulator CPU µs/request |',
      '|---|---|---|---|---|---|---|',
      `| hpcbench executor | ${f(rps, 0)} | ${ns.summary.requests.failed} | ${f(ns.summary.latency_ms.e2e?.p50)} | ${f(ns.summary.latency_ms.e2e?.p99)} | ${f(execUs, 0)} | ${f(simUs, 0)} |`,
      `| autocannon (64 connections) | ${f(ac.rps, 0)} | | | | | ${f(simAcUs, 0)} |`,
      '',
      `Executor / autocannon = ${f(rps / ac.rps)} (target ≥ 0.5); target ≥ 10,000 requests/s: ${rps >= 10_000 ? 'met' : 'not met'}.`,
      'CPU µs/request: user + system CPU time of the process (/proc/PID/stat) over the run (warmup included)',
      'divided by the requests it handled; less noisy than requests/s on a shared machine.',
      '',
    );
    const st = await runWorkload(exec, {
      server_url: sim.url,
      duration: SECONDS,
      clients_per_node: 128,
      stream: true,
      max_tokens: 256,
      prompts: { source: 'synthetic', input_tokens: 16, output_tokens: 256 },
    });
    const chunks = (st.summary.latency_ms.itl?.count ?? 0) + st.summary.requests.ok;
    const cps = chunks / st.summary.duration_s;
    out.push(
      '### Streamed chunks/s (one executor process, 128 streams, 256 tokens each, decode step 0.01 ms)',
      '',
      `${f(cps, 0)} chunks/s (${chunks} chunks in ${f(st.summary.duration_s)} s; ${st.summary.requests.ok} requests ok, ${st.summary.requests.failed} failed); target ≥ 100,000: ${cps >= 100_000 ? 'met' : 'not met'}. ITL p50 ${f(st.summary.latency_ms.itl?.p50, 3)} ms, p99 ${f(st.summary.latency_ms.itl?.p99, 3)} ms.`,
      '',
    );
  } finally {
    await stopProc(exec);
    await stopProc(sim);
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function scheduleLag(): Promise<string[]> {
  const sim = await startSim(['--decode-step-ms', '0.01', '--trace-capacity', '0']);
  const exec = await spawnSelf(['executor', '--service', 'dummy']);
  try {
    await warmUp(exec, sim);
    const rows: string[] = [];
    for (const dist of ['constant', 'poisson'] as const) {
      const { summary: s } = await runWorkload(exec, {
        server_url: sim.url,
        duration: SECONDS,
        target_rps: 1000,
        request_distribution: dist,
        stream: false,
        max_tokens: 1,
        prompts: { source: 'synthetic', input_tokens: 16, output_tokens: 1 },
      });
      const lag = s.latency_ms.schedule_lag;
      rows.push(
        `| ${dist} | ${f(s.requested_rps, 0)} | ${f(s.achieved_rps, 1)} | ${f(lag?.p50, 3)} | ${f(lag?.p99, 3)} | ${f(lag?.max, 3)} | ${s.late_sends} | ${s.dropped_sends} |`,
      );
    }
    return [
      '### Schedule lag at 1,000 requests/s open loop (non-streaming, max_tokens 1)',
      '',
      '| distribution | requested/s | achieved/s | lag p50 ms | lag p99 ms | lag max ms | late (>10 ms) | dropped |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ];
  } finally {
    await stopProc(exec);
    await stopProc(sim);
  }
}

async function memory(): Promise<string[]> {
  const sim = await startSim(['--decode-step-ms', '0.01', '--trace-capacity', '0']);
  const exec = await spawnSelf(['executor', '--service', 'dummy']);
  const dir = mkdtempSync(join(tmpdir(), 'hpcbench-mem-'));
  const marks: [number, number][] = [];
  const at = [10_000, 100_000, 250_000, 500_000, 750_000];
  try {
    const t0 = Date.now();
    const cpu0 = cpuMs(exec.pid);
    marks.push([0, rssMb(exec.pid)]);
    const { summary } = await runWorkload(
      exec,
      {
        server_url: sim.url,
        duration: 0,
        warmup: 0,
        max_requests: MEM_REQUESTS,
        clients_per_node: 64,
        stream: false,
        max_tokens: 1,
        window_seconds: 10,
        prompts: { source: 'synthetic', input_tokens: 16, output_tokens: 1 },
        records_path: join(dir, 'records.jsonl'), // as users run it (~0.5 KB per request on disk)
      },
      (s) => {
        const sent = s.requests_sent ?? 0;
        while (at.length && sent >= at[0]) marks.push([at.shift()!, rssMb(exec.pid)]);
      },
    );
    marks.push([summary.requests.sent, rssMb(exec.pid)]);
    const secs = (Date.now() - t0) / 1000;
    const cpuUs = ((cpuMs(exec.pid) - cpu0) * 1000) / summary.requests.sent;
    const rss100k = marks.find((m) => m[0] === 100_000)?.[1];
    const last = marks[marks.length - 1][1];
    return [
      `### Executor memory (RSS of the executor process, non-streaming, 64 users, ${MEM_REQUESTS} requests)`,
      '',
      '| requests completed | RSS MB |',
      '|---|---|',
      ...marks.map(([n, mb]) => `| ${n} | ${f(mb, 1)} |`),
      '',
      `${summary.requests.sent} requests in ${f(secs, 0)} s (${summary.requests.failed} failed; records written; executor CPU ${f(cpuUs, 0)} µs per request). RSS after 100k: ${f(rss100k, 1)} MB, at the end: ${f(last, 1)} MB; target flat from 100k to 1M and < 200 MB: ${MEM_REQUESTS < 1_000_000 ? 'not measured (run with BENCH_MEM_REQUESTS=1000000)' : last < 200 && rss100k !== undefined && last - rss100k < 50 ? 'met' : 'not met'}.`,
      '',
    ];
  } finally {
    await stopProc(exec);
    await stopProc(sim);
    rmSync(dir, { recursive: true, force: true });
  }
}

function mergeCost(): string[] {
  const T = Math.floor(Date.now() / 10_000) * 10_000;
  const snaps: MetricsSnapshot[] = [];
  for (let e = 0; e < 64; e++) {
    const rec = new MetricsRecorder({ source: `n${e}`, windowSeconds: 10, openLoop: true, requestedRps: 10 });
    rec.windowStart = T;
    for (let i = 0; i < 20_000; i++) {
      const sent = T + i * 3; // 60 s of completions: 6 windows
      const ttft = 20 + ((i * 7919 + e * 31) % 1000) / 10 + e;
      const chunks = [sent + ttft, sent + ttft + 15, sent + ttft + 31, sent + ttft + 50];
      rec.add({
        id: '',
        benchmark: 'b',
        executor: `n${e}`,
        warmup: false,
        api: 'completions',
        stream: true,
        server: '',
        scheduled: sent - 0.1,
        sent,
        first_token: chunks[0],
        last_token: chunks[3],
        end: chunks[3],
        chunks,
        status: 'ok',
        prompt_tokens_client: 10,
        output_tokens_client: 4,
        prompt_tokens: 10,
        output_tokens: 4,
        tokens_source: 'client',
      });
    }
    snaps.push(JSON.parse(JSON.stringify(rec.snapshot())));
    rec.destroy();
  }
  const bytes = JSON.stringify(snaps[0]).length;
  const time = (list: MetricsSnapshot[]) => {
    const times: number[] = [];
    let summary: BenchmarkSummary | undefined;
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      summary = summarize(mergeSnapshots(list), 'b');
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { median: times[2], min: times[0], ok: summary?.requests.ok };
  };
  const overall = time(snaps.map((s) => ({ ...s, windows: [] })));
  const full = time(snaps);
  return [
    '### Merging 64 executors',
    '',
    `64 snapshots of 20,000 requests each (7 overall histograms, plus 6 time windows × 4 histograms; ${f(bytes / 1024, 1)} KiB JSON each), mergeSnapshots + summarize, 5 runs:`,
    '',
    '| what is merged | median ms | min ms |',
    '|---|---|---|',
    `| overall histograms and counters | ${f(overall.median, 1)} | ${f(overall.min, 1)} |`,
    `| the same plus every time window | ${f(full.median, 1)} | ${f(full.min, 1)} |`,
    '',
    `Target < 100 ms (overall): ${overall.median < 100 ? 'met' : 'not met'}. Merged requests: ${full.ok}. The cost is decoding (inflate) each base64 histogram, about ${f(full.median / (64 * 31), 3)} ms each.`,
    '',
  ];
}

function histogramModes(): string[] {
  const n = 5_000_000;
  const values = new Float64Array(4096);
  for (let i = 0; i < values.length; i++) values[i] = Math.round(500 + ((i * 7919) % 50_000));
  const rows: string[] = [];
  for (const wasm of [false, true]) {
    const h = build({ numberOfSignificantValueDigits: 3, bitBucketSize: 32, useWebAssembly: wasm });
    for (let i = 0; i < 100_000; i++) h.recordValue(values[i & 4095]);
    const t = performance.now();
    for (let i = 0; i < n; i++) h.recordValue(values[i & 4095]);
    const ns = ((performance.now() - t) * 1e6) / n;
    rows.push(
      `| ${wasm ? 'WebAssembly (used for recording)' : 'JavaScript (used for merging)'} | ${f(ns, 1)} |`,
    );
    h.destroy();
  }
  return [
    '### Histogram recording cost (per-chunk ITL path)',
    '',
    '| hdr-histogram-js mode | ns per recordValue |',
    '|---|---|',
    ...rows,
    '',
  ];
}

export const bench: Bench = {
  name: 'loadgen',
  async run() {
    const { initWebAssembly } = await import('hdr-histogram-js');
    await initWebAssembly();
    const parts: string[] = [
      'The executor (`hpcbench executor --service dummy`) and the simulator (`hpcbench serve dummy`, no',
      'prefill/load time) run as separate processes on the same 2-core machine, so they compete for CPU;',
      'autocannon runs as its own process against the same simulator endpoint.',
      '',
    ];
    parts.push(
      `Load average at the start: ${loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')} (other work shares the machine).`,
      '',
    );
    parts.push(...histogramModes(), ...mergeCost());
    parts.push(...(await throughput()));
    parts.push(...(await scheduleLag()));
    parts.push(...(await memory()));
    parts.push(
      `Load average at the end: ${loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')}.`,
    );
    return parts.join('\n');
  },
};
export default bench;
