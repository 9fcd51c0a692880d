/**
 * Energy from a real Monitor fed by the fake nvidia-smi (one long-lived `-lms` process): two GPUs at
 * 300 W and 150 W, then a step to 400 W and 200 W at a known time. The joules over a window spanning the
 * step match the known power within 2%.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EnergyMeter, readNodeSeries } from '../../src/monitor/energy-meter.js';
import { Monitor } from '../../src/monitor/monitor.js';

const FAKE_SMI = fileURLToPath(new URL('./fixtures/fake-gpu/nvidia-smi', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('energy from the monitor CSVs', () => {
  let dir: string;
  afterEach(() => {
    delete process.env.FAKE_GPU_POWER;
    delete process.env.FAKE_GPU_POWER_STEP;
    rmSync(dir, { recursive: true, force: true });
  });

  it('two GPUs at 300 W and 150 W, then 400 W and 200 W: the window energy within 2%', async () => {
    dir = mkdtempSync(join(tmpdir(), 'energy-'));
    const start = Date.now();
    const step = start + 2500;
    process.env.FAKE_GPU_POWER = '300,150';
    process.env.FAKE_GPU_POWER_STEP = `400,200@${step}`;
    const common = { interval: 0.1, nvidiaSmi: FAKE_SMI, host: 'box1' } as const;
    const server = new Monitor({
      ...common,
      outputFile: join(dir, 'n1-server.csv'),
      node: 'n1',
      role: 'server',
    });
    // Same machine under another label (a local run): counted once, through the server's CSV.
    const client = new Monitor({
      ...common,
      outputFile: join(dir, 'n2-client.csv'),
      node: 'n2',
      role: 'client',
    });
    await Promise.all([server.start(), client.start()]);
    const from = Math.max(Date.now(), start + 1000);
    const to = step + 2500;
    await sleep(to - Date.now());
    const meter = new EnergyMeter(dir);
    expect(await meter.available()).toBe(true);
    const { report, csv } = await meter.measure(from, to, { output_tokens: 10_000, requests: 50 });
    await Promise.all([server.stop(), client.stop()]);

    const expected = 450 * ((step - from) / 1000) + 600 * ((to - step) / 1000);
    expect(Math.abs(report.energy_j - expected) / expected).toBeLessThan(0.02);
    expect(report.gpus).toBe(2);
    expect(report.nodes.map((n) => [n.node, n.counted])).toEqual([['n1', true]]);
    const [g0, g1] = report.nodes[0].gpus;
    expect(Math.abs(g0.energy_j - (2 / 3) * expected) / expected).toBeLessThan(0.02);
    expect(Math.abs(g1.energy_j - (1 / 3) * expected) / expected).toBeLessThan(0.02);
    expect(report.output_tokens_per_j).toBeCloseTo(10_000 / report.energy_j, 6);
    expect(report.j_per_request).toBeCloseTo(report.energy_j / 50, 6);
    // power.csv: 450 W before the step, 600 W after it.
    const rows = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(10);
    const watts = (t: number) =>
      rows.filter((r) => Math.abs(Date.parse(r[0]) - t) < 600).map((r) => Number(r[5]));
    expect(new Set(watts(step - 1000))).toEqual(new Set([450]));
    expect(new Set(watts(step + 1500))).toEqual(new Set([600]));
    expect((await readNodeSeries(dir)).length).toBe(1);
    expect(await readFile(join(dir, 'n2-client.csv'), 'utf8')).toContain(',box1');
  }, 20_000);
});
