/**
 * The load-generator gate on a finished benchmark (gateGenerator, src/orchestrator/verdict.ts): with
 * `max_concurrency` its sends also wait for a free slot — the server being slow, not the generator — so
 * only the event-loop criterion applies (`capped`), for a ramp as for an open loop (both are scheduled
 * loads that take `max_concurrency`).
 */
import { describe, expect, it } from 'vitest';
import type { Load } from '../../src/contracts/index.js';
import { newRecord, recordToJson } from '../../src/loadgen/record.js';
import { snapshotFromLines, summarize } from '../../src/metrics/index.js';
import { gateGenerator, generatorVerdict } from '../../src/orchestrator/verdict.js';
import type { BenchmarkResult } from '../../src/report/types.js';

const T0 = Date.parse('2026-01-01T12:00:00.000Z');

/** A finished benchmark at 10/s whose sends waited for a free slot: 40 sent of 78 due, lag up to 3.9 s. */
function slowServer(name: string): BenchmarkResult {
  const lines = Array.from({ length: 40 }, (_, i) => {
    const r = newRecord({
      id: `x-${i}`,
      benchmark: name,
      executor: 'x',
      warmup: false,
      api: 'chat',
      stream: true,
      scheduled: T0 + 100 * i,
      prompt_tokens_client: 8,
    });
    r.sent = T0 + 200 * i;
    r.first_token = r.sent + 10;
    r.last_token = r.end = r.sent + 150;
    r.chunks.push(r.first_token, r.last_token);
    Object.assign(r, { status: 'ok', prompt_tokens: 8, output_tokens: 2, output_tokens_client: 2 });
    return recordToJson(r);
  });
  const { snapshot } = snapshotFromLines(lines, {
    openLoop: true,
    requestedRps: 10,
    windowStart: T0,
    unsent: () => 38,
  });
  return { name, status: 'completed', summary: summarize(snapshot, name) };
}

const ramp = (extra: Partial<Load>): Load =>
  ({ mode: 'ramp', ramp: 'linear', ramp_start_rps: 10, ramp_end_rps: 10, ...extra }) as Load;

describe('the load-generator gate with max_concurrency', () => {
  it('a ramp with max_concurrency is capped as an open loop is: a slow server is not the generator', () => {
    for (const load of [
      { mode: 'open', target_rps: 10, max_concurrency: 1 } as Load,
      ramp({ max_concurrency: 1 }),
    ]) {
      const r = slowServer(load.mode);
      gateGenerator(r, { load });
      expect(r.load_generator, load.mode).toMatchObject({ valid: true, capped: true, reasons: [] });
      expect(r.status, load.mode).toBe('completed');
      expect(generatorVerdict(r, { load })?.capped, load.mode).toBe(true);
    }
  });

  it('without max_concurrency the same ramp fell behind: invalid (load generator), degraded', () => {
    const r = slowServer('ramp');
    gateGenerator(r, { load: ramp({}) });
    expect(r.load_generator).toMatchObject({ valid: false });
    expect(r.load_generator?.capped).toBeUndefined();
    expect(r.status).toBe('degraded');
    expect(r.reason).toMatch(/^invalid \(load generator\): sent 40 of 78 scheduled sends/);
  });
});
