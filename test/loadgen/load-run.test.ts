import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord, StartBody, WorkloadSpec } from '../../src/contracts/index.js';
import type { ServiceClient } from '../../src/loadgen/clients/types.js';
import { nowMs } from '../../src/loadgen/record.js';
import { RunContext } from '../../src/loadgen/run/context.js';
import { startLoad } from '../../src/loadgen/run/load-run.js';
import { runOpenLoop } from '../../src/loadgen/run/open-loop.js';
import { executorSchedule } from '../../src/loadgen/schedule/share.js';
import { LATE_MS, MetricsRecorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { withCaps } from '../helpers/capabilities.js';
import { simSpec } from '../helpers/spec.js';

const dir = mkdtempSync(join(tmpdir(), 'hpcbench-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sim: DummyServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

interface Line {
  warmup: boolean;
  status: string;
  scheduled: number;
  sent: number;
  end: number;
  error?: string;
  chunk_offsets_ms: number[];
}
const readRecords = (p: string): Line[] =>
  readFileSync(p, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** Most intervals [from, to] open at once (an interval ending when another begins does not overlap it). */
function peakInFlight(intervals: [number, number][]): number {
  const events = intervals.flatMap(([a, b]) => [
    [a, 1],
    [b, -1],
  ]);
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of events) {
    cur += d;
    peak = Math.max(peak, cur);
  }
  return peak;
}

/** Peak concurrency the simulator saw, from its ground truth (arrival → end of every request). */
async function peakAtServer(url: string): Promise<number> {
  const tr = (await (await fetch(`${url}/hpcbench/requests`)).json()) as {
    requests: { arrived_ms: number; end_ms: number }[];
  };
  expect(tr.requests.length).toBeGreaterThan(0);
  return peakInFlight(tr.requests.map((r) => [r.arrived_ms, r.end_ms]));
}

/** A spec as the executor reads a seed-style `POST /start` body (flat load fields). */
const spec = (url: string, extra: Partial<StartBody>): WorkloadSpec =>
  simSpec(url, {
    max_tokens: 8,
    prompts: { source: 'synthetic', input_tokens: 16, output_tokens: 8 },
    ...extra,
  });

describe('closed loop against the simulator', () => {
  it('users, warmup excluded, records file, sent = ok + failed + cancelled', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 2, seed: 1 });
    const path = join(dir, 'closed.jsonl');
    const seen: boolean[] = [];
    const run = startLoad(
      ...withCaps(spec(sim.url, { clients_per_node: 3, warmup: 0.4, duration: 1, records_path: path }), {
        source: 'n1',
        onRecord: (r) => seen.push(r.warmup),
      }),
    );
    expect(run.threads).toBe(3);
    expect(run.status().phase).toBe('warmup');
    const snap = await run.done;
    expect(run.status()).toMatchObject({ running: false, phase: 'done' });
    const lines = readRecords(path);
    expect(lines.length).toBe(seen.length);
    const measured = lines.filter((l) => !l.warmup);
    expect(lines.some((l) => l.warmup)).toBe(true);
    expect(snap.counters.sent).toBe(measured.length);
    expect(snap.counters.sent).toBe(snap.counters.ok + snap.counters.failed + snap.counters.cancelled);
    expect(snap.counters.ok).toBeGreaterThan(10);
    expect(snap.counters.output_tokens).toBe(snap.counters.ok * 8);
    for (const l of measured) expect(l.chunk_offsets_ms).toHaveLength(8);
    // exactly 3 requests in flight at the peak (closed loop, one per user): as the client saw them, and at
    // the server (the simulator's own arrival and end times)
    expect(peakInFlight(lines.map((l) => [l.sent, l.end]))).toBe(3);
    expect(await peakAtServer(sim.url)).toBe(3);
    expect(snap.window_start).toBeLessThanOrEqual(Math.min(...measured.map((l) => l.scheduled)));
    const s = summarize(snap, 'b');
    expect(s.latency_ms.ttft?.count).toBe(snap.counters.ok);
    expect(s.latency_ms.itl?.count).toBe(snap.counters.ok * 7);
    expect(s.throughput.requests_per_s).toBeGreaterThan(0);
    expect(snap.source).toBe('n1');
  });

  it('think time between requests and max_requests split across executors', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1 });
    const path = join(dir, 'think.jsonl');
    const snap = await startLoad(
      ...withCaps(spec(sim.url, { sleep_seconds: 0.3, duration: 1.5, records_path: path })),
    ).done;
    const lines = readRecords(path).sort((a, b) => a.sent - b.sent);
    expect(lines.length).toBe(snap.counters.sent);
    // one user: each gap is the think time, not less, and not a second one (slack < the think time)
    for (let i = 1; i < lines.length; i++) {
      const gap = lines[i].sent - lines[i - 1].end;
      expect(gap).toBeGreaterThanOrEqual(299);
      expect(gap).toBeLessThan(300 + 250);
    }
    // every cycle lasts >= 300 ms, so at most 5 sends start within the 1.5 s
    expect(snap.counters.sent).toBeLessThanOrEqual(5);
    expect(snap.counters.sent).toBeGreaterThanOrEqual(3);
    const capped = await startLoad(
      ...withCaps(
        spec(sim.url, {
          clients_per_node: 4,
          duration: 0,
          max_requests: 21,
          executor_count: 2,
          executor_index: 0,
        }),
      ),
    ).done;
    expect(capped.counters.sent).toBe(11);
  });

  it('stop() cancels in-flight requests, which count as cancelled', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 50 });
    const run = startLoad(
      ...withCaps(spec(sim.url, { clients_per_node: 5, duration: 30, max_tokens: 1000, prompts: undefined })),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(run.status().requests_sent).toBe(5);
    const t = Date.now();
    const snap = await run.stop();
    expect(Date.now() - t).toBeLessThan(5000);
    expect(snap.counters).toMatchObject({ sent: 5, ok: 0, failed: 0, cancelled: 5 });
    expect(summarize(snap, 'b').latency_ms.e2e).toBeUndefined();
    expect(await run.done).toBe(snap);
  });

  it('request_timeout: a request unanswered that long is an error (timeout), recorded in full', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 5000 });
    const path = join(dir, 'timeout.jsonl');
    const snap = await startLoad(
      ...withCaps(
        spec(sim.url, {
          clients_per_node: 2,
          duration: 0.1,
          request_timeout: 0.3,
          max_tokens: 100,
          prompts: undefined,
          records_path: path,
        }),
      ),
    ).done;
    expect(snap.counters).toMatchObject({ sent: 2, ok: 0, failed: 2, cancelled: 0 });
    expect(snap.errors_by_reason).toEqual({ timeout: 2 });
    const lines = readRecords(path);
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l).toMatchObject({ status: 'error', error: 'timeout', warmup: false });
      expect(l.end - l.sent).toBeGreaterThanOrEqual(300);
    }
  });

  it('server failures are counted by reason and excluded from latency', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1, error_rate: 0.3, seed: 3 });
    const snap = await startLoad(
      ...withCaps(spec(sim.url, { clients_per_node: 2, duration: 0, max_requests: 60 })),
    ).done;
    expect(snap.counters.sent).toBe(60);
    expect(snap.counters.failed).toBeGreaterThan(5);
    expect(Object.values(snap.errors_by_reason).reduce((a, b) => a + b, 0)).toBe(snap.counters.failed);
    expect(summarize(snap, 'b').latency_ms.e2e?.count).toBe(snap.counters.ok);
  });
});

describe('open loop against the simulator', () => {
  it('sends on the constant schedule of this executor; latency from scheduled recorded', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1 });
    const path = join(dir, 'open.jsonl');
    const run = startLoad(
      ...withCaps(
        spec(sim.url, {
          target_rps: 80,
          request_distribution: 'constant',
          executor_count: 2,
          executor_index: 1,
          duration: 1.5,
          records_path: path,
        }),
      ),
    );
    const snap = await run.done;
    const lines = readRecords(path);
    // every arrival of the 1.5 s at 40/s is either sent or counted as dropped (on a loaded machine)
    expect(lines.length).toBe(snap.counters.sent);
    expect(snap.counters.sent + snap.counters.dropped_sends).toBe(60);
    expect(snap.counters.sent).toBeGreaterThan(40);
    // scheduled times sit on the executor's grid: t0 + phase + k * 25 ms (records come in completion order)
    const sched = lines.map((l) => l.scheduled).sort((a, b) => a - b);
    const t0 = sched[0];
    for (const t of sched) {
      const k = (t - t0) / 25;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6);
    }
    expect(new Set(sched.map((t) => Math.round((t - t0) / 25))).size).toBe(sched.length);
    const s = summarize(snap, 'b');
    expect(s.requested_rps).toBe(40);
    expect(s.achieved_rps).toBeGreaterThan(25);
    expect(s.achieved_rps).toBeLessThan(44);
    // achieved_rps divides by the last measured send as its record has it (written to the connection)
    expect(snap.last_send).toBe(Math.max(...lines.filter((l) => !l.warmup).map((l) => l.sent)));
    expect(s.latency_ms.ttft_from_scheduled?.count).toBe(snap.counters.ok);
    expect(s.latency_ms.e2e_from_scheduled!.mean).toBeGreaterThanOrEqual(s.latency_ms.e2e!.mean);
  });

  it('max_concurrency holds arrivals back: late and dropped sends are counted', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 40 });
    const path = join(dir, 'capped.jsonl');
    const snap = await startLoad(
      ...withCaps(
        spec(sim.url, {
          target_rps: 50,
          request_distribution: 'constant',
          max_concurrency: 1,
          duration: 1,
          max_tokens: 5,
          prompts: undefined,
          records_path: path,
        }),
      ),
    ).done;
    const lines = readRecords(path);
    // each request takes ~200 ms, so one at a time is far below 50/s
    expect(snap.counters.sent).toBeLessThan(15);
    expect(snap.counters.late_sends).toBeGreaterThan(0);
    expect(snap.counters.dropped_sends).toBeGreaterThan(30);
    expect(snap.counters.sent + snap.counters.dropped_sends).toBe(50);
    for (let i = 1; i < lines.length; i++) expect(lines[i].sent).toBeGreaterThanOrEqual(lines[i - 1].end - 1);
    const s = summarize(snap, 'b');
    expect(s.achieved_rps!).toBeLessThan(s.requested_rps! / 2);
    expect(s.latency_ms.schedule_lag!.max).toBeGreaterThan(100);
  });
});

/**
 * A client whose connection write happens `acceptMs` after `send` is called (a server slow to accept the
 * connection): like the real clients, it stamps `sent` when the bytes go out, then answers at once.
 */
function slowAcceptClient(acceptMs: number): ServiceClient {
  return {
    api: 'completions',
    stream: true,
    async send(_input, rec) {
      await new Promise((r) => setTimeout(r, acceptMs));
      rec.sent = nowMs();
      rec.first_token = rec.last_token = rec.end = nowMs();
      rec.chunks = [rec.first_token];
      rec.status = 'ok';
      rec.output_tokens = rec.output_tokens_client = 1;
    },
    close: async () => {},
  };
}

const onePrompt = { size: 1, get: () => ({ prompt: 'p', maxTokens: 1, promptTokens: 1 }) };

async function openLoopWith(client: ServiceClient, extra: Partial<StartBody>) {
  const s = spec('http://127.0.0.1:1', {
    target_rps: 40,
    request_distribution: 'constant',
    duration: 0.5,
    ...extra,
  });
  const recorder = new MetricsRecorder({ openLoop: true, windowSeconds: 1 });
  const records: RequestRecord[] = [];
  const ctx = new RunContext(s, client, onePrompt, recorder, 'x', undefined, undefined, (r) =>
    records.push(r),
  );
  if (s.load.mode !== 'open') throw new Error('expected an open-loop spec');
  await runOpenLoop(ctx, executorSchedule(s)!, s.load.max_concurrency ?? 8192);
  await ctx.drain();
  ctx.dispose();
  const snap = recorder.snapshot();
  recorder.destroy();
  return { snap, records };
}

describe('open loop: max_requests and warmup', () => {
  it('max_requests: sent + dropped is exactly this executor share when arrivals outnumber it', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1 });
    // no time limit: the quota stops the run, every send made, none dropped
    const quota = await startLoad(
      ...withCaps(
        spec(sim.url, {
          target_rps: 200,
          request_distribution: 'constant',
          duration: 0,
          max_requests: 21,
          executor_count: 2,
          executor_index: 0,
        }),
      ),
    ).done;
    expect(quota.counters).toMatchObject({ sent: 11, dropped_sends: 0 });
    await sim.close();
    // 50 arrivals in 1 s, but one slow request at a time: the unsent ones are dropped up to the share only
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 40 });
    const capped = await startLoad(
      ...withCaps(
        spec(sim.url, {
          target_rps: 100,
          request_distribution: 'constant',
          max_concurrency: 1,
          duration: 1,
          max_tokens: 5,
          prompts: undefined,
          max_requests: 20,
          executor_count: 2,
          executor_index: 1,
        }),
      ),
    ).done;
    expect(capped.counters.sent).toBeLessThan(10);
    expect(capped.counters.sent + capped.counters.dropped_sends).toBe(10);
  });

  it('warmup: arrivals before its end are sent and written but excluded from counters and histograms', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1 });
    const path = join(dir, 'open-warmup.jsonl');
    const snap = await startLoad(
      ...withCaps(
        spec(sim.url, {
          target_rps: 40,
          request_distribution: 'constant',
          warmup: 0.5,
          duration: 0.5,
          records_path: path,
        }),
      ),
    ).done;
    const lines = readRecords(path);
    const warm = lines.filter((l) => l.warmup);
    const measured = lines.filter((l) => !l.warmup);
    expect(warm.length).toBeGreaterThan(5);
    for (const l of warm) expect(l.scheduled).toBeLessThan(snap.window_start!);
    for (const l of measured) expect(l.scheduled).toBeGreaterThanOrEqual(snap.window_start!);
    // arrivals k * 25 ms for k = 20..39 are measured: each sent or dropped, none of the warmup ones
    expect(snap.counters.sent + snap.counters.dropped_sends).toBe(20);
    expect(snap.counters.sent).toBe(measured.length);
    const ok = measured.filter((l) => l.status === 'ok').length;
    expect(snap.counters.ok).toBe(ok);
    const s = summarize(snap, 'b');
    for (const m of ['e2e', 'ttft', 'schedule_lag', 'e2e_from_scheduled'] as const)
      expect(s.latency_ms[m]?.count).toBe(ok);
    expect(s.latency_ms.itl?.count).toBe(ok * 7);
    expect(snap.windows.reduce((a, w) => a + w.counters.sent, 0)).toBe(measured.length);
  });
});

describe('open loop at a rate no executor reaches', () => {
  it('10^12 req/s: the warmup backlog is passed in one step, the loop yields, the unsent are dropped', async () => {
    // a timer sees the run in warmup and while measuring: the loop never holds the event loop
    const seen = new Set<string>();
    let ctx: RunContext | undefined;
    const probe = setInterval(() => ctx && seen.add(ctx.phase()), 5);
    const s = spec('http://127.0.0.1:1', {
      target_rps: 1e12,
      request_distribution: 'constant',
      warmup: 0.3,
      duration: 0.3,
      max_concurrency: 16,
    });
    const recorder = new MetricsRecorder({ openLoop: true, windowSeconds: 1 });
    const records: RequestRecord[] = [];
    ctx = new RunContext(s, slowAcceptClient(0), onePrompt, recorder, 'x', undefined, undefined, (r) =>
      records.push(r),
    );
    await runOpenLoop(ctx, executorSchedule(s)!, 16);
    await ctx.drain();
    clearInterval(probe);
    ctx.dispose();
    const snap = recorder.snapshot();
    recorder.destroy();
    expect(seen).toContain('warmup');
    expect(seen).toContain('measuring');
    // every measured arrival (10^12/s over 0.3 s) is sent or dropped; none of the warmup backlog is counted
    const measured = records.filter((r) => !r.warmup).length;
    expect(snap.counters.sent).toBe(measured);
    expect(measured).toBeGreaterThan(0);
    expect(Math.abs((snap.counters.sent + snap.counters.dropped_sends) / 3e11 - 1)).toBeLessThan(1e-6);
  });
});

describe('open loop: late sends judged from the record', () => {
  it('a server slow to accept makes sends issued on time late: counted from sent − scheduled', async () => {
    const { snap, records } = await openLoopWith(slowAcceptClient(30), {});
    expect(records.length).toBe(snap.counters.sent);
    expect(snap.counters.sent).toBeGreaterThan(5);
    // every bytes-out time is >= 30 ms after its schedule, although the loop issued each one on time
    for (const r of records) expect(r.sent - r.scheduled).toBeGreaterThan(LATE_MS);
    expect(snap.counters.late_sends).toBe(snap.counters.sent);
    expect(snap.windows.reduce((a, w) => a + w.counters.late_sends, 0)).toBe(snap.counters.late_sends);
  });

  it('late_sends equals the records with schedule lag > LATE_MS (warmup excluded)', async () => {
    const { snap, records } = await openLoopWith(slowAcceptClient(0), { warmup: 0.2 });
    const measured = records.filter((r) => !r.warmup);
    expect(records.some((r) => r.warmup)).toBe(true);
    expect(snap.counters.sent).toBe(measured.length);
    expect(snap.counters.late_sends).toBe(measured.filter((r) => r.sent - r.scheduled > LATE_MS).length);
  });
});
