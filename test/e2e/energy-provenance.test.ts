/**
 * A local `hpcbench run` with the fake nvidia-smi on PATH (two GPUs at 300 W and 150 W): every benchmark's
 * summary.json reports the joules of its measurement window and tokens per joule that match the known
 * power within 2%, an idle baseline, and power.csv; run.json has the run's provenance (this machine with
 * its GPUs, software, command line, recipe digest, the simulator's own identity).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

const FAKE_GPU_DIR = fileURLToPath(new URL('../monitor/fixtures/fake-gpu', import.meta.url));

let box: Sandbox;
let run: string;
let runJson: Json;
let res: Awaited<ReturnType<typeof runCli>>;
beforeAll(async () => {
  box = await Sandbox.create();
  const file = await box.writeRecipe(
    'energy.yaml',
    recipe(
      'energy',
      {
        duration: '3s',
        warmup: '0s',
        thresholds: ['energy.output_tokens_per_j > 0.001', 'energy.avg_power_w < 1kW'],
      },
      {
        monitoring: { enabled: true, interval: 0.2 },
        servers: { health_check: { timeout: 20, interval: 0.2 } },
      },
    ),
  );
  res = await runCli(['run', file, '--quiet', '--results-dir', box.path('results')], {
    env: { PATH: `${FAKE_GPU_DIR}${delimiter}${process.env.PATH}`, FAKE_GPU_POWER: '300,150' },
    timeout: 180_000,
  });
  run = await onlyRunDir(box.path('results'));
  runJson = await readJson(join(run, 'run.json'));
}, 240_000);
afterAll(async () => {
  await box?.close();
});

describe('hpcbench run with GPU power', () => {
  it('reports the joules and tokens per joule of the measurement window within 2% of the known power', async () => {
    expect(res.exitCode, res.all).toBe(0);
    const name = runJson.benchmarks[0].name;
    const s = await readJson(join(run, 'benchmarks', name, 'summary.json'));
    const e = s.energy;
    expect(e, JSON.stringify(s)).toBeDefined();
    const secs = e.window.duration_s;
    expect(secs).toBeGreaterThan(1);
    expect(Math.abs(secs - s.duration_s) / s.duration_s).toBeLessThan(0.01);
    const expected = 450 * secs;
    expect(Math.abs(e.energy_j - expected) / expected).toBeLessThan(0.02);
    expect(e.gpus).toBe(2);
    expect(e.avg_power_per_gpu_w).toBeCloseTo(225, 0);
    expect(s.tokens.output).toBeGreaterThan(0);
    expect(e.output_tokens).toBe(s.tokens.output);
    const tokPerJ = s.tokens.output / expected;
    expect(Math.abs(e.output_tokens_per_j - tokPerJ) / tokPerJ).toBeLessThan(0.02);
    expect(Math.abs(e.j_per_request - expected / s.requests.ok) / (expected / s.requests.ok)).toBeLessThan(
      0.02,
    );
    // The idle baseline was measured before the first benchmark: the same 450 W, so nothing above idle.
    expect(e.idle.gpu_power_w).toBeCloseTo(450, 0);
    expect(Date.parse(e.idle.end)).toBeLessThanOrEqual(Date.parse(e.window.start));
    expect(Math.abs(e.energy_above_idle_j)).toBeLessThan(0.02 * expected);
    // One machine under the labels server-1, client-1, client-2: counted once, as the server node.
    expect(e.nodes.filter((n: Json) => n.counted).map((n: Json) => n.node)).toEqual(['server-1']);
    const power = (await readFile(join(run, 'benchmarks', name, 'power.csv'), 'utf8')).trim().split('\n');
    expect(power[0]).toBe('timestamp,t_s,node,role,gpus,gpu_power_W,cpu_power_W');
    expect(power.length).toBeGreaterThan(5);
    // Thresholds over energy figures are evaluated on the measured energy.
    expect(s.thresholds.map((t: Json) => [t.figure, t.actual, t.pass])).toEqual([
      ['energy.output_tokens_per_j', e.output_tokens_per_j, true],
      ['energy.avg_power_w', e.avg_power_w, true],
    ]);
    const top = await readJson(join(run, 'summary.json'));
    expect(top.benchmarks[0].energy.energy_j).toBe(e.energy_j);
  });
});

describe('provenance of a local run', () => {
  it('run.json names the machine, its GPUs and OS, the software, command line, recipe digest and server', async () => {
    const p = runJson.provenance;
    expect(p, JSON.stringify(runJson)).toBeDefined();
    expect(p.nodes).toHaveLength(1);
    const [node] = p.nodes;
    expect(node.roles).toEqual(['orchestrator', 'server', 'client']);
    expect(node.hostname.length).toBeGreaterThan(0);
    expect(node.cpu.count).toBeGreaterThan(0);
    expect(node.memory_gib).toBeGreaterThan(0);
    expect(node.os.kernel.length).toBeGreaterThan(0);
    expect(node.gpus).toMatchObject({ count: 2, driver_version: '550.54.15', cuda_version: '12.4' });
    expect(p.hpcbench.version).toBe(runJson.hpcbench_version);
    expect(p.node_version).toMatch(/^v\d+/);
    expect(p.command_line).toContain('run');
    const recipeText = await readFile(box.path('energy.yaml'));
    expect(p.recipe.sha256).toBe(createHash('sha256').update(recipeText).digest('hex'));
    expect(p.slurm).toBeUndefined();
    expect(p.servers).toHaveLength(1);
    expect(p.servers[0]).toMatchObject({ service: 'dummy', version: runJson.hpcbench_version });
    expect(p.servers[0].details.server).toBe('hpcbench-simulator');
    expect(p.servers[0].models).toContain('dummy-model');
  });

  it("report.html shows where it ran and each benchmark's energy; benchmarks.csv has the energy columns", async () => {
    const html = await readFile(join(run, 'report.html'), 'utf8');
    expect(html).toContain('Where it ran (provenance)');
    expect(html).toContain('2 × NVIDIA H100 80GB HBM3');
    expect(html).toContain('550.54.15, CUDA 12.4');
    expect(html).toMatch(/Energy: \d+ J on 2 GPU\(s\) \(450 W average\)/);
    expect(html).toContain('tok/J');
    const [header, row] = (await readFile(join(run, 'benchmarks.csv'), 'utf8')).trim().split('\n');
    const s = await readJson(join(run, 'benchmarks', runJson.benchmarks[0].name, 'summary.json'));
    expect(row.split(',')[header.split(',').indexOf('energy_j')]).toBe(String(s.energy.energy_j));
  });
});
