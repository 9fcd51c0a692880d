/**
 * The run's energy accounting from the monitor CSVs in `<run>/monitor/` (written by in-process monitors
 * locally, by the monitor step of every node on Slurm, Ray workers included). Monitors of the same machine
 * (a local run labels it as several nodes) are counted once: per `host`, the server's CSV is kept. Before a
 * window is integrated, the meter waits (bounded) until every node has a sample after the window's end, so
 * that the edge can be interpolated.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type EnergyReport,
  energyReport,
  type IdleBaseline,
  idleBaseline,
  medianInterval,
  type NodeSeries,
  nodeEnergy,
  nodeSeries,
  valueAt,
  type WindowCounts,
} from './energy.js';
import { parseMonitorCsv } from './monitor-csv.js';

const hasSources = (s: NodeSeries) => s.gpus.size > 0 || s.cpu !== undefined;
const rolePriority = (role: string) => (role === 'server' ? 0 : role === 'client' ? 1 : 2);

/** Reads every monitor CSV of `dir`; one series per host (the server's when a host has several). */
export async function readNodeSeries(dir: string): Promise<NodeSeries[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.csv')).sort();
  const byHost = new Map<string, NodeSeries>();
  for (const f of files) {
    const text = await readFile(join(dir, f), 'utf8').catch(() => '');
    // A row being written has no newline yet: parse complete lines only.
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const stem = f.replace(/\.csv$/, '');
    const header = complete.slice(0, complete.indexOf('\n')).split(',');
    const fallback = { node: stem, role: stem.split('-').pop() ?? '' };
    const s = nodeSeries(parseMonitorCsv(complete), fallback, header);
    const prev = byHost.get(s.host);
    if (!prev || rolePriority(s.role) < rolePriority(prev.role)) byHost.set(s.host, s);
  }
  return [...byHost.values()];
}

export class EnergyMeter {
  idle?: IdleBaseline;

  /**
   * `wait`: wait for samples after a window's end (the monitors still run); false when they have ended
   * (`hpcbench report` recovering a killed run): the series are read as they are.
   */
  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = () => {},
    private readonly wait = true,
  ) {}

  /** True when some node reports GPU power or CPU energy. */
  async available(): Promise<boolean> {
    return (await readNodeSeries(this.dir)).some(hasSources);
  }

  /** Until when (epoch ms) every node with power readings has samples; undefined when none has any. */
  async sampledUntil(): Promise<number | undefined> {
    const series = (await readNodeSeries(this.dir)).filter(hasSources);
    return series.length ? Math.min(...series.map((s) => s.times.at(-1) ?? 0)) : undefined;
  }

  /**
   * The series once every node with power readings has a sample at or after `until`, waiting at most
   * two sampling intervals + 2 s (a node that stopped sampling is then integrated with its edge held).
   */
  async settle(until: number): Promise<NodeSeries[]> {
    let series = (await readNodeSeries(this.dir)).filter(hasSources);
    const interval = Math.max(0, ...series.map((s) => medianInterval(s.times) ?? 1));
    const deadline = this.wait ? Date.now() + 2 * interval * 1000 + 2000 : 0;
    const behind = () => series.filter((s) => (s.times.at(-1) ?? 0) < until);
    while (behind().length > 0 && Date.now() < deadline) {
      await sleep(100);
      series = (await readNodeSeries(this.dir)).filter(hasSources);
    }
    const late = behind();
    if (late.length > 0)
      this.warn(`energy: no monitor sample after the window end from ${late.map((s) => s.node).join(', ')}`);
    return series;
  }

  /** Measures the idle baseline over [from, to] (epoch ms) and keeps it for the benchmarks' reports. */
  async measureIdle(from: number, to: number): Promise<IdleBaseline> {
    const series = await this.settle(to);
    this.idle = idleBaseline(
      series.map((s) => nodeEnergy(s, from, to, s.role === 'server')),
      from,
      to,
    );
    return this.idle;
  }

  /** The energy report of a measurement window, and its power time series (power.csv). */
  async measure(
    from: number,
    to: number,
    counts: WindowCounts,
  ): Promise<{ report: EnergyReport; csv: string }> {
    const series = await this.settle(to);
    const nodes = series.map((s) => nodeEnergy(s, from, to, s.role === 'server'));
    const intervals = series.map((s) => medianInterval(s.times)).filter((v) => v !== undefined);
    const report = energyReport(nodes, from, to, counts, {
      sampleInterval: intervals.length ? Math.max(...intervals) : undefined,
      idle: this.idle,
    });
    return { report, csv: powerCsv(series, from, to) };
  }
}

const fixed = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '' : String(Math.round(v * 1000) / 1000);

export const POWER_CSV_HEADER = ['timestamp', 't_s', 'node', 'role', 'gpus', 'gpu_power_W', 'cpu_power_W'];

/**
 * `power.csv` of a benchmark: per node and monitor sample inside the window, the summed GPU power and the
 * CPU package power (counter increase since the previous sample over its gap).
 */
export function powerCsv(series: NodeSeries[], from: number, to: number): string {
  const lines = [POWER_CSV_HEADER.join(',')];
  for (const s of series) {
    const gpus = [...s.gpus.values()];
    for (const [i, t] of s.times.entries()) {
      if (t < from || t > to) continue;
      const gpuW = gpus.reduce((a, pts) => a + valueAt(pts, t), 0);
      const prev = s.times[i - 1];
      const cpuW =
        s.cpu && s.cpu.length > 1 && prev !== undefined && t > prev
          ? (valueAt(s.cpu, t) - valueAt(s.cpu, prev)) / ((t - prev) / 1000)
          : undefined;
      const row = [new Date(t).toISOString(), fixed((t - from) / 1000), s.node, s.role, String(gpus.length)];
      lines.push([...row, gpus.length ? fixed(gpuW) : '', fixed(cpuW)].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
