/**
 * Energy over a time window from monitor samples (pure). GPU power (W) is integrated with the trapezoid
 * rule between samples; at each edge of the window the power is interpolated linearly between the samples
 * either side, and held at the nearest sample where the window reaches beyond the samples. CPU package
 * energy is a cumulative counter (RAPL, joules): the window's energy is the counter interpolated at the end
 * minus at the start. The method and its error are described in docs/metrics.md (Energy).
 */

/** One reading: epoch ms and a value (watts, or cumulative joules). */
export interface Point {
  t: number;
  v: number;
}

/** Linear interpolation of `points` (sorted by t) at `t`, held constant outside them. */
export function valueAt(points: readonly Point[], t: number): number {
  if (points.length === 0) return 0;
  if (t <= points[0].t) return points[0].v;
  const last = points[points.length - 1];
  if (t >= last.t) return last.v;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid].t <= t) lo = mid;
    else hi = mid;
  }
  const a = points[lo];
  const b = points[hi];
  return b.t === a.t ? b.v : a.v + ((b.v - a.v) * (t - a.t)) / (b.t - a.t);
}

/** ∫ power dt over [from, to] in joules (power in W, times in epoch ms), trapezoid with interpolated edges. */
export function integratePower(points: readonly Point[], from: number, to: number): number {
  if (points.length === 0 || !(to > from)) return 0;
  const inner = points.filter((p) => p.t > from && p.t < to);
  const pts: Point[] = [{ t: from, v: valueAt(points, from) }, ...inner, { t: to, v: valueAt(points, to) }];
  let joules = 0;
  for (let i = 1; i < pts.length; i++)
    joules += ((pts[i].v + pts[i - 1].v) / 2) * ((pts[i].t - pts[i - 1].t) / 1000);
  return joules;
}

/** Increase of a cumulative counter over [from, to], interpolated at both edges. */
export function counterDelta(points: readonly Point[], from: number, to: number): number {
  if (points.length === 0 || !(to > from)) return 0;
  return valueAt(points, to) - valueAt(points, from);
}

/** Share of [from, to] that lies between the first and the last sample (1 = fully bracketed). */
export function coverage(points: readonly Point[], from: number, to: number): number {
  if (points.length === 0 || !(to > from)) return 0;
  const a = Math.max(from, points[0].t);
  const b = Math.min(to, points[points.length - 1].t);
  return Math.max(0, b - a) / (to - from);
}

/** Median gap between consecutive samples, seconds (undefined with fewer than two). */
export function medianInterval(times: readonly number[]): number | undefined {
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  return gaps.length ? gaps[gaps.length >> 1] / 1000 : undefined;
}

/** One node's samples, as read from its monitor CSV. */
export interface NodeSeries {
  node: string;
  role: string;
  host: string;
  /** Power samples per GPU index (cells nvidia-smi reported as N/A are left out). */
  gpus: Map<number, Point[]>;
  /** Cumulative CPU package joules (RAPL), when the node had readable counters. */
  cpu?: Point[];
  times: number[];
}

/**
 * Builds a node's series from parsed monitor CSV records (`parseMonitorCsv`); `columns` (the header) tells
 * which GPUs and counters the node has before its first sample.
 */
export function nodeSeries(
  records: Record<string, string | number | undefined>[],
  fallback: { node: string; role: string },
  columns: readonly string[] = Object.keys(records[0] ?? {}),
): NodeSeries {
  const first = records[0] ?? {};
  const node = String(first.node ?? fallback.node);
  const s: NodeSeries = {
    node,
    role: String(first.role ?? fallback.role),
    host: String(first.host ?? node),
    gpus: new Map(),
    times: [],
  };
  const gpuCols = columns
    .map((k) => /^gpu(\d+)_power_W$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ index: Number(m[1]), col: m[0] }));
  for (const g of gpuCols) s.gpus.set(g.index, []);
  const hasCpu = columns.includes('cpu_energy_J');
  if (hasCpu) s.cpu = [];
  for (const r of records) {
    const t = Date.parse(String(r.timestamp));
    if (!Number.isFinite(t)) continue;
    s.times.push(t);
    for (const g of gpuCols) {
      const v = r[g.col];
      if (typeof v === 'number') s.gpus.get(g.index)?.push({ t, v });
    }
    if (hasCpu && typeof r.cpu_energy_J === 'number') s.cpu?.push({ t, v: r.cpu_energy_J });
  }
  return s;
}

export interface GpuEnergy {
  index: number;
  energy_j: number;
  avg_power_w: number;
  samples: number;
}

export interface NodeEnergy {
  node: string;
  role: string;
  host: string;
  /** Counted in the benchmark's figures (a server node). */
  counted: boolean;
  gpus: GpuEnergy[];
  gpu_energy_j: number;
  avg_gpu_power_w: number;
  cpu_energy_j?: number;
  avg_cpu_power_w?: number;
  /** Share of the window bracketed by this node's samples (below 1: edges held at the nearest sample). */
  coverage: number;
  /** Conservative bound of the sampling error: per GPU (max − min power in the window) × sampling interval. */
  sampling_error_j: number;
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

export function nodeEnergy(s: NodeSeries, from: number, to: number, counted: boolean): NodeEnergy {
  const secs = (to - from) / 1000;
  const dt = medianInterval(s.times) ?? 0;
  let errorJ = 0;
  const gpus = [...s.gpus.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, pts]) => {
      const e = integratePower(pts, from, to);
      const inWindow = pts.filter((p) => p.t >= from - dt * 1000 && p.t <= to + dt * 1000).map((p) => p.v);
      if (inWindow.length) errorJ += (Math.max(...inWindow) - Math.min(...inWindow)) * dt;
      return {
        index,
        energy_j: round(e),
        avg_power_w: round(secs > 0 ? e / secs : 0),
        samples: pts.filter((p) => p.t >= from && p.t <= to).length,
      };
    });
  const gpuJ = gpus.reduce((a, g) => a + g.energy_j, 0);
  const out: NodeEnergy = {
    node: s.node,
    role: s.role,
    host: s.host,
    counted,
    gpus,
    gpu_energy_j: round(gpuJ),
    avg_gpu_power_w: round(secs > 0 ? gpuJ / secs : 0),
    coverage: round(
      coverage(
        s.times.map((t) => ({ t, v: 0 })),
        from,
        to,
      ),
    ),
    sampling_error_j: round(errorJ),
  };
  if (s.cpu && s.cpu.length > 0) {
    const cpuJ = counterDelta(s.cpu, from, to);
    out.cpu_energy_j = round(cpuJ);
    out.avg_cpu_power_w = round(secs > 0 ? cpuJ / secs : 0);
  }
  return out;
}

/** Server nodes' average power while nothing ran (before the first benchmark). */
export interface IdleBaseline {
  start: string;
  end: string;
  duration_s: number;
  gpu_power_w: number;
  cpu_power_w?: number;
}

/** What a benchmark's measurement window cost, in summary.json as `energy`. */
export interface EnergyReport {
  window: { start: string; end: string; duration_s: number };
  /** Median gap between monitor samples, seconds. */
  sample_interval_s?: number;
  /** GPU energy of the server nodes (the figure per token and request are based on). */
  energy_j: number;
  avg_power_w: number;
  gpus: number;
  avg_power_per_gpu_w?: number;
  /** CPU package energy (RAPL) of the server nodes, when readable on all of them. */
  cpu_energy_j?: number;
  /** energy_j + cpu_energy_j. */
  total_energy_j?: number;
  idle?: IdleBaseline;
  /** energy_j − idle GPU power × duration. */
  energy_above_idle_j?: number;
  output_tokens: number;
  requests: number;
  output_tokens_per_j?: number;
  j_per_output_token?: number;
  j_per_request?: number;
  sampling_error_j: number;
  nodes: NodeEnergy[];
}

export interface WindowCounts {
  output_tokens: number;
  requests: number;
}

/** The report from per-node energies (all nodes; only `counted` ones enter the totals). */
export function energyReport(
  nodes: NodeEnergy[],
  from: number,
  to: number,
  counts: WindowCounts,
  extra: { sampleInterval?: number; idle?: IdleBaseline } = {},
): EnergyReport {
  const secs = (to - from) / 1000;
  const counted = nodes.filter((n) => n.counted);
  const energy = counted.reduce((a, n) => a + n.gpu_energy_j, 0);
  const gpus = counted.reduce((a, n) => a + n.gpus.length, 0);
  const cpuAll = counted.length > 0 && counted.every((n) => n.cpu_energy_j !== undefined);
  const cpu = cpuAll ? counted.reduce((a, n) => a + (n.cpu_energy_j ?? 0), 0) : undefined;
  const r: EnergyReport = {
    window: { start: new Date(from).toISOString(), end: new Date(to).toISOString(), duration_s: round(secs) },
    ...(extra.sampleInterval !== undefined ? { sample_interval_s: round(extra.sampleInterval) } : {}),
    energy_j: round(energy),
    avg_power_w: round(secs > 0 ? energy / secs : 0),
    gpus,
    ...(gpus > 0 ? { avg_power_per_gpu_w: round(secs > 0 ? energy / secs / gpus : 0) } : {}),
    ...(cpu !== undefined ? { cpu_energy_j: round(cpu), total_energy_j: round(energy + cpu) } : {}),
    ...(extra.idle
      ? { idle: extra.idle, energy_above_idle_j: round(energy - extra.idle.gpu_power_w * secs) }
      : {}),
    output_tokens: counts.output_tokens,
    requests: counts.requests,
    sampling_error_j: round(counted.reduce((a, n) => a + n.sampling_error_j, 0)),
    nodes,
  };
  if (energy > 0) {
    r.output_tokens_per_j = round(counts.output_tokens / energy, 6);
    if (counts.output_tokens > 0) r.j_per_output_token = round(energy / counts.output_tokens, 6);
    if (counts.requests > 0) r.j_per_request = round(energy / counts.requests, 6);
  }
  return r;
}

/** Idle baseline from per-node energies over the idle window. */
export function idleBaseline(nodes: NodeEnergy[], from: number, to: number): IdleBaseline {
  const secs = (to - from) / 1000;
  const counted = nodes.filter((n) => n.counted);
  const cpuAll = counted.length > 0 && counted.every((n) => n.avg_cpu_power_w !== undefined);
  return {
    start: new Date(from).toISOString(),
    end: new Date(to).toISOString(),
    duration_s: round(secs),
    gpu_power_w: round(counted.reduce((a, n) => a + n.avg_gpu_power_w, 0)),
    ...(cpuAll ? { cpu_power_w: round(counted.reduce((a, n) => a + (n.avg_cpu_power_w ?? 0), 0)) } : {}),
  };
}
