/**
 * The two-step shared start with one executor slow to prepare: two `hpcbench executor` child processes
 * (bearer token) and the controller in this process run a constant open loop at the simulator, one
 * executor reading a small prompts file, the other a big one that takes longer than the old fixed lead
 * (SHARED_START_LEAD_MS) to read. The controller holds the start until both are prepared, then releases
 * them on one instant: both clocks start there (the same `window_start`, the records' `scheduled` times
 * of both together evenly spaced at 1/target_rps from it), the instant comes after the slow one was
 * ready, and neither logs that it was ready late. With POST /start's `start_at` alone (the one-step
 * start) the slow executor's clock started before it was ready and it logged so. Also the held start's
 * edges at a real executor: no release in time, and POST /stop while prepared.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_START_LEAD_MS } from '../../src/contracts/index.js';
import { BaseWorkloadController } from '../../src/controller/base-workload-controller.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { type SpawnedExecutor, spawnExecutor } from '../fixtures/spawn-executor.js';

const TOKEN = 'two-step-token';
const RATE = 20;
const WARMUP_S = 0.5;
/** Rows of the big prompts file: about 41 MB of short prompts, 1.3 s to read on the 2-core test machine. */
const BIG_ROWS = 1_500_000;

let dir: string;
let sim: DummyServer;
let fast: SpawnedExecutor;
let slow: SpawnedExecutor;
/** Each executor's output, once stopped. */
const output = new Map<string, string>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-two-step-'));
  await writeFile(join(dir, 'small.jsonl'), '{"prompt":"say hi"}\n{"prompt":"say bye"}\n');
  const big = Array.from({ length: BIG_ROWS }, (_, i) => `{"prompt":"say hi ${i}"}`);
  await writeFile(join(dir, 'big.jsonl'), `${big.join('\n')}\n`);
  sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1 });
  const args = (node: string) => [
    '--service',
    'dummy',
    '--node',
    node,
    '--dataset-dir',
    dir,
    '--records-dir',
    dir,
  ];
  [fast, slow] = await Promise.all([
    spawnExecutor(args('fast'), { HPCBENCH_TOKEN: TOKEN }),
    spawnExecutor(args('slow'), { HPCBENCH_TOKEN: TOKEN }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([fast, slow].filter(Boolean).map((e) => e.stop()));
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

async function stopped(e: SpawnedExecutor): Promise<string> {
  if (!output.has(e.node)) output.set(e.node, (await e.stop()).all ?? '');
  return output.get(e.node) ?? '';
}

const body = (benchmark: string) => ({
  benchmark,
  server_url: sim.url,
  model: 'dummy-model',
  api: 'completions' as const,
  warmup: WARMUP_S,
  duration: 1.5,
  target_rps: RATE,
  request_distribution: 'constant' as const,
  max_tokens: 2,
  prompts: { source: 'jsonl' as const, path: join(dir, 'small.jsonl') },
});

/** A POST with the run's token to one executor; its status and JSON answer. */
async function post(e: SpawnedExecutor, path: string, json: unknown) {
  const res = await fetch(`${e.url}${path}`, {
    method: 'POST',
    body: JSON.stringify(json),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const status = async (e: SpawnedExecutor) =>
  (await (await fetch(`${e.url}/status`)).json()) as Record<string, unknown>;

/** Polls GET /status until the executor is no longer running (state, not a fixed sleep). */
async function untilIdle(e: SpawnedExecutor): Promise<Record<string, unknown>> {
  for (let i = 0; i < 400; i++) {
    const s = await status(e);
    if (!s.running) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${e.node} still running after 20 s`);
}

describe('held start at real executors', () => {
  it('no POST /release within release_timeout: the executor drops the workload with an error naming it', async () => {
    const before = sim.engine.stats.arrivals;
    const held = await post(fast, '/start', { ...body('orphan'), await_release: true, release_timeout: 0.3 });
    expect(held).toMatchObject({ status: 200, json: { status: 'prepared', threads: 1 } });
    expect(typeof held.json.prepare_ms).toBe('number');
    expect(await status(fast)).toMatchObject({ running: true, phase: 'prepared', benchmark: 'orphan' });
    const s = await untilIdle(fast);
    expect(s).toMatchObject({
      phase: 'done',
      error:
        'no POST /release within 0.3 s of being prepared (the controller gone?): benchmark orphan was not started',
    });
    expect(sim.engine.stats.arrivals).toBe(before);
    const late = await post(fast, '/release', {});
    expect(late.status).toBe(409);
    expect(late.json.error).toMatch(/benchmark orphan was dropped \(no POST \/release within 0.3 s/);
  });

  it('POST /stop while prepared: stopped, nothing sent, its records file empty', async () => {
    const before = sim.engine.stats.arrivals;
    const records = join(dir, 'stopped.jsonl');
    const held = await post(fast, '/start', {
      ...body('stopped'),
      await_release: true,
      records_path: records,
    });
    expect(held.json.status).toBe('prepared');
    const stop = await post(fast, '/stop', {});
    expect(stop).toMatchObject({
      status: 200,
      json: { status: 'stopped', final_metrics: { requests_total: 0 } },
    });
    const s = await status(fast);
    expect(s).toMatchObject({ running: false, phase: 'done', benchmark: 'stopped' });
    expect(s.error).toBeUndefined();
    expect(sim.engine.stats.arrivals).toBe(before);
    expect(await readFile(records, 'utf8')).toBe('');
  });
});

describe('a scheduled load over two executors, one slow to prepare', () => {
  it('starts on one instant after both are prepared: aligned arrivals, no late-start warning', async () => {
    const c = new BaseWorkloadController(['fast', 'slow'], 5000, 60, {
      token: TOKEN,
      endpoints: [fast.url, slow.url],
      pollInterval: 0.1,
    });
    const before = performance.timeOrigin + performance.now();
    await c.startWorkload(
      { ...body('two-step'), records_path: join(dir, 'records-{node}.jsonl') },
      {
        perExecutor: (t) =>
          t.node === 'slow' ? { prompts: { source: 'jsonl', path: join(dir, 'big.jsonl') } } : {},
      },
    );
    await c.waitForCompletion({ timeout: 60 });
    await c.stopWorkload();
    const logs = { fast: await stopped(fast), slow: await stopped(slow) };
    for (const [node, log] of Object.entries(logs)) expect(log, node).not.toMatch(/warning: this executor/);

    const started = c.startedWorkloads();
    expect(started.map((s) => s.start?.status)).toEqual(['started', 'started']);
    const prepareMs = started.map((s) => s.start?.prepare_ms ?? Number.NaN);
    process.stdout.write(`preparing took ${prepareMs.join(' and ')} ms (fast, slow)\n`);
    // the setup: the slow executor took longer to prepare than the old fixed lead
    expect(prepareMs[1]).toBeGreaterThan(SHARED_START_LEAD_MS);
    for (const log of Object.values(logs))
      expect(log).toMatch(/prepared benchmark two-step in \d+ ms: waiting for POST \/release/);
    expect(logs.slow).toMatch(new RegExp(`started benchmark two-step: .*, prepared in ${prepareMs[1]} ms`));
    // one clock for both, started after the slow one was prepared
    const windows = started.map((s) => s.start?.window_start ?? Number.NaN);
    expect(windows[1]).toBe(windows[0]);
    const t0 = windows[0] - WARMUP_S * 1000;
    expect(t0).toBeGreaterThan(before + prepareMs[1]);

    // every arrival of both, in scheduled order: k/RATE after the shared start, the executors in turn
    const records: { executor: number; scheduled: number }[] = [];
    for (const [executor, node] of ['fast', 'slow'].entries()) {
      const text = await readFile(join(dir, `records-${node}.jsonl`), 'utf8');
      for (const line of text.trim().split('\n'))
        records.push({ executor, scheduled: JSON.parse(line).scheduled as number });
    }
    records.sort((a, b) => a.scheduled - b.scheduled);
    expect(records.length).toBeGreaterThan(20);
    expect(new Set(records.map((r) => r.executor))).toEqual(new Set([0, 1]));
    records.forEach((r, k) => {
      expect(Math.abs(r.scheduled - t0 - (k * 1000) / RATE), `arrival ${k}`).toBeLessThan(1e-3);
      expect(r.executor, `arrival ${k}`).toBe((records[0].executor + k) % 2);
    });
  }, 120_000);
});
