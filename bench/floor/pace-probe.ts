/**
 * Why an open-loop send is late (bench only): `node --import tsx bench/floor/pace-probe.ts JSON` runs the
 * executor's open loop (`startLoad`, Poisson, non-streaming) in this process at `rate` with `poll`
 * (pacer_poll_ms). It watches garbage collection (PerformanceObserver 'gc' entries) and, at every request
 * write (Socket.prototype.write wrapped: a pread and a getrusage, ~10 µs per send), samples the main
 * thread's time on a core and waiting for one (/proc/thread-self/schedstat) and the CPU time of the whole
 * process (process.cpuUsage, all threads). It keeps each record's scheduled and sent only (holding the
 * records would make every scavenge copy them; an executor keeps none).
 *
 * Late sends (lag > `over` ms) are grouped into runs of consecutive arrivals. A run lasts from its first
 * arrival's due time to its last send; the main thread's running and waiting between the write before
 * that due time and the run's last write are taken to fall in it, and its time is split into: `gc` (GC
 * pauses overlapping it), `busy` (the main thread running anything else, catching up included),
 * `preempted` (runnable, waiting for the core while another thread or process ran there) and `asleep`
 * (the rest: not woken yet). `otherThreadsMs`: the CPU of the process's other threads (V8's GC and
 * compiler helpers, the waker, libuv's pool) in the runs. Writes {requests, runs, late, gc (runs a GC
 * pause overlaps), gcPauses, gcMs, worstGcMs, cpuPct, window: {ms, gcMs, busyMs, preemptedMs, asleepMs,
 * otherThreadsMs} (summed over the runs), byCause: {gc, busy, preempted, asleep} (runs by their largest
 * share)}.
 */
import { openSync, readSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseWorkloadSpec, ServiceFactory, startLoad } from './built.js';

interface Args {
  url: string;
  rate: number;
  poll: number;
  seconds: number;
  over: number;
  out: string;
}

const args = JSON.parse(process.argv[2]) as Args;
const gcs: [number, number][] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push([performance.timeOrigin + e.startTime, e.duration]);
});
obs.observe({ entryTypes: ['gc'] });
// one sample per request write: [wall ms, main-thread run ms, main-thread wait ms, process CPU ms]
const MAX = 2_000_000;
const samples = new Float64Array(MAX * 4);
let nSamples = 0;
const statFd = openSync('/proc/thread-self/schedstat', 'r');
const statBuf = Buffer.alloc(128);
const sample = (): void => {
  if (nSamples >= MAX) return;
  const n = readSync(statFd, statBuf, 0, statBuf.length, 0);
  const text = statBuf.toString('latin1', 0, n);
  const sp1 = text.indexOf(' ');
  const sp2 = text.indexOf(' ', sp1 + 1);
  const cpu = process.cpuUsage();
  const o = nSamples++ * 4;
  samples[o] = performance.timeOrigin + performance.now();
  samples[o + 1] = Number(text.slice(0, sp1)) / 1e6;
  samples[o + 2] = Number(text.slice(sp1 + 1, sp2)) / 1e6;
  samples[o + 3] = (cpu.user + cpu.system) / 1000;
};
const write = Socket.prototype.write;
Socket.prototype.write = function (this: Socket, ...a: unknown[]) {
  const r = (write as (...x: unknown[]) => boolean).apply(this, a);
  sample();
  return r;
} as typeof write;
const parsed = parseWorkloadSpec(
  {
    benchmark: 'pace-probe',
    model: 'dummy-model',
    server_url: args.url,
    warmup: 1,
    duration: args.seconds,
    target_rps: args.rate,
    request_distribution: 'poisson',
    pacer_poll_ms: args.poll,
    stream: false,
    max_tokens: 1,
    prompts: { source: 'synthetic', input_tokens: 16, output_tokens: 1 },
  },
  'dummy',
);
if (!parsed.ok) throw new Error(parsed.error);
// each measured record's scheduled and sent only: holding the records would make every scavenge copy
// them (an executor writes its records out and keeps none), so the probe's GC would not be the executor's
const MAX_RECS = 2_000_000;
const kept = new Float64Array(MAX_RECS * 2);
let nRecs = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const run = startLoad(parsed.spec, {
  capabilities: ServiceFactory.getCapabilities('dummy'),
  onRecord: (r) => {
    if (r.warmup || nRecs >= MAX_RECS) return;
    kept[nRecs * 2] = r.scheduled;
    kept[nRecs * 2 + 1] = r.sent;
    nRecs++;
  },
});
await run.done;
const cpu = process.cpuUsage(cpu0);
const cpuPct = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100;
obs.disconnect();
const recs = Array.from({ length: nRecs }, (_, i) => ({ scheduled: kept[i * 2], sent: kept[i * 2 + 1] }));
recs.sort((a, b) => a.scheduled - b.scheduled);
let late = 0;
let runs = 0;
let gc = 0;
let from = -1;
const win = { ms: 0, gcMs: 0, busyMs: 0, preemptedMs: 0, asleepMs: 0, otherThreadsMs: 0 };
const byCause = { gc: 0, busy: 0, preempted: 0, asleep: 0 };
/** The index of the last sample taken at or before `t` (samples are in time order), else -1. */
const sampleAt = (t: number): number => {
  let lo = 0;
  let hi = nSamples - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid * 4] <= t) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
};
const close = (to: number): void => {
  // the run spans from the first late arrival's due time to the last one's send
  const a = recs[from].scheduled;
  const b = recs[to].sent;
  let gcMs = 0;
  for (const [s, d] of gcs) gcMs += Math.max(0, Math.min(b, s + d) - Math.max(a, s));
  if (gcMs > 0) gc++;
  // the window: from the last write before `a` to the first write at or after `b` (the run's last send)
  const i0 = sampleAt(a);
  let i1 = sampleAt(b + 0.05);
  if (i0 < 0 || i1 <= i0) return;
  if (samples[i1 * 4] < b - 0.05) i1 = Math.min(nSamples - 1, i1 + 1);
  const d = (k: number): number => samples[i1 * 4 + k] - samples[i0 * 4 + k];
  // the run's time is b - a; the main thread's running and waiting since the last write are taken to
  // fall in it (before `a` it was most likely asleep, waiting for the arrival)
  const ms = b - a;
  const run = d(1);
  const wait = d(2);
  const g = Math.min(gcMs, run);
  const part = { gc: g, busy: run - g, preempted: wait, asleep: Math.max(0, ms - run - wait) };
  win.ms += ms;
  win.gcMs += part.gc;
  win.busyMs += part.busy;
  win.preemptedMs += part.preempted;
  win.asleepMs += part.asleep;
  win.otherThreadsMs += Math.max(0, d(3) - run);
  const top = (Object.keys(part) as (keyof typeof part)[]).reduce((x, y) => (part[y] > part[x] ? y : x));
  byCause[top]++;
};
for (let i = 0; i < recs.length; i++) {
  const isLate = recs[i].sent - recs[i].scheduled > args.over;
  if (isLate) {
    late++;
    if (from < 0) {
      from = i;
      runs++;
    }
  } else if (from >= 0) {
    close(i - 1);
    from = -1;
  }
}
if (from >= 0) close(recs.length - 1);
const inWindow = gcs.filter(([s]) => recs.length > 0 && s >= recs[0].scheduled);
writeFileSync(
  args.out,
  JSON.stringify({
    requests: recs.length,
    runs,
    late,
    gc,
    gcPauses: inWindow.length,
    gcMs: inWindow.reduce((x, [, d]) => x + d, 0),
    worstGcMs: inWindow.reduce((x, [, d]) => Math.max(x, d), 0),
    cpuPct,
    window: win,
    byCause,
  }),
);
