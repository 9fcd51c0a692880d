/**
 * Time plots of the HTML report (pure): per benchmark the per-window series of timeseries.csv
 * (requests/s and output tokens/s; TTFT and ITL p50/p99; schedule lag and failures), and per node the
 * monitor CSV series (CPU, RAM, GPU utilisation, memory, power) with every benchmark's warmup and
 * measurement shaded. x is epoch seconds, shared by every time plot of the run.
 */

import type { CsvTable, MonitorFile, RunBenchmark } from '../results-folder/index.js';
import type { Band, Plot } from './plot-types.js';

const secs = (iso: string | undefined): number | undefined => {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(t) ? t / 1000 : undefined;
};

function column(t: CsvTable, name: string): (number | null)[] {
  const i = t.header.indexOf(name);
  return t.rows.map((r) => {
    const v = i >= 0 ? r[i] : '';
    return v === '' || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v);
  });
}

function times(t: CsvTable): number[] {
  const i = t.header.indexOf('timestamp') >= 0 ? t.header.indexOf('timestamp') : t.header.indexOf('start');
  return t.rows.map((r) => Date.parse(r[i]) / 1000);
}

/** Warmup (benchmark start → end of warmup) and measurement (→ last completion) of each benchmark. */
export function benchmarkBands(benchmarks: RunBenchmark[]): Band[] {
  return benchmarks.flatMap((b) => {
    const start = secs(b.started_at);
    const from = b.snapshot?.window_start !== undefined ? b.snapshot.window_start / 1000 : undefined;
    const to = b.snapshot?.window_end !== undefined ? b.snapshot.window_end / 1000 : secs(b.ended_at);
    const bands: Band[] = [];
    if (start !== undefined && from !== undefined && from > start)
      bands.push({ from: start, to: from, kind: 'warmup', label: `${b.name} warmup` });
    if (from !== undefined && to !== undefined && to > from)
      bands.push({ from, to, kind: 'measure', label: `${b.name} measured` });
    return bands;
  });
}

/** The per-window plots of one benchmark (none when timeseries.csv has no row). */
export function benchmarkTimePlots(id: string, t: CsvTable | undefined, xRange?: [number, number]): Plot[] {
  if (!t || t.rows.length === 0) return [];
  const x = times(t);
  const requested = column(t, 'requested_rps');
  const base = { kind: 'time' as const, xLabel: 'time (UTC)', xRange };
  return [
    {
      ...base,
      id: `${id}-ts-throughput`,
      title: 'Throughput per window',
      yLabel: 'requests/s',
      y2Label: 'output tokens/s',
      // open loop and rate ramps: the requested rate beside the completed one, window by window
      series: [
        { label: 'requests/s' },
        ...(requested.some((v) => v !== null) ? [{ label: 'requested/s' }] : []),
        { label: 'output tokens/s', axis: 2 },
      ],
      data: [
        x,
        column(t, 'requests_per_s'),
        ...(requested.some((v) => v !== null) ? [requested] : []),
        column(t, 'output_tokens_per_s'),
      ],
    },
    {
      ...base,
      id: `${id}-ts-latency`,
      title: 'TTFT and ITL per window',
      yLabel: 'latency (ms)',
      series: [{ label: 'TTFT p50' }, { label: 'TTFT p99' }, { label: 'ITL p50' }, { label: 'ITL p99' }],
      data: [
        x,
        column(t, 'ttft_p50_ms'),
        column(t, 'ttft_p99_ms'),
        column(t, 'itl_p50_ms'),
        column(t, 'itl_p99_ms'),
      ],
    },
    {
      ...base,
      id: `${id}-ts-lag`,
      title: 'Schedule lag and failures per window',
      yLabel: 'schedule lag (ms)',
      y2Label: 'failed requests',
      series: [
        { label: 'schedule lag p50' },
        { label: 'schedule lag p99' },
        { label: 'failed', axis: 2, pointsOnly: true },
      ],
      data: [x, column(t, 'schedule_lag_p50_ms'), column(t, 'schedule_lag_p99_ms'), column(t, 'failed')],
    },
  ];
}

interface MonitorGroup {
  title: string;
  yLabel: string;
  match: RegExp;
}

const MONITOR_GROUPS: MonitorGroup[] = [
  { title: 'CPU', yLabel: 'CPU (%)', match: /^cpu_percent$/ },
  { title: 'RAM', yLabel: 'RAM used (MB)', match: /^ram_used_MB$/ },
  { title: 'GPU utilisation', yLabel: 'GPU utilisation (%)', match: /^gpu\d+_util$/ },
  { title: 'GPU memory', yLabel: 'GPU memory used (MB)', match: /^gpu\d+_mem_used$/ },
  { title: 'GPU power', yLabel: 'GPU power (W)', match: /^gpu\d+_power_W$/ },
];

/** One plot per kind of series the node's CSV has, shaded with the benchmarks' phases. */
export function monitorPlots(id: string, m: MonitorFile, bands: Band[], xRange?: [number, number]): Plot[] {
  const x = times(m.table);
  return MONITOR_GROUPS.flatMap((g, i) => {
    const cols = m.table.header.filter((h) => g.match.test(h));
    if (cols.length === 0) return [];
    return [
      {
        id: `${id}-mon-${i}`,
        title: `${g.title} (${m.node}${m.role ? `, ${m.role}` : ''})`,
        kind: 'time' as const,
        xLabel: 'time (UTC)',
        yLabel: g.yLabel,
        series: cols.map((c) => ({ label: c })),
        data: [x, ...cols.map((c) => column(m.table, c))],
        bands,
        xRange,
      },
    ];
  });
}

/** The run's time range: from the first to the last timestamp of any benchmark or monitor sample. */
export function runTimeRange(
  benchmarks: RunBenchmark[],
  monitors: MonitorFile[],
): [number, number] | undefined {
  const all: number[] = [];
  for (const b of benchmarks) {
    for (const t of [secs(b.started_at), secs(b.ended_at)]) if (t !== undefined) all.push(t);
  }
  for (const m of monitors) {
    const x = times(m.table).filter(Number.isFinite);
    if (x.length) all.push(x[0], x[x.length - 1]);
  }
  if (all.length === 0) return undefined;
  return [Math.min(...all), Math.max(...all)];
}
