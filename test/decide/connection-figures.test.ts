/**
 * The connection figures (summary.json `connections`, src/decide/figures.ts): their names, units and
 * direction; thresholds on them, also on a summary without them; and `compare` of two runs whose
 * benchmarks opened different numbers of connections: one number per run, so an interval only from the
 * repetitions (else `needs repetitions`), the change of a per-request figure in percentage points.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionFigures } from '../../src/contracts/index.js';
import {
  type CompareOptions,
  compareRuns,
  regressions,
  repetitionInterval,
} from '../../src/decide/compare.js';
import { renderComparison } from '../../src/decide/compare-render.js';
import { evaluateThresholds } from '../../src/decide/evaluate.js';
import { figure } from '../../src/decide/figures.js';
import { parseThreshold } from '../../src/decide/threshold.js';
import { readRun } from '../../src/results-folder/index.js';
import { BASE, writeRun } from './fake-run.js';

const conn = (requests: number, opened: number, resent: number): ConnectionFigures => ({
  requests,
  opened,
  resent_stale: resent,
  server_closes_after_stream: opened >= requests,
  learnt_by: opened >= requests ? 1 : 0,
  executors: 1,
});

describe('connection figures in thresholds', () => {
  it('are in the registry: counts and fractions of the requests the pools were given, lower is better', () => {
    expect(
      [
        'connections.opened',
        'connections.opened_per_request',
        'connections.resent_stale',
        'connections.resent_stale_per_request',
      ].map((n) => [figure(n)?.unit, figure(n)?.better, figure(n)?.field]),
    ).toEqual([
      ['count', 'lower', 'connections.opened'],
      ['ratio', 'lower', 'connections.opened / connections.requests'],
      ['count', 'lower', 'connections.resent_stale'],
      ['ratio', 'lower', 'connections.resent_stale / connections.requests'],
    ]);
    const limit = (c: string) => {
      const p = parseThreshold(c);
      return p.ok ? p.threshold.value : p.message;
    };
    expect(limit('connections.opened_per_request < 5%')).toBe(0.05);
    expect(limit('connections.opened <= 64')).toBe(64);
    expect(limit('connections.opened < 5ms')).toMatch(/connections\.opened takes a whole number/);
    expect(limit('connections.closed < 5')).toMatch(/valid figures: .*connections\.opened\|resent_stale/);
  });

  it('pass and fail on summary.json connections; without them (or without requests) no value fails', () => {
    const conditions = [
      'connections.opened_per_request < 10%',
      'connections.resent_stale_per_request < 1%',
      'connections.opened <= 64',
      'connections.resent_stale < 1',
    ];
    // a server keeping its connections: 8 users' connections for 400 requests
    const keeps = evaluateThresholds(conditions, { connections: conn(400, 8, 0) });
    expect(keeps.map((t) => [t.actual, t.pass])).toEqual([
      [0.02, true],
      [0, true],
      [8, true],
      [0, true],
    ]);
    // one closing after every streamed response: a connection per request, 10 sent again
    const closes = evaluateThresholds(conditions, { connections: conn(400, 410, 10) });
    expect(closes.map((t) => [t.actual, t.pass])).toEqual([
      [410 / 400, false],
      [10 / 400, false],
      [410, false],
      [10, false],
    ]);
    // a rebuilt benchmark, a custom client: no connections, every condition fails
    for (const t of evaluateThresholds(conditions, {}))
      expect(t).toMatchObject({ actual: null, pass: false });
    // a summary written before `requests` was counted: the counts still, the per-request figures not
    const { requests: _, ...older } = conn(400, 8, 0);
    const [perRequest, opened] = evaluateThresholds(
      ['connections.opened_per_request < 10%', 'connections.opened <= 64'],
      { connections: older as ConnectionFigures },
    );
    expect([perRequest.actual, perRequest.pass, opened.actual, opened.pass]).toEqual([null, false, 8, true]);
  });
});

describe('connection figures in compare', () => {
  let tmp: string;
  let n = 0;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'hpcbench-compare-conn-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  const opts: CompareOptions = { confidence: 0.95, resamples: 200, seed: 3, minChange: 0 };
  const run = (b: Parameters<typeof writeRun>[1]) =>
    writeRun(join(tmp, `run${n++}`), b).then((d) => readRun(d));
  const fig = (c: Awaited<ReturnType<typeof compareRuns>>, name: string) =>
    c.benchmarks[0].figures.find((f) => f.figure === name);

  it('one value per run: side by side with the change in percentage points, "needs repetitions"', async () => {
    const a = await run({ c1: { model: BASE, seed: 1, connections: conn(400, 8, 0) } });
    const b = await run({ c1: { model: BASE, seed: 2, connections: conn(400, 410, 10) } });
    const c = await compareRuns(a, b, opts);
    const opened = fig(c, 'connections.opened_per_request');
    expect(opened).toMatchObject({
      baseline: 0.02,
      value: 410 / 400,
      change_kind: 'absolute',
      ci: null,
      interval: 'none',
      verdict: 'needs repetitions',
    });
    expect(opened?.change).toBeCloseTo(410 / 400 - 0.02, 12);
    expect(fig(c, 'connections.resent_stale_per_request')).toMatchObject({
      baseline: 0,
      value: 10 / 400,
      verdict: 'needs repetitions',
    });
    expect(regressions([c], 0.05).map((r) => r.figure)).not.toContain('connections.opened_per_request');
    expect(renderComparison([c], 0.95)).toMatch(
      /connections\.opened_per_request\s+2\.00%\s+102\.50%\s+\+100\.50 pp\s+-\s+needs repetitions/,
    );
    // neither run with connection figures (a custom client, a rebuilt benchmark): no connection row
    const none = await compareRuns(
      await run({ c1: { model: BASE, seed: 1 } }),
      await run({ c1: { model: BASE, seed: 2 } }),
      opts,
    );
    expect(none.benchmarks[0].figures.some((f) => f.figure.startsWith('connections.'))).toBe(false);
  }, 60_000);

  it('with repetitions in both runs: a Welch interval over the repetitions, more connections worse', async () => {
    const reps = (seed: number, opened: number[]) =>
      Object.fromEntries(
        opened.map((o, i) => [
          `c1_rep${i + 1}`,
          { model: { ...BASE, requests: 200 }, seed: seed + i, connections: conn(200, o, 0) },
        ]),
      );
    const a = await run(reps(10, [8, 8, 9]));
    const b = await run(reps(20, [200, 203, 201]));
    const c = await compareRuns(a, b, opts);
    const opened = fig(c, 'connections.opened_per_request');
    const expected = repetitionInterval(
      [8, 8, 9].map((o) => o / 200),
      [200, 203, 201].map((o) => o / 200),
      'absolute',
      0.95,
    );
    expect(opened).toMatchObject({ interval: 'repetitions', verdict: 'worse', ci: expected });
    expect(expected?.[0]).toBeGreaterThan(0);
    expect(regressions([c], 0.05).map((r) => r.figure)).toContain('connections.opened_per_request');
    // the other way round: fewer connections per request is better
    const back = await compareRuns(b, a, opts);
    expect(fig(back, 'connections.opened_per_request')?.verdict).toBe('better');
  }, 60_000);
});
