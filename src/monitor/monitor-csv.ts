/**
 * The monitor CSV: the seed's columns first (`timestamp,gpu0_util,gpu0_mem_used,...,cpu_percent,
 * ram_used_MB`), then extra columns (per-GPU memory total, power, temperature; RAM total; CPU package
 * energy; node; role; host).
 */
import type { GpuSample } from './nvidia-smi.js';

export type MetricKind = 'gpu' | 'cpu' | 'ram';

export interface MonitorSample {
  /** ISO-8601 time of the sample. */
  timestamp: string;
  gpus: GpuSample[];
  cpuPercent?: number;
  ramUsedMB?: number;
  ramTotalMB?: number;
  /** CPU package energy (RAPL) used since the monitor started, joules. */
  cpuEnergyJ?: number;
}

export interface CsvLayout {
  gpuIndices: number[];
  metrics: readonly MetricKind[];
  node?: string;
  role?: string;
  /** The machine's hostname: monitors of one machine under different node labels share it. */
  host?: string;
  /** A `cpu_energy_J` column (RAPL readable). */
  cpuEnergy?: boolean;
}

export function csvHeader(layout: CsvLayout): string[] {
  const cols = ['timestamp'];
  for (const i of layout.gpuIndices) cols.push(`gpu${i}_util`, `gpu${i}_mem_used`);
  if (layout.metrics.includes('cpu')) cols.push('cpu_percent');
  if (layout.metrics.includes('ram')) cols.push('ram_used_MB');
  for (const i of layout.gpuIndices) cols.push(`gpu${i}_mem_total`, `gpu${i}_power_W`, `gpu${i}_temp_C`);
  if (layout.metrics.includes('ram')) cols.push('ram_total_MB');
  if (layout.cpuEnergy) cols.push('cpu_energy_J');
  if (layout.node !== undefined) cols.push('node');
  if (layout.role !== undefined) cols.push('role');
  if (layout.host !== undefined) cols.push('host');
  return cols;
}

function cell(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '' : String(Number(v.toFixed(digits)));
}

function csvText(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(layout: CsvLayout, sample: MonitorSample): string[] {
  const byIndex = new Map(sample.gpus.map((g) => [g.index, g]));
  const row = [sample.timestamp];
  for (const i of layout.gpuIndices) row.push(cell(byIndex.get(i)?.util), cell(byIndex.get(i)?.memUsed));
  if (layout.metrics.includes('cpu')) row.push(cell(sample.cpuPercent));
  if (layout.metrics.includes('ram')) row.push(cell(sample.ramUsedMB, 0));
  for (const i of layout.gpuIndices) {
    const g = byIndex.get(i);
    row.push(cell(g?.memTotal), cell(g?.power, 2), cell(g?.temp));
  }
  if (layout.metrics.includes('ram')) row.push(cell(sample.ramTotalMB, 0));
  if (layout.cpuEnergy) row.push(cell(sample.cpuEnergyJ, 3));
  if (layout.node !== undefined) row.push(csvText(layout.node));
  if (layout.role !== undefined) row.push(csvText(layout.role));
  if (layout.host !== undefined) row.push(csvText(layout.host));
  return row;
}

/** Reads a monitor CSV back into records keyed by column (numbers where the cell is numeric). */
export function parseMonitorCsv(text: string): Record<string, string | number | undefined>[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = (lines.shift() ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const rec: Record<string, string | number | undefined> = {};
    header.forEach((h, i) => {
      const c = cells[i] ?? '';
      rec[h] = c === '' ? undefined : h === 'timestamp' || Number.isNaN(Number(c)) ? c : Number(c);
    });
    return rec;
  });
}
