/**
 * compare's statistics on results folders made in-process (test/decide/fake-run.ts): a known shift is
 * detected with an interval that covers it; two runs of one configuration come out "no significant
 * difference" at the stated confidence; unmatched benchmarks are listed; repetitions use Welch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompareOptions,
  compareRuns,
  regressions,
  repetitionInterval,
} from '../../src/decide/compare.js';
import { renderComparison } from '../../src/decide/compare-render.js';
import { tQuantile } from '../../src/decide/stats.js';
import { readRun } from '../../src/results-folder/index.js';
import { BASE, writeRun } from './fake-run.js';

let tmp: string;
let n = 0;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'hpcbench-compare-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const opts: CompareOptions = { confidence: 0.95, resamples: 400, seed: 7, minChange: 0 };
const run = (b: Parameters<typeof writeRun>[1]) =>
  writeRun(join(tmp, `run${n++}`), b).then((d) => readRun(d));

const LATENCIES = ['ttft.p50', 'itl.p50', 'tpot.p50', 'e2e.p50', 'e2e.p90'];

describe('compare on records with a known shift', () => {
  it('a 20% slower run is worse on the latencies, its interval covering 20% at about the stated rate', async () => {
    let covered = 0;
    let worse = 0;
    let total = 0;
    for (let t = 0; t < 20; t++) {
      const a = await run({ b: { model: BASE, seed: 100 + t } });
      const b = await run({ b: { model: { ...BASE, scale: 1.2 }, seed: 200 + t } });
      const c = await compareRuns(a, b, { ...opts, seed: t });
      const figs = c.benchmarks[0].figures;
      for (const name of LATENCIES) {
        const f = figs.find((x) => x.figure === name);
        if (f?.verdict === 'worse') worse++;
        expect(f?.verdict, `${name} trial ${t}`).not.toBe('better');
        const [lo, hi] = f?.ci ?? [0, 0];
        total++;
        if (lo <= 0.2 && 0.2 <= hi) covered++;
      }
      // throughput falls by about 1/1.2
      const tput = figs.find((x) => x.figure === 'output_tokens_per_s');
      expect(tput?.change).toBeLessThan(-0.1);
    }
    // detected nearly always; a 95% interval covers the true shift about 95% of the time
    expect(worse / total).toBeGreaterThanOrEqual(0.98);
    expect(covered / total).toBeGreaterThanOrEqual(0.88);
  }, 120_000);

  it('two runs of one configuration are "no significant difference" in ≥ 95% of seeded trials', async () => {
    const FIGURES = [...LATENCIES, 'itl.p99', 'output_tokens_per_s', 'requests_per_s', 'error_rate'];
    const quiet = new Map(FIGURES.map((f) => [f, 0]));
    const trials = 40;
    for (let t = 0; t < trials; t++) {
      const model = { ...BASE, errorRate: 0.02 };
      const a = await run({ b: { model, seed: 1000 + 2 * t } });
      const b = await run({ b: { model, seed: 1001 + 2 * t } });
      const c = await compareRuns(a, b, { ...opts, seed: t });
      for (const f of c.benchmarks[0].figures)
        if (quiet.has(f.figure) && f.verdict === 'no significant difference')
          quiet.set(f.figure, (quiet.get(f.figure) ?? 0) + 1);
    }
    const all = [...quiet.values()].reduce((x, y) => x + y, 0) / (trials * FIGURES.length);
    expect(all).toBeGreaterThanOrEqual(0.95);
    for (const [f, q] of quiet) expect(q / trials, f).toBeGreaterThanOrEqual(0.88);
  }, 240_000);
});

describe('matching benchmarks', () => {
  it('compares benchmarks of the same name, lists the unmatched, flags regressions beyond a tolerance', async () => {
    const a = await run({ c1: { model: BASE, seed: 1 }, only_a: { model: BASE, seed: 2 } });
    const b = await run({
      c1: { model: { ...BASE, decodeStepMs: 13, users: 9 }, seed: 3 },
      only_b: { model: BASE, seed: 4 },
    });
    const c = await compareRuns(a, b, opts);
    expect(c.benchmarks.map((x) => x.benchmark)).toEqual(['c1']);
    expect(c.only_in_baseline).toEqual(['only_a']);
    expect(c.only_in_run).toEqual(['only_b']);
    expect(c.benchmarks[0].parameters_differ).toEqual(['clients_per_node: 8 → 9']);
    const itl = c.benchmarks[0].figures.find((f) => f.figure === 'itl.p50');
    expect(itl?.verdict).toBe('worse');
    expect(itl?.change).toBeGreaterThan(0.2);
    const worse = regressions([c], 0.05).map((r) => r.figure);
    expect(worse).toContain('itl.p50');
    expect(worse).toContain('e2e.p50');
    expect(regressions([c], 10)).toEqual([]);
    // p99 of 400 TTFTs has 4 values above it: too few for an interval
    expect(c.benchmarks[0].figures.find((f) => f.figure === 'ttft.p99')?.verdict).toBe('too few values');
  }, 60_000);
});

describe('repetitions', () => {
  it('Welch interval of the difference of means, relative to the baseline mean', () => {
    const a = [100, 102, 98, 101, 99];
    const b = [110, 112, 108, 111, 109];
    const [lo, hi] = repetitionInterval(a, b, 'relative', 0.95) ?? [0, 0];
    // equal variances (2.5), n = 5 each: df 8, t 2.306, se 1; d = 10 of 100
    expect(lo).toBeCloseTo((10 - tQuantile(0.975, 8)) / 100, 4);
    expect(hi).toBeCloseTo((10 + tQuantile(0.975, 8)) / 100, 4);
    expect(tQuantile(0.975, 8)).toBeCloseTo(2.306, 2);
    expect(tQuantile(0.975, 3)).toBeCloseTo(3.182, 1);
    expect(repetitionInterval([1], [2, 3], 'relative', 0.95)).toBeNull();
  });

  it('a run with repetitions compared with one that has them uses the repetitions', async () => {
    const reps = (seed: number, scale: number) =>
      Object.fromEntries(
        [1, 2, 3].map((i) => [`c1_rep${i}`, { model: { ...BASE, requests: 200, scale }, seed: seed + i }]),
      );
    const a = await run(reps(10, 1));
    const b = await run(reps(20, 1.2));
    const c = await compareRuns(a, b, opts);
    expect(c.benchmarks).toHaveLength(1);
    expect(c.benchmarks[0]).toMatchObject({ benchmark: 'c1', method: 'repetitions', repetitions: [3, 3] });
    expect(c.benchmarks[0].figures.find((f) => f.figure === 'e2e.p50')?.verdict).toBe('worse');
  }, 60_000);
});

describe('energy', () => {
  const energy = (tokensPerJ: number, aboveIdle: number) => ({
    energy_j: 1000,
    output_tokens_per_j: tokensPerJ,
    j_per_output_token: 1 / tokensPerJ,
    energy_above_idle_j: aboveIdle,
  });
  const fig = (c: Awaited<ReturnType<typeof compareRuns>>, name: string) =>
    c.benchmarks[0].figures.find((f) => f.figure === name);

  it('one value per run: compared side by side with its change, no interval, "needs repetitions"', async () => {
    const a = await run({ c1: { model: BASE, seed: 1, energy: energy(0.8, 600) } });
    const b = await run({ c1: { model: BASE, seed: 2, energy: energy(0.6, 700) } });
    const c = await compareRuns(a, b, opts);
    const tpj = fig(c, 'energy.output_tokens_per_j');
    expect(tpj).toMatchObject({ baseline: 0.8, value: 0.6, ci: null, interval: 'none' });
    expect(tpj?.verdict).toBe('needs repetitions');
    expect(tpj?.change).toBeCloseTo(-0.25, 10);
    expect(fig(c, 'energy.j_per_output_token')?.change).toBeCloseTo(0.8 / 0.6 - 1, 10);
    expect(fig(c, 'energy.energy_above_idle_j')?.change).toBeCloseTo(700 / 600 - 1, 10);
    // the latencies still have their bootstrap interval
    expect(fig(c, 'e2e.p50')?.interval).toBe('bootstrap');
    expect(regressions([c], 0.05).map((r) => r.figure)).not.toContain('energy.output_tokens_per_j');
    // without power readings in either run there is no energy row
    const plain = await compareRuns(await run({ c1: { model: BASE, seed: 1 } }), a, opts);
    expect(fig(plain, 'energy.output_tokens_per_j')?.verdict).toBe('no data');
    const none = await compareRuns(
      await run({ c1: { model: BASE, seed: 1 } }),
      await run({ c1: { model: BASE, seed: 2 } }),
      opts,
    );
    expect(none.benchmarks[0].figures.some((f) => f.figure.startsWith('energy.'))).toBe(false);
  }, 60_000);

  it('with repetitions in both runs: a Welch interval over the repetitions, and a regression', async () => {
    const reps = (seed: number, tpj: number[]) =>
      Object.fromEntries(
        tpj.map((v, i) => [
          `c1_rep${i + 1}`,
          { model: { ...BASE, requests: 200 }, seed: seed + i, energy: energy(v, 500 + i) },
        ]),
      );
    const a = await run(reps(10, [0.8, 0.82, 0.79]));
    const b = await run(reps(20, [0.6, 0.61, 0.62]));
    const c = await compareRuns(a, b, opts);
    const tpj = fig(c, 'energy.output_tokens_per_j');
    expect(tpj).toMatchObject({ interval: 'repetitions', verdict: 'worse' });
    const expected = repetitionInterval([0.8, 0.82, 0.79], [0.6, 0.61, 0.62], 'relative', 0.95);
    expect(tpj?.ci).toEqual(expected);
    expect(tpj?.ci?.[1]).toBeLessThan(0);
    expect(fig(c, 'energy.j_per_output_token')?.verdict).toBe('worse');
    expect(regressions([c], 0.05).map((r) => r.figure)).toContain('energy.output_tokens_per_j');
  }, 60_000);

  it('a baseline of 0: the absolute difference with its interval and a verdict from it, said so', async () => {
    // energy above idle: the baseline's repetitions average 0 J (within the idle draw), the run's ~505 J
    const reps = (seed: number, above: number[]) =>
      Object.fromEntries(
        above.map((v, i) => [
          `c1_rep${i + 1}`,
          { model: { ...BASE, requests: 200 }, seed: seed + i, energy: energy(0.8, v) },
        ]),
      );
    const a = await run(reps(30, [-5, 0, 5]));
    const b = await run(reps(40, [500, 510, 505]));
    const c = await compareRuns(a, b, opts);
    const above = fig(c, 'energy.energy_above_idle_j');
    const expected = repetitionInterval([-5, 0, 5], [500, 510, 505], 'absolute', 0.95);
    expect(above).toMatchObject({
      baseline: 0,
      value: 505,
      change_kind: 'absolute',
      change: 505,
      ci: expected,
      interval: 'repetitions',
      verdict: 'worse',
      relative_undefined: true,
    });
    expect(above?.note).toMatch(
      /^baseline is 0\.000J: relative change undefined; change and interval are the absolute difference \(J\)/,
    );
    expect(expected?.[0]).toBeGreaterThan(0);
    // significantly worse from 0 is beyond any relative tolerance
    expect(regressions([c], 10)).toEqual([
      expect.objectContaining({
        figure: 'energy.energy_above_idle_j',
        change: 505,
        change_kind: 'absolute',
        unit: 'J',
      }),
    ]);
    const text = renderComparison([c], 0.95);
    expect(text).toMatch(
      /energy\.energy_above_idle_j\s+0\.000J\s+505\.0J\s+\+505\.0J\s+\[\+\d+\.\dJ, \+\d+\.\dJ\]\s+worse \(baseline 0\.000J: relative change undefined, absolute shown\)/,
    );
    // the other figures of a positive baseline stay relative
    expect(fig(c, 'energy.output_tokens_per_j')).toMatchObject({ change_kind: 'relative' });
    expect(fig(c, 'energy.output_tokens_per_j')?.relative_undefined).toBeUndefined();
    // the baseline 0 and the run 0: no difference, not "no data"
    const z = await compareRuns(a, await run(reps(50, [-5, 0, 5])), opts);
    expect(fig(z, 'energy.energy_above_idle_j')).toMatchObject({
      change: 0,
      verdict: 'no significant difference',
      relative_undefined: true,
    });
  }, 60_000);
});
