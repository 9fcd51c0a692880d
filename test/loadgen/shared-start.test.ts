/**
 * The shared start of a scheduled load (open loop, ramp, trace replay) over several executors: the
 * controller gives every executor the same `start_at` (SHARED_START_LEAD_MS ahead), and an executor
 * starts its clock on it when it is within START_AT_TOLERANCE_MS of its own clock, else on its own (an
 * unsynchronised node); a prepared load (`prepareLoad`, the executor's held start) starts its clock on
 * the instant its release gives. The end-to-end proofs, both executors' clocks starting on the same
 * instant, are test/e2e/trace-timing.test.ts (a trace), test/e2e/shared-start.test.ts (open loop and
 * ramp) and test/controller/two-step-start.test.ts (one executor slow to prepare).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_START_LEAD_MS, START_AT_TOLERANCE_MS } from '../../src/contracts/index.js';
import { sharedStart } from '../../src/controller/index.js';
import { nowMs } from '../../src/loadgen/record.js';
import { clockStart } from '../../src/loadgen/run/context.js';
import { prepareLoad, startLoad } from '../../src/loadgen/run/load-run.js';
import { withCaps } from '../helpers/capabilities.js';
import { simSpec } from '../helpers/spec.js';

const trace = {
  benchmark: 'b',
  server_url: 'http://127.0.0.1:1',
  model: 'm',
  duration: 1,
  warmup: 0,
  load: { mode: 'trace' as const },
  prompts: { source: 'trace' as const, format: 'mooncake' as const, path: 't.jsonl' },
};

const ramp = {
  mode: 'ramp' as const,
  ramp: 'linear' as const,
  ramp_start_rps: 1,
  ramp_end_rps: 9,
};

describe('shared start of a scheduled load', () => {
  it('the controller sets start_at for a scheduled load over 2+ executors only', () => {
    const before = performance.timeOrigin + performance.now();
    const at = sharedStart(trace, 2);
    const after = performance.timeOrigin + performance.now();
    expect(at).toBeGreaterThanOrEqual(before + SHARED_START_LEAD_MS);
    expect(at).toBeLessThanOrEqual(after + SHARED_START_LEAD_MS);
    expect(sharedStart(trace, 1)).toBeUndefined();
    for (const load of [{ mode: 'open' as const, target_rps: 5 }, ramp])
      expect(sharedStart({ ...trace, load }, 2), load.mode).toBeGreaterThanOrEqual(before);
    // a seed-style body: the flat load fields say which load it is
    const { load: _, ...flat } = trace;
    expect(sharedStart({ ...flat, target_rps: 5 }, 3)).toBeGreaterThanOrEqual(before);
    expect(sharedStart({ ...flat, ramp: 'linear', ramp_start_rps: 1, ramp_end_rps: 2 }, 2)).toBeDefined();
    // a closed loop's users start at once, each executor on its own POST /start
    expect(sharedStart({ ...trace, load: { mode: 'closed', clients_per_node: 2 } }, 2)).toBeUndefined();
    expect(sharedStart({ ...flat, clients_per_node: 2 }, 2)).toBeUndefined();
    // a start the workload gives itself is kept
    expect(sharedStart({ ...trace, start_at: 123 }, 2)).toBeUndefined();
  });

  it('an executor starts on start_at when it is near its clock (ahead or behind), else now', () => {
    const now = 1_800_000_000_000;
    expect(clockStart(undefined, now)).toBe(now);
    expect(clockStart(now + 250, now)).toBe(now + 250);
    expect(clockStart(now - 40, now)).toBe(now - 40);
    expect(clockStart(now + START_AT_TOLERANCE_MS, now)).toBe(now + START_AT_TOLERANCE_MS);
    expect(clockStart(now + START_AT_TOLERANCE_MS + 1, now)).toBe(now);
    expect(clockStart(now - START_AT_TOLERANCE_MS - 1, now)).toBe(now);
  });
});

describe('an executor ready after the shared start', () => {
  /** Starts an open loop with `start_at` `behindMs` in the past (as if preparing took that long); its log. */
  async function startBehind(behindMs: number) {
    const log: string[] = [];
    // no server answers there: the requests fail at once, the run is stopped right away anyway
    const spec = simSpec('http://127.0.0.1:9', {
      target_rps: 5,
      warmup: 2,
      start_at: nowMs() - behindMs,
    });
    const run = startLoad(...withCaps(spec, { log: (m: string) => log.push(m) }));
    await run.stop();
    return { log, spec, run };
  }

  it('still starts on it, and says how late it was ready and what that means', async () => {
    const { log, spec, run } = await startBehind(1000);
    // the clock is the shared one: its measurement begins at start_at + warmup
    expect(run.windowStart).toBe((spec.start_at as number) + 2000);
    const warning = log.find((m) => m.includes('after the shared start'));
    expect(Number(/ready (\d+) ms after the shared start/.exec(warning ?? '')?.[1])).toBeGreaterThanOrEqual(
      1000,
    );
    expect(warning).toMatch(/preparing the run \(its prompts\) took \d+ ms/);
    expect(warning).toContain('now 2 s');
  });

  it('beyond the tolerance, starts on its own and says so', async () => {
    const { log, spec, run } = await startBehind(START_AT_TOLERANCE_MS + 1000);
    expect(run.windowStart).toBeGreaterThan((spec.start_at as number) + START_AT_TOLERANCE_MS);
    expect(log.find((m) => m.includes('not synchronised'))).toMatch(/took \d+ ms\): starting now instead/);
  });

  it('ready before it: no warning', async () => {
    const { log } = await startBehind(-SHARED_START_LEAD_MS);
    expect(log.filter((m) => m.startsWith('warning'))).toEqual([]);
  });
});

describe('a prepared load started on its release', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpcbench-prepared-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** An open loop prepared (no server answers there: requests fail at once); its log. */
  function prepared(name: string) {
    const log: string[] = [];
    const spec = simSpec('http://127.0.0.1:9', {
      target_rps: 5,
      warmup: 2,
      records_path: join(dir, `${name}.jsonl`),
    });
    return { log, spec, load: prepareLoad(...withCaps(spec, { log: (m: string) => log.push(m) })) };
  }

  it('its clock starts on the instant the release gives, however long preparing took: no warning', async () => {
    const { log, load } = prepared('on-time');
    expect(load.prepareMs).toBeGreaterThanOrEqual(0);
    expect(load.threads).toBe(1);
    const at = nowMs() + SHARED_START_LEAD_MS;
    const run = load.start(at, 'release');
    expect(run.windowStart).toBe(at + 2000);
    await run.stop();
    expect(log.filter((m) => m.startsWith('warning'))).toEqual([]);
    expect(() => load.start(at, 'release')).toThrow('a prepared load starts once');
  });

  it('a release that comes after the start_at it gives says so, not that preparing was slow', async () => {
    const { log, load } = prepared('late');
    const run = load.start(nowMs() - 1000, 'release');
    await run.stop();
    const warning = log.find((m) => m.startsWith('warning'));
    expect(
      Number(/got POST \/release (\d+) ms after the start_at it gives/.exec(warning ?? '')?.[1]),
    ).toBeGreaterThanOrEqual(1000);
    expect(warning).toMatch(/preparing the run \(its prompts\) took \d+ ms, before the release/);
  });

  it('discarded: it never sends, its records file is closed empty, and it cannot start after', async () => {
    const { load, spec } = prepared('discarded');
    const file = spec.records_path as string;
    await load.discard();
    expect(existsSync(file) && readFileSync(file, 'utf8')).toBe('');
    expect(() => load.start(nowMs())).toThrow('a prepared load starts once');
  });
});
