/**
 * Trace replay timing, end to end against the simulator's ground truth: `hpcbench run` (local mode, two
 * executors, attached to a simulator the test started) replays a Mooncake trace of 40 rows; the
 * simulator's own record of every request (GET /hpcbench/requests) shows each row arrived exactly once
 * with its lengths, each executor's rows in trace order, at the trace's offsets (× time_scale) from the
 * replay's start. The timing tolerance is generous (a loaded 2-core CI machine); the measured error is
 * printed, and the 5 ms figure at hundreds of requests/s is the bench's (bench/trace-replay.bench.ts,
 * docs/BENCHMARKS.md#trace-replay).
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, onlyRunDir, readJson, readLines, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
let sim: { url: string };
beforeAll(async () => {
  box = await Sandbox.create();
  sim = await box.startSim('sim', ['--load-ms', '0', '--decode-step-ms', '5', '--prefill-base-ms', '2']);
});
afterAll(async () => {
  await box.close();
});

const ROWS = 40;
/**
 * Row j: offset j·100 ms plus a seeded jitter of 0–40 ms (so each executor's rows, every other one, are
 * at least 160 ms apart), and a prompt length of its own (50 + 13j tokens) that names it at the server.
 */
const rows = Array.from({ length: ROWS }, (_, j) => ({
  at: j * 100 + ((j * 37) % 41),
  input: 50 + 13 * j,
  output: 2 + (j % 5),
}));
/** Rows j and j' share leading blocks when j ≡ j' mod 4 (a Mooncake trace's hash_ids). */
const jsonl = rows
  .map((r, j) =>
    JSON.stringify({ timestamp: r.at, input_length: r.input, output_length: r.output, hash_ids: [j % 4] }),
  )
  .join('\n');

/** A simulator entry of GET /hpcbench/requests (epoch ms). */
interface SimRequest {
  client_request_id: string | null;
  state: string;
  prompt_tokens: number;
  output_tokens: number;
  arrived_ms: number;
}

/** The replay's start on the simulator's clock: the earliest start every arrival is consistent with. */
const alignedStart = (a: { arrived: number; offset: number }[]) =>
  Math.min(...a.map((x) => x.arrived - x.offset));

/** Least-squares slope of arrival over offset. */
function slope(a: { arrived: number; offset: number }[]): number {
  const mx = a.reduce((s, x) => s + x.offset, 0) / a.length;
  const my = a.reduce((s, x) => s + x.arrived, 0) / a.length;
  let num = 0;
  let den = 0;
  for (const x of a) {
    num += (x.offset - mx) * (x.arrived - my);
    den += (x.offset - mx) ** 2;
  }
  return num / den;
}

async function replay(name: string, timeScale: number) {
  await fetch(`${sim.url}/hpcbench/requests`, { method: 'DELETE' });
  const trace = box.path(`${name}.jsonl`);
  await writeFile(trace, jsonl);
  const file = await box.writeRecipe(
    `${name}.yaml`,
    recipe(
      name,
      {
        clients_per_node: undefined,
        api: 'completions',
        duration: `${Math.ceil((rows[ROWS - 1].at * timeScale) / 1000) + 2}s`,
        warmup: '0s',
        max_schedule_lag: '2s',
        trace: { path: trace, time_scale: timeScale, block_tokens: 16 },
      },
      { servers: { endpoints: [sim.url], health_check: { timeout: 20, interval: 0.2 } } },
    ),
  );
  const results = box.path(`results-${name}`);
  const res = await runCli(['run', file, '--quiet', '--results-dir', results], { timeout: 180_000 });
  expect(res.exitCode, res.all).toBe(0);
  const dir = join(await onlyRunDir(results), 'benchmarks', 'default');
  const files = (await readdir(dir)).filter((f) => f.startsWith('records-')).sort();
  expect(files).toHaveLength(2);
  /** record id → the executor (records file) that sent it; each executor's clock start (scheduled − offset) */
  const sender = new Map<string, number>();
  const clockStarts: number[][] = [[], []];
  for (const [i, f] of files.entries())
    for (const line of await readLines(join(dir, f))) {
      const rec: Json = JSON.parse(line);
      sender.set(rec.id, i);
      // the records do not name their row: the prompt length does (unique per row)
      const row = rows.find((r) => r.input === rec.prompt_tokens);
      if (row) clockStarts[i].push(rec.scheduled - row.at * timeScale);
    }
  const truth = (await (await fetch(`${sim.url}/hpcbench/requests`)).json()) as { requests: SimRequest[] };
  const summary: Json = await readJson(join(dir, 'summary.json'));
  return { sender, clockStarts, requests: truth.requests, summary };
}

describe('trace replay at the simulator (its ground truth)', () => {
  for (const timeScale of [1, 0.5])
    it(`every row arrives once, with its lengths, per executor in trace order, at offset × ${timeScale}`, async () => {
      const { sender, clockStarts, requests, summary } = await replay(`timing-${timeScale}`, timeScale);
      expect(summary.requests).toMatchObject({ sent: ROWS, ok: ROWS, failed: 0 });
      // every request the server saw is one of this run's (by x-request-id) and names its row by its length
      const byRow = new Map<number, SimRequest[]>();
      for (const r of requests) {
        expect(r.client_request_id !== null && sender.has(r.client_request_id), JSON.stringify(r)).toBe(true);
        const j = rows.findIndex((row) => row.input === r.prompt_tokens);
        expect(j, `prompt of ${r.prompt_tokens} tokens`).toBeGreaterThanOrEqual(0);
        byRow.set(j, [...(byRow.get(j) ?? []), r]);
      }
      // each row exactly once, with its output length
      expect([...byRow.keys()].sort((a, b) => a - b)).toEqual(rows.map((_, j) => j));
      for (const [j, got] of byRow) {
        expect(got).toHaveLength(1);
        expect(got[0]).toMatchObject({ state: 'done', output_tokens: rows[j].output });
      }
      const arrivals = [...byRow].map(([j, [r]]) => ({
        j,
        executor: sender.get(r.client_request_id!)!,
        arrived: r.arrived_ms,
        offset: rows[j].at * timeScale,
      }));
      // the split: one executor sent the even rows, the other the odd ones, each in trace order as the
      // server received them (up to 1 ms: two requests parsed in one server turn are stamped in its order)
      const shares = [0, 1].map((i) => arrivals.filter((a) => a.executor === i).sort((a, b) => a.j - b.j));
      expect(shares.map((s) => [...new Set(s.map((a) => a.j % 2))])).toEqual(
        shares[0][0].j % 2 === 0 ? [[0], [1]] : [[1], [0]],
      );
      for (const s of shares)
        for (let k = 1; k < s.length; k++)
          expect(s[k].arrived, `row ${s[k].j} arrived before row ${s[k - 1].j}`).toBeGreaterThanOrEqual(
            s[k - 1].arrived - 1,
          );
      // both executors' clocks start on one instant (the controller's start_at): every request of either
      // was scheduled at that start + its offset × time_scale, to float precision
      const starts = clockStarts.flat();
      expect(starts).toHaveLength(ROWS);
      for (const t of starts) expect(Math.abs(t - starts[0])).toBeLessThan(1e-3);
      // the offsets: each arrival − (replay start + offset × time_scale), the start aligned on the
      // server's clock for the whole trace (both executors); printed, then held to a generous bound
      const t0 = alignedStart(arrivals);
      const err = arrivals.map((a) => a.arrived - a.offset - t0).sort((a, b) => a - b);
      const q = (p: number) => err[Math.min(err.length - 1, Math.ceil(p * err.length) - 1)];
      const each = shares.map(alignedStart);
      process.stdout.write(
        `trace replay at time_scale ${timeScale}: arrival − trace offset p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${err[err.length - 1].toFixed(2)} ms; executor start skew ${Math.abs(each[1] - each[0]).toFixed(2)} ms\n`,
      );
      // a trace played at the wrong scale or all at once would be seconds off: 750 ms is a loaded
      // machine's stall, not a timing defect
      expect(err[err.length - 1]).toBeLessThan(750);
      // the time scale: arrivals advance by time_scale ms per ms of the trace
      const perTraceMs = slope(arrivals.map((a) => ({ arrived: a.arrived, offset: rows[a.j].at })));
      expect(perTraceMs).toBeGreaterThan(0.9 * timeScale);
      expect(perTraceMs).toBeLessThan(1.1 * timeScale);
      // the executors report their schedule lag against the trace times
      expect(summary.latency_ms.schedule_lag.count).toBe(ROWS);
    }, 240_000);
});
