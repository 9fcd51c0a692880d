/**
 * The run's energy hooks: when the monitors report GPU power or CPU energy, an idle baseline before the
 * first benchmark, and after each benchmark its measurement window's energy (`BenchmarkResult.energy`,
 * power.csv). Everything comes from the monitor CSVs in `<run>/monitor/` (src/monitor/energy-meter.ts).
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IdleBaseline } from '../monitor/energy.js';
import { EnergyMeter } from '../monitor/energy-meter.js';
import type { BenchmarkResult } from '../report/types.js';

export interface RunEnergy {
  /** Adds `energy` to a finished benchmark's result; returns power.csv's text (undefined: nothing measured). */
  measure(result: BenchmarkResult): Promise<string | undefined>;
  /** The idle baseline measured before the first benchmark (run.json `idle_baseline`). */
  idle?: IdleBaseline;
}

/**
 * A benchmark's energy over its measurement window (the merged snapshot's window_start..window_end), with
 * its output tokens and ok requests: sets `result.energy` and returns power.csv's text; undefined when it
 * has no window. The one definition a run and `hpcbench report` recovering a killed run use.
 */
export async function benchmarkEnergy(
  meter: EnergyMeter,
  result: BenchmarkResult,
): Promise<string | undefined> {
  const snap = result.metrics?.snapshot;
  const from = snap?.window_start;
  const to = snap?.window_end;
  if (from === undefined || to === undefined || !(to > from)) return undefined;
  const { report, csv } = await meter.measure(from, to, {
    output_tokens: result.summary?.tokens.output ?? snap?.counters.output_tokens ?? 0,
    requests: result.summary?.requests.ok ?? snap?.counters.ok ?? 0,
  });
  result.energy = report;
  return csv;
}

/** Seconds of idle baseline for a sampling interval: three samples, at least 1 s, at most 30 s. */
export function idleSeconds(interval: number): number {
  return Math.min(30, Math.max(1, 3 * interval));
}

/**
 * Starts the energy accounting: undefined when no node reports power. Otherwise waits `idle` seconds with
 * nothing running (the baseline; 0 skips it) and returns the per-benchmark hook.
 */
export async function startRunEnergy(o: {
  runDir: string;
  idle: number;
  signal: AbortSignal;
  warn: (message: string) => void;
}): Promise<RunEnergy | undefined> {
  const meter = new EnergyMeter(join(o.runDir, 'monitor'), o.warn);
  if (!(await meter.available())) return undefined;
  if (o.idle > 0) {
    const from = Date.now();
    await sleep(o.idle * 1000, undefined, { signal: o.signal }).catch(() => undefined);
    if (!o.signal.aborted) await meter.measureIdle(from, Date.now());
  }
  return {
    measure: (result) => benchmarkEnergy(meter, result),
    ...(meter.idle ? { idle: meter.idle } : {}),
  };
}
