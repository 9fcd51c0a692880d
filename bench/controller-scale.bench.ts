/**
 * What the workload controller costs per executor (issue 11 item 12): CPU and wall time of one status
 * round (GET /status of every executor) and of one metrics round (GET /metrics of every executor, then
 * the exact merge), at 16, 64, 128 and 256 executors. The executors are real executor code (the built
 * dist/, bearer token) in 4 host processes of 64 (bench/executor-host.mjs) driving the simulator (its
 * own process); the controller is the bench process, so its process.cpuUsage() is the controller's.
 * BENCH_SCALE_COUNTS (default "16,64,128,256") sets the executor counts.
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { ExecutorMetrics } from '../src/contracts/index.js';
import { aggregate } from '../src/controller/aggregate.js';
import { BaseWorkloadController, DEFAULT_FAN_OUT } from '../src/controller/base-workload-controller.js';
import { BENCH_TOKEN, type Bench, builtCommand } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const COUNTS = (process.env.BENCH_SCALE_COUNTS ?? '16,64,128,256').split(',').map(Number);
const PER_HOST = 64;
const STATUS_ROUNDS = 30;
const METRICS_ROUNDS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Host {
  child: ResultPromise;
  ports: number[];
}

async function startHost(count: number, first: number): Promise<Host> {
  const child = execa(process.execPath, [join(here, 'executor-host.mjs'), String(count), String(first)], {
    env: { HPCBENCH_TOKEN: BENCH_TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
    reject: false,
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    void child.then(() => reject(new Error('executor host exited before it was ready')));
  });
  return { child, ports: (JSON.parse(line) as { ports: number[] }).ports };
}

async function startSim(): Promise<{ url: string; child: ResultPromise }> {
  const ready = join(tmpdir(), `hpcbench-bench-sim-${process.pid}.json`);
  const { command, args } = builtCommand(
    ...['serve', 'dummy', '--port', '0', '--ready-file', ready, '--load-ms', '0'],
    ...['--max-num-seqs', '1024', '--max-queue', '8192', '--decode-step-ms', '5'],
  );
  const child = execa(command, args, { reject: false, stdio: 'ignore' });
  for (let i = 0; i < 600; i++) {
    try {
      const info = JSON.parse(readFileSync(ready, 'utf8')) as { url: string };
      rmSync(ready, { force: true });
      return { url: info.url, child };
    } catch {
      await sleep(100);
    }
  }
  throw new Error('simulator did not start');
}

/** CPU (user + system) and wall milliseconds of `f`. */
async function measure(f: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000, wall };
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);

interface Row {
  n: number;
  statusWall: number;
  statusCpu: number;
  metricsWall: number;
  metricsCpu: number;
  mergeCpu: number;
  mergeWall: number;
  requests: number;
  snapshotBytes: number;
}

async function measureAt(n: number, ports: number[], simUrl: string): Promise<Row> {
  const eps = ports.slice(0, n).map((p) => `127.0.0.1:${p}`);
  const c = new BaseWorkloadController(
    eps.map((_, i) => `e${i}`),
    5000,
    60,
    { token: BENCH_TOKEN, endpoints: eps, pollInterval: 0.5 },
  );
  if (!(await c.verifyClientHealth())) throw c.lastFailure;
  await c.startWorkload({
    benchmark: `scale-${n}`,
    server_url: simUrl,
    model: 'dummy-model',
    duration: 8,
    warmup: 0,
    clients_per_node: 1,
    sleep_seconds: 0.2,
    max_tokens: 8,
    stream: true,
  });
  await sleep(1000);
  // status rounds while the executors run their load (as the orchestrator polls)
  const status: { cpu: number; wall: number }[] = [];
  for (let i = 0; i < STATUS_ROUNDS; i++) {
    status.push(await measure(() => c.getStatus()));
    await sleep(50);
  }
  await c.waitForCompletion({ timeout: 60 });
  const metrics: { cpu: number; wall: number }[] = [];
  for (let i = 0; i < METRICS_ROUNDS; i++) metrics.push(await measure(() => c.getMetrics()));
  // the merge alone: the executors' GET /metrics bodies, fetched once, aggregated METRICS_ROUNDS times
  const per = await Promise.all(
    eps.map(async (ep, i) => ({
      node: `e${i}`,
      metrics: (await (await fetch(`http://${ep}/metrics`)).json()) as ExecutorMetrics,
    })),
  );
  const merges: { cpu: number; wall: number }[] = [];
  let requests = 0;
  for (let i = 0; i < METRICS_ROUNDS; i++)
    merges.push(
      await measure(async () => {
        requests = aggregate(per, 'b').total_requests;
      }),
    );
  await c.stopWorkload();
  return {
    n,
    statusWall: median(status.map((s) => s.wall)),
    statusCpu: median(status.map((s) => s.cpu)),
    metricsWall: median(metrics.map((s) => s.wall)),
    metricsCpu: median(metrics.map((s) => s.cpu)),
    mergeCpu: median(merges.map((m) => m.cpu)),
    mergeWall: median(merges.map((m) => m.wall)),
    requests,
    snapshotBytes: median(per.map((p) => JSON.stringify(p.metrics.snapshot).length)),
  };
}

export const bench: Bench = {
  name: 'controller-scale',
  async run() {
    const max = Math.max(...COUNTS);
    const load0 = loadavg();
    const sim = await startSim();
    const hosts: Host[] = [];
    try {
      for (let first = 0; first < max; first += PER_HOST)
        hosts.push(await startHost(Math.min(PER_HOST, max - first), first));
      const ports = hosts.flatMap((h) => h.ports);
      const rows: Row[] = [];
      for (const n of COUNTS) {
        process.stderr.write(`controller-scale: ${n} executors ...\n`);
        rows.push(await measureAt(n, ports, sim.url));
      }
      const last = rows[rows.length - 1];
      const perStatus = last.statusCpu / last.n;
      const perMetrics = last.metricsCpu / last.n;
      const perMerge = last.mergeCpu / last.n;
      const lines = [
        `The controller (\`BaseWorkloadController\`, fan-out ${DEFAULT_FAN_OUT}) in the bench process; the`,
        `executors are real executor code (the built dist/, bearer token) hosted ${PER_HOST} per process`,
        '(`bench/executor-host.mjs`), each running one closed-loop user (0.2 s think time, 8 streamed tokens)',
        'against the simulator in its own process, all on the same 2-core machine. A status round is',
        `GET /status of every executor while they run (median of ${STATUS_ROUNDS}); a metrics round is GET /metrics`,
        'of every executor plus the exact merge (`aggregate`: histograms added, counters summed, the',
        `per-client and merged summaries; median of ${METRICS_ROUNDS}); "merge" is \`aggregate\` alone on the fetched`,
        'bodies. CPU = user + system time of the controller process (process.cpuUsage()) during the round.',
        '',
        `Load average at the start: ${load0.map((l) => l.toFixed(1)).join(' ')} (the machine is shared).`,
        '',
        '| executors | status round wall ms | status round CPU ms | status CPU µs / executor | metrics round wall ms | metrics round CPU ms | metrics CPU µs / executor | merge wall ms | merge CPU ms | merge CPU µs / executor | requests merged | snapshot bytes / executor |',
        '|---|---|---|---|---|---|---|---|---|---|---|---|',
        ...rows.map(
          (r) =>
            `| ${r.n} | ${f1(r.statusWall)} | ${f1(r.statusCpu)} | ${f1((r.statusCpu / r.n) * 1000)} | ${f1(r.metricsWall)} | ${f1(r.metricsCpu)} | ${f1((r.metricsCpu / r.n) * 1000)} | ${f1(r.mergeWall)} | ${f1(r.mergeCpu)} | ${f1((r.mergeCpu / r.n) * 1000)} | ${r.requests} | ${r.snapshotBytes} |`,
        ),
        '',
        `At ${last.n} executors: ${f2(perStatus)} ms of controller CPU per executor per status round, ${f2(perMetrics)} ms per executor per metrics round (of which the merge ${f2(perMerge)} ms). Wall times are longer than CPU times when the machine is busy (other work takes the cores; see the load average): CPU is the controller's own cost.`,
        `Linear extrapolation to 1,000 executors: a status round about ${f1(perStatus * 1000)} ms of CPU (the orchestrator polls once a second, so about ${f1(perStatus * 100)}% of one core while a benchmark runs), a metrics round about ${f1(perMetrics * 1000)} ms of CPU once per benchmark (the merge ${f1(perMerge * 1000)} ms of it); with the default fan-out of ${DEFAULT_FAN_OUT}, at most ${DEFAULT_FAN_OUT} executor calls are in flight, so 1,000 executors take ${Math.ceil(1000 / DEFAULT_FAN_OUT)} waves of calls per round.`,
        '',
        `Load average at the end: ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}.`,
      ];
      return lines.join('\n');
    } finally {
      for (const h of hosts) h.child.kill('SIGTERM');
      await Promise.all(hosts.map((h) => h.child));
      sim.child.kill('SIGTERM');
      await sim.child;
    }
  },
};
