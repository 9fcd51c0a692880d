/** Energy from samples: trapezoid, interpolated window edges, cumulative counters, the report's figures. */
import { describe, expect, it } from 'vitest';
import {
  counterDelta,
  energyReport,
  idleBaseline,
  integratePower,
  nodeEnergy,
  nodeSeries,
  type Point,
  valueAt,
} from '../../src/monitor/energy.js';
import { parseMonitorCsv } from '../../src/monitor/monitor-csv.js';

const T0 = Date.UTC(2026, 0, 1, 12);
/** Samples every `stepMs` from T0 for `n` samples, value f(t_ms since T0). */
const sampled = (n: number, stepMs: number, f: (ms: number) => number): Point[] =>
  Array.from({ length: n }, (_, i) => ({ t: T0 + i * stepMs, v: f(i * stepMs) }));

describe('integratePower', () => {
  it('constant power: watts × seconds, whatever the window edges', () => {
    const pts = sampled(11, 1000, () => 300);
    expect(integratePower(pts, T0 + 250, T0 + 7750)).toBeCloseTo(300 * 7.5, 6);
  });

  it('a ramp is exact (trapezoid) and the edges are interpolated between the samples around them', () => {
    const pts = sampled(11, 1000, (ms) => 100 + ms / 100); // 100 W rising 10 W/s
    // ∫ from 0.5 s to 3.5 s of (100 + 10 t) dt = 100·3 + 5·(3.5² − 0.5²) = 360
    expect(integratePower(pts, T0 + 500, T0 + 3500)).toBeCloseTo(360, 6);
    expect(valueAt(pts, T0 + 2500)).toBeCloseTo(125, 9);
  });

  it('a step change between two samples costs at most (ΔP × interval)/2', () => {
    const pts = sampled(21, 100, (ms) => (ms < 1050 ? 300 : 400));
    const exact = 300 * 1.05 + 400 * (2 - 1.05);
    const got = integratePower(pts, T0, T0 + 2000);
    expect(Math.abs(got - exact)).toBeLessThanOrEqual((100 * 0.1) / 2 + 1e-9);
  });

  it('a window beyond the samples holds the nearest sample; empty windows are 0', () => {
    const pts = sampled(3, 1000, () => 50);
    expect(integratePower(pts, T0 - 1000, T0 + 3000)).toBeCloseTo(200, 6);
    expect(integratePower(pts, T0 + 500, T0 + 500)).toBe(0);
    expect(integratePower([], T0, T0 + 1000)).toBe(0);
  });
});

describe('counterDelta', () => {
  it('interpolates a cumulative joule counter at both edges', () => {
    const pts = sampled(5, 1000, (ms) => (ms / 1000) * 80); // 80 W
    expect(counterDelta(pts, T0 + 500, T0 + 3250)).toBeCloseTo(80 * 2.75, 6);
  });
});

describe('nodeSeries + nodeEnergy + energyReport', () => {
  const csv = [
    'timestamp,gpu0_util,gpu0_mem_used,gpu1_util,gpu1_mem_used,cpu_percent,gpu0_mem_total,gpu0_power_W,gpu0_temp_C,gpu1_mem_total,gpu1_power_W,gpu1_temp_C,cpu_energy_J,node,role,host',
    ...Array.from({ length: 11 }, (_, i) => {
      const ts = new Date(T0 + i * 1000).toISOString();
      const p1 = i === 4 ? '' : '150'; // one N/A reading of GPU 1: interpolated over
      return `${ts},50,1000,50,1000,10,81920,300,60,81920,${p1},60,${(i * 95).toFixed(3)},n1,server,h1`;
    }),
  ].join('\n');
  const series = nodeSeries(parseMonitorCsv(csv), { node: 'x', role: 'y' });

  it('reads per-GPU power and the CPU counter, with node, role and host', () => {
    expect(series).toMatchObject({ node: 'n1', role: 'server', host: 'h1' });
    expect([...series.gpus.keys()]).toEqual([0, 1]);
    expect(series.gpus.get(1)).toHaveLength(10);
    expect(series.cpu).toHaveLength(11);
  });

  it('energy per GPU and node, per token and request, above an idle baseline', () => {
    const from = T0 + 1000;
    const to = T0 + 9000;
    const node = nodeEnergy(series, from, to, true);
    expect(node.gpus.map((g) => g.energy_j)).toEqual([2400, 1200]);
    expect(node.gpus.map((g) => g.avg_power_w)).toEqual([300, 150]);
    expect(node.gpu_energy_j).toBe(3600);
    expect(node.cpu_energy_j).toBeCloseTo(760, 6);
    expect(node.avg_cpu_power_w).toBeCloseTo(95, 6);
    expect(node.coverage).toBe(1);
    const client = { ...node, node: 'n2', role: 'client', counted: false };
    const idle = idleBaseline([nodeEnergy(series, T0, T0 + 1000, true)], T0, T0 + 1000);
    expect(idle.gpu_power_w).toBe(450);
    const r = energyReport([node, client], from, to, { output_tokens: 7200, requests: 36 }, { idle });
    expect(r.energy_j).toBe(3600); // the client node is listed, not counted
    expect(r.gpus).toBe(2);
    expect(r.avg_power_w).toBe(450);
    expect(r.avg_power_per_gpu_w).toBe(225);
    expect(r.cpu_energy_j).toBeCloseTo(760, 3);
    expect(r.total_energy_j).toBeCloseTo(4360, 3);
    expect(r.output_tokens_per_j).toBe(2);
    expect(r.j_per_output_token).toBe(0.5);
    expect(r.j_per_request).toBe(100);
    expect(r.energy_above_idle_j).toBe(0);
    expect(r.nodes.map((n) => n.node)).toEqual(['n1', 'n2']);
  });

  it('no power, no per-token figures', () => {
    const r = energyReport([], T0, T0 + 1000, { output_tokens: 10, requests: 1 });
    expect(r.energy_j).toBe(0);
    expect(r.output_tokens_per_j).toBeUndefined();
    expect(r.j_per_request).toBeUndefined();
  });
});

describe('readNodeSeries', () => {
  it('a CSV with only its header already says which GPUs and counters the node has', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readNodeSeries } = await import('../../src/monitor/energy-meter.js');
    const dir = await mkdtemp(join(tmpdir(), 'series-'));
    await writeFile(join(dir, 'n1-server.csv'), 'timestamp,gpu0_power_W,cpu_energy_J,node,role,host\n');
    const [s] = await readNodeSeries(dir);
    expect([...s.gpus.keys()]).toEqual([0]);
    expect(s.cpu).toEqual([]);
    expect(s.role).toBe('server');
    await rm(dir, { recursive: true, force: true });
  });
});
