/**
 * Why an open-loop send is late (bench only): `node --import tsx bench/floor/pace-probe.ts JSON` runs the
 * executor's open loop (`startLoad`, Poisson, non-streaming) in this process at `rate` with `poll`
 * (pacer_poll_ms), watching garbage collection (PerformanceObserver 'gc' entries). Late sends (lag >
 * `over` ms) are grouped into runs of consecutive arrivals; a run is put down to a GC pause when one
 * overlaps it, else to the event loop not running (the process off the core, or its loop busy). Writes
 * {requests, runs, late, gc, gcPauses, gcMs, worstGcMs, cpuPct}.
 */
import { writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import type { RequestRecord } from '../../src/contracts/index.js';
import { parseWorkloadSpec } from '../../src/executor/spec-schema.js';
import { startLoad } from '../../src/loadgen/run/load-run.js';
import { ServiceFactory } from '../../src/services/factory.js';

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
const recs: RequestRecord[] = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const run = startLoad(parsed.spec, {
  capabilities: ServiceFactory.getCapabilities('dummy'),
  onRecord: (r) => {
    if (!r.warmup) recs.push(r);
  },
});
await run.done;
const cpu = process.cpuUsage(cpu0);
const cpuPct = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100;
obs.disconnect();
recs.sort((a, b) => a.scheduled - b.scheduled);
let late = 0;
let runs = 0;
let gc = 0;
let from = -1;
const close = (to: number): void => {
  // the run spans from the first late arrival's due time to the last one's send
  const a = recs[from].scheduled;
  const b = recs[to].sent;
  if (gcs.some(([s, d]) => s < b && s + d > a)) gc++;
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
  }),
);
