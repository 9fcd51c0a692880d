/**
 * One start for every executor of a scheduled load, end to end: `hpcbench run` (local mode, two
 * executors, attached to a simulator the test started) sends a constant open loop and a constant linear
 * ramp. Executor i of n sends the run-wide schedule's arrivals i, i+n, i+2n, … (phase-shifted,
 * src/loadgen/schedule/share.ts), so only when both clocks start on the controller's `start_at` is the
 * merged schedule the one asked for: the records' `scheduled` times of both executors together are
 * evenly spaced at 1/target_rps (a ramp: the k-th is when the ramp's Λ reaches k), to float precision,
 * and both executors' clock starts (`scheduled` − the arrival's offset) are one instant. Without the
 * shared start, each executor's clock starts on its own POST /start, tens of ms apart, and every
 * arrival of the later one is that much off the merged schedule. The server saw every request once;
 * the start skew it saw is printed (a timing figure, not asserted).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RampProfile, rampCount, rampTime } from '../../src/loadgen/schedule/ramp.js';
import { type Json, onlyRunDir, readJson, readLines, recipe, runCli, sandboxForFile } from './helpers.js';

const env = sandboxForFile({ sim: true });

const WARMUP_S = 0.5;
const DURATION_S = 2;

/** Every record of both executors, in `scheduled` order, with the executor (records file) that sent it. */
async function runScheduled(name: string, load: Record<string, unknown>) {
  const url = env.sim.url;
  await fetch(`${url}/hpcbench/requests`, { method: 'DELETE' });
  const file = await env.box.writeRecipe(
    `${name}.yaml`,
    recipe(
      name,
      {
        clients_per_node: undefined,
        api: 'completions',
        warmup: `${WARMUP_S}s`,
        duration: `${DURATION_S}s`,
        max_schedule_lag: '2s',
        gen_tokens: 2,
        prompt_len: 8,
        request_distribution: 'constant',
        ...load,
      },
      { servers: { endpoints: [url], health_check: { timeout: 20, interval: 0.2 } } },
    ),
  );
  const results = env.box.path(`results-${name}`);
  const res = await runCli(['run', file, '--quiet', '--results-dir', results], { timeout: 180_000 });
  expect(res.exitCode, res.all).toBe(0);
  const dir = join(await onlyRunDir(results), 'benchmarks', 'default');
  const files = (await readdir(dir)).filter((f) => f.startsWith('records-')).sort();
  expect(files).toHaveLength(2);
  const records: { id: string; executor: number; scheduled: number }[] = [];
  for (const [i, f] of files.entries())
    for (const line of await readLines(join(dir, f))) {
      const rec: Json = JSON.parse(line);
      expect(rec.status, line).toBe('ok');
      records.push({ id: rec.id, executor: i, scheduled: rec.scheduled });
    }
  records.sort((a, b) => a.scheduled - b.scheduled);
  const truth = (await (await fetch(`${url}/hpcbench/requests`)).json()) as {
    requests: { client_request_id: string; arrived_ms: number }[];
  };
  const arrived = new Map(truth.requests.map((r) => [r.client_request_id, r.arrived_ms]));
  const summary: Json = (await readJson(join(dir, 'summary.json'))).requests;
  return { records, arrived, summary };
}

/**
 * Checks the merged schedule: record k (both executors, in scheduled order) is due at the shared start
 * + `offsetMs(k)`, its executor the k-th in turn; prints the start skew the server saw.
 */
function expectMerged(
  what: string,
  run: Awaited<ReturnType<typeof runScheduled>>,
  offsetMs: (k: number) => number,
) {
  const { records, arrived } = run;
  expect(records.length).toBeGreaterThan(20);
  const t0 = records[0].scheduled - offsetMs(0);
  // both executors' clocks start on one instant: every arrival of either is at t0 + its offset
  const starts = [0, 1].map((e) => {
    const k = records.findIndex((r) => r.executor === e);
    return records[k].scheduled - offsetMs(k);
  });
  expect(Math.abs(starts[1] - starts[0])).toBeLessThan(1e-3);
  records.forEach((r, k) => {
    expect(Math.abs(r.scheduled - t0 - offsetMs(k)), `${what}: arrival ${k}`).toBeLessThan(1e-3);
    // the executors take every other arrival of the run-wide schedule
    expect(r.executor, `${what}: arrival ${k}`).toBe((records[0].executor + k) % 2);
  });
  // the server saw each of them once
  for (const r of records) expect(arrived.has(r.id), r.id).toBe(true);
  expect(arrived.size).toBe(records.length);
  // the start skew at the server: mean arrival − offset of each executor (a timing figure, printed)
  const at = [0, 1].map((e) => {
    const mine = records.flatMap((r, k) => (r.executor === e ? [arrived.get(r.id)! - offsetMs(k)] : []));
    return mine.reduce((s, x) => s + x, 0) / mine.length;
  });
  process.stdout.write(
    `${what}: ${records.length} arrivals; executor start skew at the server ${Math.abs(at[1] - at[0]).toFixed(2)} ms\n`,
  );
}

describe('a scheduled load over two executors starts on one instant', () => {
  it('open loop, constant 20 req/s: the merged schedule is evenly spaced at 1/20 s', async () => {
    const run = await runScheduled('open', { target_rps: 20 });
    expectMerged('open loop', run, (k) => (k * 1000) / 20);
    expect(run.summary.sent).toBe(DURATION_S * 20);
  }, 240_000);

  it('rate ramp, constant 10 -> 30.5 req/s: the k-th arrival is when the ramp has asked for k', async () => {
    const run = await runScheduled('ramp', { ramp: 'linear', ramp_start_rps: 10, ramp_end_rps: 30.5 });
    const p: RampProfile = { shape: 'linear', r0: 10, r1: 30.5, warmup: WARMUP_S, duration: DURATION_S };
    expectMerged('ramp', run, (k) => rampTime(p, k) * 1000);
    // measured: the arrivals k with Λ(warmup) <= k < Λ(warmup + duration) (5 and 45.5)
    expect(run.summary.sent).toBe(Math.ceil(rampCount(p, WARMUP_S + DURATION_S)) - rampCount(p, WARMUP_S));
  }, 240_000);
});
