/**
 * A rate ramp end to end: `ramp: linear` from 10 to 80 req/s over 8 s across the simulated service's known
 * capacity (40 req/s). timeseries.csv has the requested rate of every window following the ramp, the
 * completed rate tracking it below the capacity and flattening at it above; the benchmark is judged
 * over-saturated; summary.json carries the ramp's parameters and its mean requested rate.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPACITY, onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

describe('rate ramp', () => {
  it('one run draws the curve: requested and completed rate per window', async () => {
    const file = await box.writeRecipe(
      'ramp.yaml',
      recipe(
        'ramp',
        {
          duration: '8s',
          warmup: '0s',
          window: '1s',
          ...CAPACITY.workload,
          // the server is measured here; on a busy shared CI machine the generator may lag past the gate
          max_schedule_lag: '2s',
          request_distribution: 'constant',
          ramp: 'linear',
          ramp_start_rps: 10,
          ramp_end_rps: 80,
        },
        { servers: CAPACITY.servers },
      ),
    );
    const listed = await runCli(['validate', file, '--list']);
    expect(listed.stdout).toMatch(/ramp\s+linear/);
    const res = await runCli(['run', file, '--results-dir', box.path('results')], { timeout: 120_000 });
    expect(res.exitCode, res.all).toBe(0);
    expect(res.stdout).toMatch(/10→80\/s/);
    const run = await onlyRunDir(box.path('results'));
    const summary = await readJson(join(run, 'summary.json'));
    const [b] = summary.benchmarks;
    expect(b.parameters).toMatchObject({
      load_mode: 'ramp',
      ramp: 'linear',
      ramp_start_rps: 10,
      ramp_end_rps: 80,
      ramp_duration_s: 8,
    });
    expect(b.summary.requested_rps).toBeCloseTo(45, 6);
    expect(b.saturation.saturated).toBe(true);
    const csv = (await readFile(join(run, 'benchmarks', 'default', 'timeseries.csv'), 'utf8'))
      .trim()
      .split('\n');
    const head = csv[0].split(',');
    const rows = csv.slice(1).map((l) => l.split(','));
    const col = (name: string) => rows.map((r) => Number(r[head.indexOf(name)]));
    const t = col('t_s');
    const secs = col('duration_s');
    const requested = col('requested_rps');
    // full windows inside the ramp: the requested rate is the ramp's mean over the window, 10 + 70·t/8
    const full = rows.map((_, i) => i).filter((i) => secs[i] === 1 && t[i] + 1 <= 8);
    expect(full.length).toBeGreaterThanOrEqual(6);
    for (const i of full) expect(requested[i]).toBeCloseTo(10 + (70 * (t[i] + 0.5)) / 8, 2);
    // completed per window: tracks the ramp while below the capacity, held at it above
    const ok = col('requests_per_s');
    const low = full.filter((i) => requested[i] < 0.8 * CAPACITY.rps && t[i] >= 1);
    const high = full.filter((i) => requested[i] > 1.3 * CAPACITY.rps);
    expect(low.length).toBeGreaterThan(0);
    expect(high.length).toBeGreaterThan(0);
    for (const i of low) expect(ok[i]).toBeGreaterThan(0.8 * requested[i]);
    for (const i of high) expect(ok[i]).toBeLessThan(1.15 * CAPACITY.rps);
    const html = await readFile(join(run, 'report.html'), 'utf8');
    expect(html).toMatch(/requested\/s/);
  }, 180_000);
});
