/**
 * `hpcbench report` recovering a killed run rebuilds more than the client figures, each from what is on
 * disk with the definition a run uses (src/orchestrator/recover-benchmark.ts): an open-loop benchmark's
 * saturation verdict, its server view from the monitor's periodic server scrapes and its energy from the
 * monitor CSVs (above run.json's idle baseline); a session benchmark's sessions {started, completed} from
 * its turns' records; a killed capacity search from its finished probes, marked interrupted; the recipe's
 * thresholds for the unfinished benchmark, judged on the rebuilt figures as a finished benchmark's are (one
 * whose figure could not be rebuilt fails, said as not judged), in summary.json, report.html and the
 * output of `hpcbench report`, the run still interrupted. What is not on disk is said in the benchmark's
 * `recovery` lines, not left out silently.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/contracts/index.js';
import { evaluateThresholds } from '../../src/decide/evaluate.js';
import { figureSource } from '../../src/decide/figures.js';
import { generatorCheck, INVALID_LABEL } from '../../src/decide/generator-gate.js';
import { newRecord, recordToJson } from '../../src/loadgen/record.js';
import { arrivalTimes, buildSchedule, executorSchedule } from '../../src/loadgen/schedule/index.js';
import { recoverRun } from '../../src/orchestrator/recover.js';
import { resolveRecipe } from '../../src/recipe/index.js';
import { esc } from '../../src/report/html-page.js';
import { writeHtmlReport } from '../../src/report/write-report.js';
import { runCli } from '../e2e/helpers.js';
import { specFrom } from '../helpers/spec.js';

const gonePid = (): number => spawnSync(process.execPath, ['-e', '']).pid as number;
const T0 = Date.parse('2026-01-01T12:00:00.000Z');
const iso = (t: number) => new Date(t).toISOString();

let dir: string | undefined;
/** Every run folder made (a test may make more than one): all removed after it. */
const made: string[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
  dir = undefined;
});

const json = async (...p: string[]) => JSON.parse(await readFile(join(dir as string, ...p), 'utf8'));

/** A killed run's folder: run.json `running` (its orchestrator gone) listing `benchmarks`. */
async function runFolder(
  benchmarks: { name: string; status: string }[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-recover-figures-'));
  made.push(dir);
  const run = {
    hpcbench_version: '0',
    scenario: 's',
    run_id: 'r',
    mode: 'local',
    service: 'vllm',
    server_nodes: ['gpu1'],
    client_nodes: ['x'],
    server_endpoints: ['http://127.0.0.1:9'],
    client_endpoints: ['127.0.0.1:5000'],
    started_at: iso(T0 - 60_000),
    status: 'running',
    orchestrator: { host: hostname(), pid: gonePid() },
    benchmarks,
    ...extra,
  };
  await writeFile(join(dir, 'run.json'), JSON.stringify(run));
  await mkdir(join(dir, 'monitor'), { recursive: true });
  return dir;
}

/**
 * A benchmark started by the orchestrator (metrics.json `running`) with one executor's records file (x's;
 * `executors`: those metrics.json lists, default x alone; `kept`: more fields of metrics.json).
 */
async function startedBenchmark(
  name: string,
  body: Record<string, unknown>,
  records: RequestRecord[],
  executors: { node: string; index: number; count: number; window_start: number }[] = [
    { node: 'x', index: 0, count: 1, window_start: T0 },
  ],
  kept: Record<string, unknown> = {},
) {
  const bdir = join(dir as string, 'benchmarks', name);
  await mkdir(bdir, { recursive: true });
  const spec = specFrom({
    benchmark: name,
    server_url: 'http://127.0.0.1:9',
    model: 'm',
    warmup: 0,
    ...body,
  } as Parameters<typeof specFrom>[0]);
  await writeFile(
    join(bdir, 'metrics.json'),
    JSON.stringify({
      benchmark: name,
      status: 'running',
      started_at: iso(T0),
      spec,
      executors,
      ...kept,
      per_client: [],
    }),
  );
  await writeFile(join(bdir, 'records-x.jsonl'), `${records.map(recordToJson).join('\n')}\n`);
}

/** An ok streamed request sent at `at`: TTFT 20 ms, then 8 tokens 10 ms apart. */
function request(name: string, i: number, at: number, extra: Partial<RequestRecord> = {}): RequestRecord {
  const r = newRecord({
    id: `x-${i}`,
    benchmark: name,
    executor: 'x',
    warmup: false,
    api: 'chat',
    stream: true,
    scheduled: at,
    prompt_tokens_client: 32,
  });
  r.sent = at;
  for (let k = 0; k < 8; k++) r.chunks.push(at + 20 + 10 * k);
  r.first_token = r.chunks[0];
  r.last_token = r.chunks[7];
  r.end = r.last_token + 1;
  Object.assign(r, { status: 'ok', prompt_tokens: 32, output_tokens: 8, output_tokens_client: 8 }, extra);
  return r;
}

/** The monitor's scrape rows of one vLLM server at `at` with the counters given. */
function scrapeRows(at: number, tokens: number, ok: number, running: number): string[] {
  const ts = iso(at);
  return [
    { ts, metric: 'vllm:generation_tokens_total', labels: { model_name: 'm' }, value: tokens },
    { ts, metric: 'vllm:prompt_tokens_total', labels: { model_name: 'm' }, value: 4 * tokens },
    { ts, metric: 'vllm:request_success_total', labels: { finished_reason: 'length' }, value: ok },
    { ts, metric: 'vllm:num_requests_running', labels: {}, value: running },
  ].map((r) => JSON.stringify(r));
}

/** A GPU node's monitor CSV: `watts` every second from `from` to `to`. */
function powerCsv(from: number, to: number, watts: number): string {
  const lines = ['timestamp,gpu0_power_W,node,role,host'];
  for (let t = from; t <= to; t += 1000) lines.push(`${iso(t)},${watts},gpu1,server,gpu1`);
  return `${lines.join('\n')}\n`;
}

const IDLE = { start: iso(T0 - 20_000), end: iso(T0 - 10_000), duration_s: 10, gpu_power_w: 100 };

describe('recovering an open-loop benchmark', () => {
  // 10 req/s for 10 s: the last request ends at T0 + 9900 + 91 ms
  const recs = Array.from({ length: 100 }, (_, i) => request('open', i, T0 + 100 * i));
  const end = T0 + 9900 + 91;

  it('rebuilds saturation, the server view from the monitor scrapes and the energy above idle', async () => {
    const d = await runFolder([{ name: 'open', status: 'running' }], { idle_baseline: IDLE });
    await startedBenchmark(
      'open',
      { duration: 10, load: { mode: 'open', target_rps: 10, request_distribution: 'constant' } },
      recs,
    );
    // scrapes every 5 s, the monitor still running after the window (it outlived the orchestrator)
    const rows = [
      ...scrapeRows(T0 - 2000, 5000, 600, 0),
      ...scrapeRows(T0 + 3000, 5240, 630, 2),
      ...scrapeRows(T0 + 8000, 5640, 680, 2),
      ...scrapeRows(end + 3000, 5800, 700, 0),
    ];
    await writeFile(join(d, 'monitor', 'server-gpu1-0.jsonl'), `${rows.join('\n')}\n`);
    await writeFile(join(d, 'monitor', 'gpu1-server.csv'), powerCsv(T0 - 30_000, end + 5000, 300));

    const r = await recoverRun(d);
    expect(r.rebuilt).toEqual(['open']);
    const s = await json('benchmarks', 'open', 'summary.json');
    expect(s.requests.ok).toBe(100);
    // saturation, judged on the rebuilt snapshot
    expect(s.saturation).toMatchObject({ saturated: false });
    // the server view: from the last scrape before the window to the first after it
    expect(s.server_metrics.window).toMatchObject({
      start: iso(T0 - 2000),
      end: iso(end + 3000),
      start_trigger: 'monitor-scrape',
    });
    expect(s.server_metrics.counters).toMatchObject({
      generation_tokens: 800,
      prompt_tokens: 3200,
      requests_succeeded: 100,
    });
    expect(s.server_metrics.rate_basis).toBe('client-window');
    expect(s.server_metrics.rates.output_tokens_per_s).toBeCloseTo(800 / s.duration_s, 6);
    expect(s.server_metrics.gauges.running_requests).toMatchObject({ max: 2, samples: 4 });
    expect(s.server_metrics.notes.join(' ')).toMatch(/rebuilt by hpcbench report from the monitor/);
    // the energy over the measurement window at 300 W, above the 100 W idle baseline
    expect(s.energy.window.start).toBe(iso(T0));
    expect(s.energy.energy_j).toBeCloseTo(300 * s.energy.window.duration_s, 0);
    expect(s.energy.energy_above_idle_j).toBeCloseTo(200 * s.energy.window.duration_s, 0);
    expect(s.energy.idle).toEqual(IDLE);
    expect(s.energy.output_tokens).toBe(800);
    expect(await readFile(join(d, 'benchmarks', 'open', 'power.csv'), 'utf8')).toMatch(/gpu1,server,1,300/);
    expect(s.recovery.join('\n')).toMatch(/server_metrics: rebuilt from the monitor.s server scrapes over/);
    expect(s.recovery.join('\n')).toMatch(/energy: rebuilt from the monitor CSVs/);
    // every arrival due by the last send (T0 + 9.9 s) was sent; the load generator kept up
    expect(s.dropped_sends).toBe(0);
    expect(s.recovery).toContain(
      `dropped_sends: rebuilt: 0 of the 100 arrivals due by its executor’s last send measured (${iso(T0 + 9900)}, 9.9 s into the measurement) had not been sent; those scheduled after it were not due yet by then (the measurement ends there) and are not counted`,
    );
    expect(s.load_generator).toMatchObject({ valid: true, label: 'valid', sent_share: 1 });
    expect(r.details?.some((l) => l.startsWith('open: energy: rebuilt'))).toBe(true);
  });

  it('says what is not on disk: scrapes and power samples that end with the orchestrator, before the window', async () => {
    const d = await runFolder([{ name: 'open', status: 'running' }]);
    await startedBenchmark('open', { duration: 10, load: { mode: 'open', target_rps: 10 } }, recs);
    const rows = [...scrapeRows(T0 - 2000, 5000, 600, 0), ...scrapeRows(T0 + 3000, 5240, 630, 2)];
    await writeFile(join(d, 'monitor', 'server-gpu1-0.jsonl'), `${rows.join('\n')}\n`);
    await writeFile(join(d, 'monitor', 'gpu1-server.csv'), powerCsv(T0 - 30_000, T0 + 3000, 300));
    await recoverRun(d);
    const s = await json('benchmarks', 'open', 'summary.json');
    // the server view covers the first 5 s only, and says so; its rates are over the scrapes' span
    expect(s.server_metrics.counters.generation_tokens).toBe(240);
    expect(s.server_metrics.rate_basis).toBe('scrape-window');
    expect(s.server_metrics.notes.join(' ')).toMatch(/before the measurement window.s end/);
    expect(s.recovery.join('\n')).toMatch(/server_metrics: rebuilt .* over part of the measurement window/);
    // no energy: the window's is not on disk
    expect(s.energy).toBeUndefined();
    expect(s.recovery.join('\n')).toMatch(
      /energy: not rebuilt: the monitors’ power samples end at .*before the measurement window’s end/,
    );
  });

  it('without monitoring: the server view is not rebuilt, and the summary says why', async () => {
    const d = await runFolder([{ name: 'open', status: 'running' }]);
    await startedBenchmark('open', { duration: 10, load: { mode: 'open', target_rps: 10 } }, recs);
    await recoverRun(d);
    const s = await json('benchmarks', 'open', 'summary.json');
    expect(s.server_metrics).toBeUndefined();
    expect(s.recovery.join('\n')).toMatch(
      /server_metrics: not rebuilt: .*no monitor file .*server-gpu1-0\.jsonl/,
    );
    // nor energy, as in a run without power readings: nothing to say
    expect(s.energy).toBeUndefined();
    // records 100 ms apart are not the spec's Poisson schedule (seed 0): its unsent arrivals cannot be
    // counted, and the gate judges what it can (the schedule lag), saying what it did not
    expect(s.recovery).toContain(
      'dropped_sends: not rebuilt for x: its arrival schedule replayed from the spec does not reproduce the scheduled times recorded',
    );
    expect(s.load_generator).toMatchObject({ valid: true, sent_share: null });
    expect(s.recovery).toContain(
      'load_generator: its sent-share criterion not judged: the unsent arrivals could not be counted (dropped_sends above)',
    );
  });
});

describe('recovering an open-loop benchmark whose load generator fell behind', () => {
  // 10 req/s constant, planned for 60 s (600 arrivals) and killed: the executor sent arrivals 0..39 of
  // T0 + 100 ms·i, each later than the last (sent at T0 + 200 ms·i: lag 100 ms·i), its last send at T0 + 7.8 s
  const behind = Array.from({ length: 40 }, (_, i) =>
    request('open', i, T0 + 200 * i, { scheduled: T0 + 100 * i }),
  );
  const CONSTANT = { duration: 60, load: { mode: 'open', target_rps: 10, request_distribution: 'constant' } };

  async function killedBehind(): Promise<string> {
    const d = await runFolder([{ name: 'open', status: 'running' }]);
    await startedBenchmark('open', CONSTANT, behind);
    return d;
  }

  it('judges the gate on the sends due by the last send measured: invalid (load generator), still interrupted', async () => {
    const d = await killedBehind();
    const r = await recoverRun(d);
    const s = await json('benchmarks', 'open', 'summary.json');
    expect(s.status).toBe('interrupted');
    // due by T0 + 7.8 s: arrivals 0..77 (78); 40 sent, 38 not; the 522 scheduled after it were not due yet
    expect(s.requests.sent).toBe(40);
    expect(s.dropped_sends).toBe(38);
    expect(s.requested_rps).toBe(10);
    expect(s.achieved_rps).toBeCloseTo(40 / 7.8, 9);
    expect(s.load_generator).toMatchObject({
      valid: false,
      label: INVALID_LABEL,
      requested_rps: 10,
      sent_share: 40 / 78,
      max_schedule_lag_ms: 50,
    });
    expect(s.load_generator.reasons[0]).toBe(
      'sent 40 of 78 scheduled sends (51.3%, below 99.0%): achieved 5.13/s of 10.00/s requested',
    );
    expect(s.load_generator.reasons[1]).toMatch(
      /^schedule lag p99 39\d\d\.\d ms above max_schedule_lag 50 ms$/,
    );
    expect(s.load_generator.reasons).toHaveLength(2);
    // the evaluator a finished benchmark's gate uses, on the rebuilt summary
    expect(s.load_generator).toEqual(generatorCheck(s));
    expect(s.reason).toMatch(
      /^interrupted: the orchestrator stopped mid-benchmark; its figures were rebuilt .*; invalid \(load generator\): sent 40 of 78 scheduled sends/,
    );
    expect(s.recovery).toContain(
      `dropped_sends: rebuilt: 38 of the 78 arrivals due by its executor’s last send measured (${iso(T0 + 7800)}, 7.8 s into the measurement) had not been sent; those scheduled after it were not due yet by then (the measurement ends there) and are not counted`,
    );
    expect(s.recovery).toContain(
      `load_generator: judged on the rebuilt figures up to the last send measured, 51.3% of the sends due by then made: invalid (load generator): ${s.load_generator.reasons.join('; ')}`,
    );
    expect(s.recovery).toContain(
      'load_generator: its event-loop criterion not judged: executor_load is not on disk (each executor reports its event loop and CPU in GET /metrics only)',
    );
    expect(r.generators).toEqual([{ name: 'open', check: s.load_generator }]);
    // every output a finished benchmark's check shows in; the run stays interrupted
    expect((await json('run.json')).status).toBe('interrupted');
    const run = await json('summary.json');
    expect(run.status).toBe('interrupted');
    expect(run.benchmarks[0].load_generator).toEqual(s.load_generator);
    const md = await readFile(join(d, 'summary.md'), 'utf8');
    expect(md).toContain('| open | interrupted, invalid (load generator) |');
    expect(md).toContain(
      `- warning: benchmark open interrupted, invalid (load generator): ${s.load_generator.reasons.join('; ')} — judged on what was measured before it stopped; its figures describe the load generator, not the server`,
    );
    const csv = (await readFile(join(d, 'benchmarks.csv'), 'utf8')).split('\n');
    const head = csv[0].split(',');
    expect(csv[1].split(',')[head.indexOf('load_generator')]).toBe(INVALID_LABEL);
    expect(csv[1].split(',')[head.indexOf('sent_share')]).toBe(String(Math.round((40 / 78) * 1000) / 1000));
    const html = await readFile(await writeHtmlReport(d), 'utf8');
    const summary = html.slice(html.indexOf('<h2>Summary</h2>'));
    expect(summary).toContain('<td>interrupted, invalid (load generator)</td>');
    for (const line of s.recovery) expect(html).toContain(`<li>${esc(`open: ${line}`)}</li>`);
  });

  it('a generator that kept up, killed at 4 s of 60: nothing dropped, the planned window’s later arrivals not counted', async () => {
    await runFolder([{ name: 'open', status: 'running' }]);
    const kept = Array.from({ length: 40 }, (_, i) =>
      request('open', i, T0 + 100 * i + 1, { scheduled: T0 + 100 * i }),
    );
    await startedBenchmark('open', CONSTANT, kept);
    await recoverRun(dir as string);
    const s = await json('benchmarks', 'open', 'summary.json');
    expect(s.dropped_sends).toBe(0);
    expect(s.load_generator).toMatchObject({ valid: true, label: 'valid', sent_share: 1, reasons: [] });
    expect(s.reason).not.toMatch(/load generator/);
    const md = await readFile(join(dir as string, 'summary.md'), 'utf8');
    expect(md).toContain('| open | interrupted |');
    expect(md).not.toContain('invalid (load generator)');
  });

  it('a Poisson schedule is replayed from its seed, also past a warmup backlog the loop passed in one step', async () => {
    // the executor's schedule (seed 7, 50/s); it sent 20 warmup arrivals, was behind at the end of warmup
    // (1 s), passed the backlog in one step (open-loop.ts passTo) and sent 30 measured arrivals late
    const spec = specFrom({
      benchmark: 'open',
      server_url: 'http://127.0.0.1:9',
      model: 'm',
      warmup: 1,
      duration: 60,
      seed: 7,
      load: { mode: 'open', target_rps: 50 },
    } as Parameters<typeof specFrom>[0]);
    const t0 = T0 - 1000;
    const sched = buildSchedule(executorSchedule(spec) as NonNullable<ReturnType<typeof executorSchedule>>);
    const recs: RequestRecord[] = [];
    let s = sched.next();
    for (let i = 0; i < 20; i++, s = sched.next())
      recs.push(request('open', i, t0 + 1000 * s, { warmup: true }));
    expect(t0 + 1000 * s).toBeLessThan(T0); // the loop's pending arrival was a warmup one: passed
    sched.skipTo(1);
    const measured: number[] = [];
    for (let i = 0; i < 30; i++) measured.push(t0 + 1000 * sched.next());
    // sent at most 25/s (one every 40 ms from the measurement start) of the 50/s asked: falling behind
    for (const [i, at] of measured.entries())
      recs.push(request('open', 20 + i, Math.max(at, T0 + 40 * i), { scheduled: at }));
    await runFolder([{ name: 'open', status: 'running' }]);
    await startedBenchmark(
      'open',
      { duration: 60, warmup: 1, seed: 7, load: { mode: 'open', target_rps: 50 } },
      recs,
    );
    await recoverRun(dir as string);
    const out = await json('benchmarks', 'open', 'summary.json');
    expect(out.requests.sent).toBe(30);
    const last = Math.max(...recs.filter((r) => !r.warmup).map((r) => r.sent));
    // the arrivals after the last one sent and before the last send: about 50/s over that span
    const span = (last - measured[29]) / 1000;
    expect(span).toBeGreaterThan(0.4);
    expect(out.dropped_sends).toBeGreaterThan(50 * span - 4 * Math.sqrt(50 * span));
    expect(out.dropped_sends).toBeLessThan(50 * span + 4 * Math.sqrt(50 * span));
    expect(out.recovery.join('\n')).toMatch(
      new RegExp(
        `^dropped_sends: rebuilt: ${out.dropped_sends} of the ${30 + out.dropped_sends} arrivals due`,
        'm',
      ),
    );
    expect(out.load_generator.valid).toBe(false);
  });

  it('requested_rps as the executor’s own figures have it: a ramp’s mean rate up to the last send, none for sessions', async () => {
    // a linear ramp 10 → 30/s over 20 s (rate 10 + s), killed 5 s in, its constant arrivals sent on time
    const ramp = {
      duration: 20,
      load: {
        mode: 'ramp',
        ramp: 'linear',
        ramp_start_rps: 10,
        ramp_end_rps: 30,
        request_distribution: 'constant',
      },
    };
    const spec = specFrom({
      benchmark: 'ramp',
      server_url: 'http://127.0.0.1:9',
      model: 'm',
      warmup: 0,
      ...ramp,
    } as Parameters<typeof specFrom>[0]);
    const times = arrivalTimes(
      executorSchedule(spec) as NonNullable<ReturnType<typeof executorSchedule>>,
      200,
    )
      .map((t) => T0 + 1000 * t)
      .filter((t) => t < T0 + 5000);
    const recs = times.map((at, i) => request('ramp', i, at));
    await runFolder([{ name: 'ramp', status: 'running' }]);
    await startedBenchmark('ramp', ramp, recs);
    await recoverRun(dir as string);
    const s = await json('benchmarks', 'ramp', 'summary.json');
    // Λ(5 s) = 10·5 + 5²/2 = 62.5 arrivals: 12.5/s on average over the 5 s measured (not the 20 s ramp's 20/s)
    const span = ((times.at(-1) as number) - T0) / 1000; // to the last send
    expect(s.requested_rps).toBeCloseTo((10 * span + span ** 2 / 2) / span, 9);
    expect(s.requested_rps).toBeCloseTo(12.5, 0);
    expect(s.dropped_sends).toBe(0);
    expect(s.load_generator).toMatchObject({ valid: true, sent_share: 1, requested_rps: s.requested_rps });

    // open-loop sessions: the schedule is of sessions, the figures count requests: no requested_rps, no gate
    const turns = Array.from({ length: 20 }, (_, i) =>
      request('chat', i, T0 + 500 * Math.floor(i / 2) + 100 * (i % 2), {
        session: `x-s${Math.floor(i / 2)}`,
        turn: 1 + (i % 2),
        turns: 2,
      }),
    );
    await runFolder([{ name: 'chat', status: 'running' }]);
    await startedBenchmark(
      'chat',
      {
        duration: 30,
        api: 'chat',
        session: { turns: 2 },
        load: { mode: 'open', target_rps: 2, request_distribution: 'constant' },
      },
      turns,
    );
    await recoverRun(dir as string);
    const c = await json('benchmarks', 'chat', 'summary.json');
    expect(c.requested_rps).toBeUndefined();
    expect(c.load_generator).toBeUndefined();
    // the sessions' arrivals (their first turns) every 500 ms all started by the last send
    expect(c.dropped_sends).toBe(0);
    expect(c.recovery.join('\n')).toMatch(/^dropped_sends: rebuilt: 0 of the 10 arrivals due/m);
  });

  it('a ramp with max_concurrency waits for a free slot as an open loop does: capped, nothing to judge', async () => {
    // a 10/s constant ramp held to 1 request in flight by a slow server: sends 200 ms apart, behind
    // its schedule (as the open loop with max_concurrency above would be), which is not the generator
    const load = {
      mode: 'ramp',
      ramp: 'linear',
      ramp_start_rps: 10,
      ramp_end_rps: 10,
      request_distribution: 'constant',
      max_concurrency: 1,
    };
    await runFolder([{ name: 'ramp', status: 'running' }]);
    const spec = specFrom({
      benchmark: 'ramp',
      server_url: 'http://127.0.0.1:9',
      model: 'm',
      warmup: 0,
      duration: 60,
      load,
    } as Parameters<typeof specFrom>[0]);
    const times = arrivalTimes(
      executorSchedule(spec) as NonNullable<ReturnType<typeof executorSchedule>>,
      40,
    );
    const recs = times.map((t, i) => request('ramp', i, T0 + 200 * i, { scheduled: T0 + 1000 * t }));
    await startedBenchmark('ramp', { duration: 60, load }, recs);
    await recoverRun(dir as string);
    const s = await json('benchmarks', 'ramp', 'summary.json');
    expect(s.dropped_sends).toBeGreaterThan(30); // behind its schedule: a slot was never free in time
    expect(s.load_generator).toBeUndefined();
    expect(s.reason).not.toMatch(/load generator/);
    expect(s.recovery).toContain(
      'load_generator: not judged: with max_concurrency only its event-loop criterion applies, and executor_load is not on disk (each executor reports its event loop and CPU in GET /metrics only)',
    );
    const md = await readFile(join(dir as string, 'summary.md'), 'utf8');
    expect(md).toContain('| ramp | interrupted |');
  });

  it('a sent share that could not be judged is said wherever the check is shown, never plain valid', async () => {
    // sent on time, but at times the constant 10/s schedule replayed from the spec does not have (37 ms
    // off): its unsent arrivals cannot be counted; nothing else is held against the generator
    await runFolder([{ name: 'open', status: 'running' }]);
    const off = Array.from({ length: 40 }, (_, i) =>
      request('open', i, T0 + 100 * i + 38, { scheduled: T0 + 100 * i + 37 }),
    );
    await startedBenchmark('open', CONSTANT, off);
    const r = await recoverRun(dir as string);
    const s = await json('benchmarks', 'open', 'summary.json');
    const why =
      'the unsent arrivals could not be counted for x: its arrival schedule replayed from the spec does not reproduce the scheduled times recorded';
    const label = `valid (sent share not judged: ${why})`;
    // valid: nothing was found against it (a search or check reads `valid`), but labelled as not judged
    expect(s.load_generator).toMatchObject({ valid: true, label, sent_share: null, reasons: [] });
    expect(s.dropped_sends).toBeNull();
    expect(r.generators).toEqual([{ name: 'open', check: s.load_generator }]);
    expect(s.recovery).toContain(`dropped_sends: not rebuilt for x: ${why.replace(/^.* for x: /, '')}`);
    expect(s.recovery).toContain(
      `load_generator: judged on the rebuilt figures up to the last send measured: ${label}`,
    );
    const csv = (await readFile(join(dir as string, 'benchmarks.csv'), 'utf8')).split('\n');
    expect(csv[1]).toContain(label);
    const html = await readFile(await writeHtmlReport(dir as string), 'utf8');
    expect(html).toContain(
      esc(`open: load_generator: judged on the rebuilt figures up to the last send measured: ${label}`),
    );
    expect(html).not.toMatch(/measured: valid</);
    const md = await readFile(join(dir as string, 'summary.md'), 'utf8');
    expect(md).toContain('| open | interrupted |');
    expect(md).not.toMatch(/\bvalid\b/);
  });

  it('an executor without a records file is not counted silently: counted for 1 of 2 executors', async () => {
    // two executors at 10/s between them; x sent its share (5/s) on time, y wrote no records file
    await runFolder([{ name: 'open', status: 'running' }]);
    const spec = specFrom({
      benchmark: 'open',
      server_url: 'http://127.0.0.1:9',
      model: 'm',
      warmup: 0,
      ...CONSTANT,
    } as Parameters<typeof specFrom>[0]);
    const own = { ...spec, executor_index: 0, executor_count: 2 };
    const times = arrivalTimes(executorSchedule(own) as NonNullable<ReturnType<typeof executorSchedule>>, 20);
    const recs = times.map((t, i) => request('open', i, T0 + 1000 * t + 1, { scheduled: T0 + 1000 * t }));
    await startedBenchmark('open', CONSTANT, recs, [
      { node: 'x', index: 0, count: 2, window_start: T0 },
      { node: 'y', index: 1, count: 2, window_start: T0 },
    ]);
    await recoverRun(dir as string);
    const s = await json('benchmarks', 'open', 'summary.json');
    // x dropped none, y's are not known: not counted for the benchmark, never 0
    expect(s.dropped_sends).toBeNull();
    expect((await json('benchmarks', 'open', 'metrics.json')).snapshot.dropped_sends_uncounted).toEqual([
      'y: no records file',
    ]);
    expect(s.recovery.join('\n')).toMatch(
      /^dropped_sends: rebuilt: 0 of the 20 arrivals due by each executor’s last send measured .* are not counted \(counted for 1 of 2 executors\)$/m,
    );
    expect(s.recovery).toContain('dropped_sends: not rebuilt for y: no records file');
    // y's sends are not known: the share of x's alone is not the benchmark's
    expect(s.load_generator).toMatchObject({
      valid: true,
      label: 'valid (sent share not judged: the unsent arrivals could not be counted for y: no records file)',
      sent_share: null,
    });
  });

  it('hpcbench report prints the verdict and that the run is interrupted', async () => {
    const d = await killedBehind();
    const rep = await runCli(['report', d]);
    expect(rep.exitCode, rep.all).toBe(0);
    expect(rep.stdout).toMatch(
      /^load_generator: open: invalid \(load generator\): sent 40 of 78 scheduled sends \(51\.3%, below 99\.0%\).*; schedule lag p99 39\d\d\.\d ms above max_schedule_lag 50 ms$/m,
    );
    expect(rep.stdout).toMatch(
      /^note: the run is interrupted: the load generator of open was judged by hpcbench report on the rebuilt figures, with the sends due by the last one measured$/m,
    );
    expect(rep.stderr).toMatch(/^recovery: open: dropped_sends: rebuilt: 38 of the 78 arrivals due/m);
    expect((await json('run.json')).status).toBe('interrupted');
  }, 60_000);

  it('hpcbench report prints a sent share not judged on stdout, not plain valid', async () => {
    await runFolder([{ name: 'open', status: 'running' }]);
    const off = Array.from({ length: 40 }, (_, i) =>
      request('open', i, T0 + 100 * i + 38, { scheduled: T0 + 100 * i + 37 }),
    );
    await startedBenchmark('open', CONSTANT, off);
    const rep = await runCli(['report', dir as string]);
    expect(rep.exitCode, rep.all).toBe(0);
    expect(rep.stdout).toMatch(
      /^load_generator: open: valid \(sent share not judged: the unsent arrivals could not be counted for x: its arrival schedule replayed from the spec does not reproduce the scheduled times recorded\)$/m,
    );
    expect(rep.stdout).not.toMatch(/^load_generator: open: valid$/m);
  }, 60_000);
});

describe('recovering a trace replay', () => {
  /** A Mooncake trace in the run folder with a row at each of `times` (ms): its path and sha256. */
  async function traceFile(times: number[]): Promise<{ path: string; sha256: string }> {
    const path = join(dir as string, 'trace.jsonl');
    const rows = times.map((t) => JSON.stringify({ timestamp: t, input_length: 8, output_length: 4 }));
    const text = `${rows.join('\n')}\n`;
    await writeFile(path, text);
    return { path, sha256: createHash('sha256').update(text).digest('hex') };
  }
  const traceBody = (path: string, load: Record<string, unknown> = {}, extra = {}) => ({
    duration: 60,
    load: { mode: 'trace', ...load },
    prompts: { source: 'trace', format: 'mooncake', path },
    ...extra,
  });
  /** An executor's records file beside x's (`node`'s records). */
  const moreRecords = (name: string, node: string, records: RequestRecord[]) =>
    writeFile(
      join(dir as string, 'benchmarks', name, `records-${node}.jsonl`),
      `${records.map(recordToJson).join('\n')}\n`,
    );
  const short = (sha: string) => `${sha.slice(0, 12)}…`;

  // 10 rows/s, not evenly: row k at 100 k + 30 ms for odd k
  const LATE = Array.from({ length: 600 }, (_, k) => 100 * k + (k % 2) * 30);

  it('on time, over 2 executors (rows i, i+2, ...), time_scale 2, after a warmup: nothing dropped, valid', async () => {
    await runFolder([{ name: 'trace', status: 'running' }]);
    // row k at 50 k + 10 (k mod 4) ms, played at twice its offsets from the load's start (T0 − 1 s warmup)
    const times = Array.from({ length: 400 }, (_, k) => 50 * k + 10 * (k % 4));
    const { path, sha256 } = await traceFile(times);
    const at = (k: number) => T0 - 1000 + 2 * times[k];
    // killed 5 s into the measurement: every row due by then sent 1 ms late, and recorded
    const sent = times.map((_, k) => k).filter((k) => at(k) < T0 + 5000);
    const of = (e: number) =>
      sent
        .filter((k) => k % 2 === e)
        .map((k) => request('trace', k, at(k) + 1, { scheduled: at(k), warmup: at(k) < T0 }));
    const executors = [
      { node: 'x', index: 0, count: 2, window_start: T0 },
      { node: 'y', index: 1, count: 2, window_start: T0 },
    ];
    await startedBenchmark('trace', traceBody(path, { time_scale: 2 }, { warmup: 1 }), of(0), executors, {
      trace: { path, sha256 },
    });
    await moreRecords('trace', 'y', of(1));
    const r = await recoverRun(dir as string);
    const s = await json('benchmarks', 'trace', 'summary.json');
    const measured = sent.filter((k) => at(k) >= T0);
    expect(s.requests.sent).toBe(measured.length);
    expect(s.dropped_sends).toBe(0);
    // measured against the trace, as a finished replay's
    expect(s.latency_ms.schedule_lag.count).toBe(measured.length);
    expect(s.latency_ms.ttft_from_scheduled.count).toBe(measured.length);
    // each executor's rows due in its measurement up to its last send, per second of it, summed
    const rate = (e: number) => {
      const last = Math.max(...measured.filter((k) => k % 2 === e).map((k) => at(k) + 1));
      const due = times.filter((_, k) => k % 2 === e && at(k) >= T0 && at(k) < last).length;
      return due / ((last - T0) / 1000);
    };
    expect(s.requested_rps).toBeCloseTo(rate(0) + rate(1), 9);
    expect(s.load_generator).toMatchObject({ valid: true, label: 'valid', sent_share: 1, reasons: [] });
    expect(s.load_generator).toEqual(generatorCheck(s));
    expect(r.generators).toEqual([{ name: 'trace', check: s.load_generator }]);
    expect(s.recovery).toContain(
      `trace: the rows of ${path} replayed, the file the benchmark started with (sha256 ${short(sha256)}, metrics.json trace)`,
    );
    expect(s.recovery.join('\n')).toMatch(
      new RegExp(
        `^dropped_sends: rebuilt: 0 of the ${measured.length} arrivals due by each executor’s last send measured `,
        'm',
      ),
    );
    expect(s.recovery.join('\n')).not.toMatch(/^dropped_sends[^\n]*not rebuilt/m);
  });

  it('late: the rows due by the last send and not sent are dropped, invalid (load generator)', async () => {
    await runFolder([{ name: 'trace', status: 'running' }]);
    const { path, sha256 } = await traceFile(LATE);
    // rows 0..39 sent one every 200 ms, later and later; the last send at T0 + 7.8 s
    const recs = LATE.slice(0, 40).map((t, k) => request('trace', k, T0 + 200 * k, { scheduled: T0 + t }));
    await startedBenchmark('trace', traceBody(path), recs, undefined, { trace: { path, sha256 } });
    const r = await recoverRun(dir as string);
    const s = await json('benchmarks', 'trace', 'summary.json');
    // due by 7.8 s: rows 0..77 (78); 40 sent, rows 40..77 not; the 522 after it were not due yet
    const unsent = LATE.filter((t) => t > LATE[39] && T0 + t < T0 + 7800).length;
    expect(unsent).toBe(38);
    expect(s.status).toBe('interrupted');
    expect(s.dropped_sends).toBe(38);
    expect(s.requested_rps).toBeCloseTo(78 / 7.8, 9);
    expect(s.load_generator).toMatchObject({ valid: false, label: INVALID_LABEL, sent_share: 40 / 78 });
    expect(s.load_generator.reasons[0]).toBe(
      'sent 40 of 78 scheduled sends (51.3%, below 99.0%): achieved 5.13/s of 10.00/s requested',
    );
    expect(s.load_generator).toEqual(generatorCheck(s));
    expect(r.generators).toEqual([{ name: 'trace', check: s.load_generator }]);
    expect(s.recovery).toContain(
      `dropped_sends: rebuilt: 38 of the 78 arrivals due by its executor’s last send measured (${iso(T0 + 7800)}, 7.8 s into the measurement) had not been sent; those scheduled after it were not due yet by then (the measurement ends there) and are not counted`,
    );
    expect(s.reason).toMatch(/; invalid \(load generator\): sent 40 of 78 scheduled sends/);
    const md = await readFile(join(dir as string, 'summary.md'), 'utf8');
    expect(md).toContain('| trace | interrupted, invalid (load generator) |');
    const csv = (await readFile(join(dir as string, 'benchmarks.csv'), 'utf8')).split('\n');
    expect(csv[1].split(',')[csv[0].split(',').indexOf('load_generator')]).toBe(INVALID_LABEL);
  });

  it('rows sharing the instant of the last one recorded and not in the records: said, not counted as dropped', async () => {
    await runFolder([{ name: 'trace', status: 'running' }]);
    // bursts of 4 rows at each 100 ms instant (40 rows/s)
    const { path, sha256 } = await traceFile(Array.from({ length: 400 }, (_, k) => 100 * Math.floor(k / 4)));
    // rows 0..41 sent one every 50 ms and recorded; 42 and 43 (due at 1 s with 40 and 41) are not
    const recs = Array.from({ length: 42 }, (_, k) =>
      request('trace', k, T0 + 50 * k, { scheduled: T0 + 100 * Math.floor(k / 4) }),
    );
    await startedBenchmark('trace', traceBody(path), recs, undefined, { trace: { path, sha256 } });
    await recoverRun(dir as string);
    const s = await json('benchmarks', 'trace', 'summary.json');
    // due by the last send (2.05 s): rows 0..83; after the 1 s instant and not sent: rows 44..83
    expect(s.dropped_sends).toBe(40);
    expect(s.recovery).toContain(
      'dropped_sends: 2 more arrival(s) due at the instant of the last one recorded are not in the records: each was in flight when it stopped or never sent, and is not counted',
    );
  });

  it('a trace file missing at recovery: not rebuilt, naming the file; the rest of the figures are', async () => {
    await runFolder([{ name: 'trace', status: 'running' }]);
    const { path, sha256 } = await traceFile(LATE);
    const recs = LATE.slice(0, 40).map((t, k) => request('trace', k, T0 + 200 * k, { scheduled: T0 + t }));
    await startedBenchmark('trace', traceBody(path), recs, undefined, { trace: { path, sha256 } });
    await rm(path);
    const r = await recoverRun(dir as string);
    const s = await json('benchmarks', 'trace', 'summary.json');
    expect(s.recovery).toContain(
      `dropped_sends, load_generator: not rebuilt: the trace file ${path} cannot be read (not found), and its rows (the replay’s schedule and rate) are not in the records`,
    );
    expect(s.recovery.join('\n')).not.toMatch(/^(dropped_sends: rebuilt|load_generator: judged|trace:)/m);
    expect(s.dropped_sends).toBeNull();
    expect(s.requested_rps).toBeUndefined();
    expect(s.load_generator).toBeUndefined();
    expect(r.generators).toBeUndefined();
    // the client figures do not need the trace: its schedule lag is in the records
    expect(s.requests.sent).toBe(40);
    expect(s.latency_ms.schedule_lag.count).toBe(40);
  });

  it('a trace file that differs: not rebuilt against the digest kept; without one, its rows checked on the records', async () => {
    await runFolder([{ name: 'trace', status: 'running' }]);
    const { path, sha256 } = await traceFile(LATE);
    const recs = LATE.slice(0, 40).map((t, k) => request('trace', k, T0 + 200 * k, { scheduled: T0 + t }));
    await startedBenchmark('trace', traceBody(path), recs, undefined, { trace: { path, sha256 } });
    // edited after the run started: every row 5 ms later
    const edited = await traceFile(LATE.map((t, k) => (k === 0 ? t : t + 5)));
    await recoverRun(dir as string);
    const s = await json('benchmarks', 'trace', 'summary.json');
    expect(s.recovery).toContain(
      `dropped_sends, load_generator: not rebuilt: the trace file ${path} is not the one replayed: its sha256 is ${short(edited.sha256)} now, ${short(sha256)} when the benchmark started (metrics.json trace)`,
    );
    expect(s.load_generator).toBeUndefined();

    // no digest kept (the orchestrator could not read the file): the edited rows do not reproduce the
    // scheduled times recorded, so nothing is counted, and the sent share is said not judged
    await runFolder([{ name: 'trace', status: 'running' }]);
    const again = await traceFile(LATE.map((t, k) => (k === 0 ? t : t + 5)));
    await startedBenchmark('trace', traceBody(again.path), recs);
    await recoverRun(dir as string);
    const u = await json('benchmarks', 'trace', 'summary.json');
    expect(u.recovery).toContain(
      `trace: the rows of ${again.path} replayed as the file is now: no digest of it was kept when the benchmark started (metrics.json trace), so only their times were checked, against the scheduled times recorded`,
    );
    // the schedule replayed is the trace file's rows, not the spec's: the reason names the file
    expect(u.recovery).toContain(
      `dropped_sends: not rebuilt for x: its arrival schedule replayed from the trace file ${again.path} does not reproduce the scheduled times recorded`,
    );
    // judged on what the records show alone: their schedule lag
    expect(u.load_generator).toMatchObject({ valid: false, sent_share: null });
    expect(u.load_generator.reasons).toHaveLength(1);
    expect(u.load_generator.reasons[0]).toMatch(/^schedule lag p99 /);
  });
});

describe('recovering a multi-turn session benchmark', () => {
  it('counts the sessions begun and completed from the turns’ records', async () => {
    const d = await runFolder([{ name: 'chat', status: 'running' }]);
    const recs: RequestRecord[] = [];
    let i = 0;
    const turn = (session: string, k: number, turns: number, extra: Partial<RequestRecord> = {}) =>
      recs.push(request('chat', i, T0 + 200 * i++, { session, turn: k, turns, ...extra }));
    // a warmup session, completed (counted: warmup included)
    for (const k of [1, 2, 3]) turn('x-s0', k, 3, { warmup: true });
    // two completed sessions of 3 turns, one of 2 turns
    for (const k of [1, 2, 3]) turn('x-s1', k, 3);
    for (const k of [1, 2]) turn('x-s2', k, 2);
    for (const k of [1, 2, 3]) turn('x-s3', k, 3);
    // a session whose second turn failed, and one cut after its first turn (the kill)
    turn('x-s4', 1, 3);
    turn('x-s4', 2, 3, { status: 'error', error: 'http_500' });
    turn('x-s5', 1, 4);
    await startedBenchmark(
      'chat',
      { duration: 30, load: { mode: 'closed', clients_per_node: 2 }, api: 'chat', session: { turns: 3 } },
      recs,
    );
    await recoverRun(d);
    const s = await json('benchmarks', 'chat', 'summary.json');
    expect(s.sessions).toEqual({ started: 6, completed: 4 });
    expect(s.per_turn.map((t: { turn: number }) => t.turn)).toEqual([1, 2, 3]);
    expect(s.saturation).toBeUndefined(); // not judged for sessions, as in a run
    expect(s.recovery[0]).toMatch(/the multi-turn session counts with them/);
  });
});

describe('recovering an open-loop session benchmark', () => {
  it('a session’s later turns are no sends of the schedule: first turns sent on time leave nothing unsent', async () => {
    // 2 sessions/s constant, 2 turns: every first turn sent at its arrival and 3 s long, the second turn
    // (no think time) 100 ms; killed at T0 + 10 s, so the file holds what ended by then (in end order).
    // The latest send recorded is a second turn's (T0 + 9.5 s), the latest first turn's T0 + 7 s.
    const recs: RequestRecord[] = [];
    let i = 0;
    for (let k = 0; k < 20; k++) {
      const at = T0 + 500 * k;
      const session = { session: `x-s${k}`, turns: 2 };
      const first = request('chat', i++, at, { ...session, turn: 1, end: at + 3000 });
      const second = request('chat', i++, at + 3000, { ...session, turn: 2, end: at + 3100 });
      recs.push(...[first, second].filter((r) => r.end <= T0 + 10_000));
    }
    recs.sort((a, b) => a.end - b.end);
    expect(Math.max(...recs.map((r) => r.sent))).toBe(T0 + 9500);
    await runFolder([{ name: 'chat', status: 'running' }]);
    await startedBenchmark(
      'chat',
      {
        duration: 60,
        api: 'chat',
        session: { turns: 2 },
        load: { mode: 'open', target_rps: 2, request_distribution: 'constant' },
      },
      recs,
    );
    await recoverRun(dir as string);
    const s = await json('benchmarks', 'chat', 'summary.json');
    // arrivals 0..14 (T0 .. T0 + 7 s) were all sent; 7.5 s .. 9.5 s were not due by the last arrival sent
    expect(s.dropped_sends).toBe(0);
    expect(s.recovery.join('\n')).toMatch(
      new RegExp(
        `^dropped_sends: rebuilt: 0 of the 15 arrivals due by its executor’s last send measured \\(${iso(T0 + 7000)}, 7\\.0 s into`,
        'm',
      ),
    );
  });
});

describe('recovering a killed capacity search', () => {
  /** probe_01 passed at 10/s, probe_02 failed at 20/s, probe_03 (15/s) killed with `recs` recorded. */
  async function killedSearch(recs: RequestRecord[], load: Record<string, unknown>): Promise<string> {
    const d = await runFolder(
      [
        { name: 'probe_01', status: 'completed' },
        { name: 'probe_02', status: 'completed' },
        { name: 'probe_03', status: 'running' },
      ],
      { mode: 'local' },
    );
    const search = { field: 'target_rps', start: 10, max: 100, growth: 2, precision: 0.1 };
    await writeFile(
      join(d, 'recipe.resolved.json'),
      JSON.stringify({ workload: { search: { ...search, slo: ['e2e.p99 < 500ms'], max_probes: 8 } } }),
    );
    for (const [name, value, verdict] of [
      ['probe_01', 10, 'pass'],
      ['probe_02', 20, 'fail'],
    ] as const) {
      await mkdir(join(d, 'benchmarks', name), { recursive: true });
      await writeFile(
        join(d, 'benchmarks', name, 'summary.json'),
        JSON.stringify({
          benchmark: name,
          status: 'completed',
          probe: { field: 'target_rps', value, verdict, why: [], slo: [] },
        }),
      );
    }
    await startedBenchmark('probe_03', { duration: 10, load }, recs);
    return d;
  }

  it('never counts the interrupted probe, also not when its load generator fell behind', async () => {
    // 15/s constant: arrivals every 66.7 ms; the executor sent 30 of them 200 ms apart (its last at 5.8 s)
    const recs = Array.from({ length: 30 }, (_, i) =>
      request('probe_03', i, T0 + 200 * i, { scheduled: T0 + (1000 * i) / 15 }),
    );
    const d = await killedSearch(recs, { mode: 'open', target_rps: 15, request_distribution: 'constant' });
    await recoverRun(d);
    const p3 = await json('benchmarks', 'probe_03', 'summary.json');
    expect(p3.load_generator).toMatchObject({ valid: false, label: INVALID_LABEL });
    expect(p3.probe).toBeUndefined();
    const run = await json('summary.json');
    // the answer and bracket are the finished probes' alone: the invalid probe is no server result
    expect(run.search).toMatchObject({ capacity: 10, bracket: { low: 10, high: 20 }, status: 'incomplete' });
    expect(run.search.probes.map((p: { benchmark: string }) => p.benchmark)).toEqual([
      'probe_01',
      'probe_02',
    ]);
    expect(run.search.interrupted).toMatch(
      /; probe probe_03 was interrupted \(no verdict; its load generator fell behind: invalid \(load generator\)\)$/,
    );
  });

  it('rebuilds the brackets and the verdict from the finished probes and marks the search interrupted', async () => {
    const d = await runFolder(
      [
        { name: 'probe_01', status: 'completed' },
        { name: 'probe_02', status: 'completed' },
        { name: 'probe_03', status: 'running' },
      ],
      { mode: 'local' },
    );
    const search = {
      field: 'target_rps',
      start: 10,
      max: 100,
      growth: 2,
      precision: 0.1,
      slo: ['e2e.p99 < 500ms'],
      max_probes: 8,
    };
    await writeFile(join(d, 'recipe.resolved.json'), JSON.stringify({ workload: { search } }));
    const probe = async (name: string, value: number, verdict: string, why: string[]) => {
      const bdir = join(d, 'benchmarks', name);
      await mkdir(bdir, { recursive: true });
      await writeFile(
        join(bdir, 'summary.json'),
        JSON.stringify({
          benchmark: name,
          status: 'completed',
          probe: { field: 'target_rps', value, verdict, why, slo: [] },
        }),
      );
    };
    await probe('probe_01', 10, 'pass', []);
    await probe('probe_02', 20, 'fail', ['e2e.p99 = 812ms (e2e.p99 < 500ms)']);
    const recs = Array.from({ length: 40 }, (_, i) => request('probe_03', i, T0 + 67 * i));
    await startedBenchmark('probe_03', { duration: 10, load: { mode: 'open', target_rps: 15 } }, recs);

    const r = await recoverRun(d);
    expect(r.note).toMatch(/the capacity search rebuilt from its finished probes: incomplete/);
    const run = await json('summary.json');
    expect(run.search).toMatchObject({
      field: 'target_rps',
      status: 'incomplete',
      capacity: 10,
      bracket: { low: 10, high: 20 },
      low_benchmark: 'probe_01',
      high_benchmark: 'probe_02',
    });
    expect(run.search.probes.map((p: { benchmark: string }) => p.benchmark)).toEqual([
      'probe_01',
      'probe_02',
    ]);
    expect(run.search.text).toMatch(/\(the run stopped\)/);
    expect(run.search.interrupted).toMatch(
      /orchestrator stopped mid-search: rebuilt by hpcbench report from the 2 finished probe\(s\); probe probe_03 was interrupted/,
    );
    expect((await json('run.json')).reason).toMatch(/mid-search/);
    // the interrupted probe itself is rebuilt like any unfinished benchmark, without a verdict
    const p3 = await json('benchmarks', 'probe_03', 'summary.json');
    expect(p3.requests.ok).toBe(40);
    expect(p3.probe).toBeUndefined();

    // report.html: the search result says it was interrupted, and the recovered run says what was rebuilt
    const html = await readFile(await writeHtmlReport(d), 'utf8');
    const searchPart = html.slice(html.indexOf('<h2>Capacity search</h2>'));
    expect(searchPart).toContain(
      `<p class="status-interrupted search-interrupted">Interrupted: ${esc(run.search.interrupted)}.</p>`,
    );
    expect(html).toContain('<h2>Recovered run</h2>');
    expect(p3.recovery.length).toBeGreaterThan(0);
    for (const line of p3.recovery) expect(html).toContain(`<li>${esc(`probe_03: ${line}`)}</li>`);
  });
});

describe('recovering a benchmark the recipe gave thresholds', () => {
  // the workload's condition applies to every benchmark, each suite entry's to its own
  const COMMON = 'error_rate < 1%';
  const OPEN = ['ttft.p50 < 5ms', 'e2e.p99 < 1s', 'server.ttft.p99 < 500ms'];
  const FIRST = [
    {
      condition: COMMON,
      figure: 'error_rate',
      field: 'requests.failed / requests.sent',
      op: '<',
      limit: 0.01,
      unit: 'ratio',
      actual: 0,
      pass: true,
    },
    {
      condition: 'e2e.p99 < 1s',
      figure: 'e2e.p99',
      field: 'latency_ms.e2e.p99',
      op: '<',
      limit: 1000,
      unit: 'ms',
      actual: 95.5,
      pass: true,
    },
  ];

  /** `first` finished (its summary.json thresholds as the run wrote them), `open` killed mid-measurement. */
  async function killedWithThresholds(): Promise<string> {
    const d = await runFolder([
      { name: 'first', status: 'completed' },
      { name: 'open', status: 'running' },
    ]);
    const { recipe } = resolveRecipe({
      scenario: 's',
      orchestration: { mode: 'local', node_allocation: { servers: { nodes: 1 }, clients: { nodes: 1 } } },
      workload: {
        component: 'inference',
        service: 'vllm',
        model: 'm',
        duration: '10s',
        warmup: '0s',
        target_rps: 10,
        prompt_len: 32,
        gen_tokens: 8,
        thresholds: [COMMON],
        benchmark_suite: [
          { name: 'first', thresholds: ['e2e.p99 < 1s'] },
          { name: 'open', thresholds: OPEN },
        ],
      },
      servers: { endpoints: ['http://127.0.0.1:9'] },
    });
    await writeFile(join(d, 'recipe.resolved.json'), JSON.stringify(recipe));
    await mkdir(join(d, 'benchmarks', 'first'), { recursive: true });
    await writeFile(
      join(d, 'benchmarks', 'first', 'summary.json'),
      JSON.stringify({ benchmark: 'first', status: 'completed', thresholds: FIRST }),
    );
    const recs = Array.from({ length: 100 }, (_, i) => request('open', i, T0 + 100 * i));
    await startedBenchmark('open', { duration: 10, load: { mode: 'open', target_rps: 10 } }, recs);
    return d;
  }

  it('judges them on the rebuilt figures as for a finished benchmark; a figure not rebuilt fails, not judged', async () => {
    const d = await killedWithThresholds();
    const r = await recoverRun(d);
    expect(r.rebuilt).toEqual(['open']);
    const s = await json('benchmarks', 'open', 'summary.json');
    expect(s.status).toBe('interrupted');
    // the workload's condition first, then the entry's; TTFT is 20 ms, e2e 91 ms, no server view
    expect(
      s.thresholds.map((t: { condition: string; actual: number | null; pass: boolean }) => [
        t.condition,
        t.actual,
        t.pass,
      ]),
    ).toEqual([
      [COMMON, 0, true],
      ['ttft.p50 < 5ms', expect.closeTo(20, 0), false],
      ['e2e.p99 < 1s', expect.closeTo(91, -1), true],
      ['server.ttft.p99 < 500ms', null, false],
    ]);
    // the same evaluator on the same figures as a finished benchmark's summary.json
    expect(s.thresholds).toEqual(
      evaluateThresholds(
        [COMMON, ...OPEN],
        figureSource({ summary: s, server_metrics: s.server_metrics, energy: s.energy }),
      ),
    );
    expect(s.server_metrics).toBeUndefined();
    expect(s.recovery.join('\n')).toMatch(
      /^thresholds: evaluated on the rebuilt figures: 2 of 4 failed \(ttft\.p50 < 5ms: 20\.\d\dms; server\.ttft\.p99 < 500ms: no value\)$/m,
    );
    expect(s.recovery).toContain(
      'thresholds: server.ttft.p99 < 500ms: not judged: its figure (server_metrics.latency_ms.ttft.p99) could not be rebuilt, so it fails, as a threshold without a value does',
    );
    expect(r.details).toContain(
      `open: ${s.recovery.find((l: string) => l.startsWith('thresholds: evaluated'))}`,
    );
    // the run-level summary counts them over both benchmarks; the run stays interrupted
    const run = await json('summary.json');
    expect(run.status).toBe('interrupted');
    expect(run.thresholds).toEqual({ failed: 2, passed: 4 });
    expect(run.benchmarks.map((b: { name: string }) => b.name)).toEqual(['first', 'open']);
    expect(run.benchmarks[0].thresholds).toEqual(FIRST);
    expect(run.benchmarks[1].thresholds).toEqual(s.thresholds);
    expect((await json('run.json')).status).toBe('interrupted');
    expect(r.thresholds).toEqual([
      { name: 'first', thresholds: FIRST },
      { name: 'open', thresholds: s.thresholds, rebuilt: true },
    ]);
    // report.html: the FAIL rows and a verdict line that does not claim a completed run's exit 99
    const html = await readFile(await writeHtmlReport(d), 'utf8');
    const part = html.slice(html.indexOf('<h2>Thresholds</h2>'));
    expect(part).toMatch(
      /<td>open<\/td><td>ttft\.p50 &lt; 5ms<\/td><td class="num">20\.\d\dms<\/td><td class="verdict verdict-worse">FAIL<\/td>/,
    );
    expect(part).toMatch(
      /<td>open<\/td><td>server\.ttft\.p99 &lt; 500ms<\/td><td class="num">no value<\/td><td class="verdict verdict-worse">FAIL<\/td>/,
    );
    expect(part).toContain('thresholds: 2 of 6 failed (the run is interrupted: judged on what it measured)');
    expect(html).not.toContain('(exit 99)');
    expect(html).toContain(`<li>${esc('open: thresholds: evaluated on the rebuilt figures: 2 of 4 failed')}`);
  });

  it('hpcbench report prints the threshold table and that the run is interrupted; check exits 99 on them', async () => {
    const d = await killedWithThresholds();
    const rep = await runCli(['report', d]);
    expect(rep.exitCode, rep.all).toBe(0); // the report is written; the run's status is not changed by it
    expect(rep.stderr).toMatch(/^recovered: run\.json said running .*rebuilt from the records files: open/m);
    expect(rep.stderr).toMatch(
      /^recovery: open: thresholds: evaluated on the rebuilt figures: 2 of 4 failed \(ttft\.p50 < 5ms: 20\.\d\dms; server\.ttft\.p99 < 500ms: no value\)$/m,
    );
    expect(rep.stdout).toMatch(/^first +error_rate < 1% +0\.00% +pass$/m);
    expect(rep.stdout).toMatch(/^open +ttft\.p50 < 5ms +20\.\d\dms +FAIL$/m);
    expect(rep.stdout).toMatch(/^open +server\.ttft\.p99 < 500ms +no value +FAIL$/m);
    expect(rep.stdout).toMatch(/^thresholds: 2 of 6 failed$/m);
    expect(rep.stdout).toMatch(
      /^note: the run is interrupted: the thresholds of open were evaluated by hpcbench report on the rebuilt figures$/m,
    );
    expect((await json('run.json')).status).toBe('interrupted');
    // check re-evaluates the conditions summary.json keeps: the failed ones exit 99, the run said interrupted
    const check = await runCli(['check', d]);
    expect(check.exitCode, check.all).toBe(99);
    expect(check.stdout).toMatch(/^open +ttft\.p50 < 5ms +20\.\d\dms +FAIL$/m);
    expect(check.stdout).toMatch(/^note: the run is interrupted/m);
  }, 60_000);
});
