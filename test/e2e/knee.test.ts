/**
 * The knee of a rate sweep across the simulated service's known capacity (4 sequences × 100 ms = 40
 * req/s): found at the sweep point at or just below the capacity, in summary.json, summary.md and
 * report.html, with the method named.
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

describe('knee of a sweep', () => {
  it('a target_rps sweep across the capacity has its knee at the capacity', async () => {
    const file = await box.writeRecipe(
      'knee.yaml',
      recipe(
        'knee',
        {
          duration: '3s',
          warmup: '0s',
          ...CAPACITY.workload,
          // the server is measured here; on a busy shared CI machine the generator may lag past the gate
          max_schedule_lag: '2s',
          request_distribution: 'constant',
          sweep: { target_rps: [10, 20, 30, 40, 60, 80] },
        },
        { servers: CAPACITY.servers },
      ),
    );
    const res = await runCli(['run', file, '--results-dir', box.path('results'), '--quiet'], {
      timeout: 200_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('results'));
    const summary = await readJson(join(run, 'summary.json'));
    expect(summary.knees).toHaveLength(1);
    const [k] = summary.knees;
    expect(k.method).toMatch(/^kneedle/);
    expect(k.load).toBe('target_rps');
    expect(k.points.map((p: { load: number }) => p.load)).toEqual([10, 20, 30, 40, 60, 80]);
    // the last sweep point at or below the capacity (40 req/s), one step either way at most
    expect([30, 40]).toContain(k.knee.load);
    expect(k.knee.throughput_rps).toBeGreaterThan(0.7 * CAPACITY.rps);
    const md = await readFile(join(run, 'summary.md'), 'utf8');
    expect(md).toMatch(
      /## Knee\n\n- knee over target_rps at target_rps=(30|40) \(target_rps=(30|40)\): .* — kneedle/,
    );
    const html = await readFile(join(run, 'report.html'), 'utf8');
    expect(html).toMatch(/knee over target_rps at target_rps=(30|40)/);
  }, 240_000);
});
