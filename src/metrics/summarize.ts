/** BenchmarkSummary from a (merged) snapshot: latency statistics in ms, rates over the measurement window. */
import { type Histogram, JsHistogram } from 'hdr-histogram-js';
import type { LatencyMetric, LengthMetric, MetricsSnapshot } from '../contracts/index.js';
import { decodeHistogram } from './histogram.js';
import { deriveServerRates } from './server-figures.js';
import type { BenchmarkSummary, LatencyStats, LengthStats, TurnStats } from './types.js';

/** Statistics of a microsecond histogram, in milliseconds (`scale` 1: in the recorded unit). */
export function latencyStats(h: Histogram, scale = 1000): LatencyStats {
  const ms = (us: number): number => us / scale;
  const n = h.totalCount;
  if (n === 0) return { count: 0, mean: 0, min: 0, max: 0, std: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 };
  const js = h instanceof JsHistogram ? onePass(h) : undefined;
  const at = (p: number): number => js?.percentiles[PERCENTILES.indexOf(p)] ?? h.getValueAtPercentile(p);
  const p0 = at(0);
  return {
    count: n,
    mean: ms(js ? js.mean : h.mean),
    min: ms(p0 === 0 ? 0 : h.minNonZeroValue),
    max: ms(h.maxValue),
    std: ms(js ? js.std : h.stdDeviation),
    p50: ms(at(50)),
    p90: ms(at(90)),
    p95: ms(at(95)),
    p99: ms(at(99)),
    p999: ms(at(99.9)),
  };
}

const PERCENTILES: readonly number[] = [0, 50, 90, 95, 99, 99.9];
const ulp = (x: number): number => 2 ** (Math.floor(Math.log2(x)) - 52);

/**
 * Mean, standard deviation and PERCENTILES of a JavaScript histogram in one walk over its occupied
 * buckets, with exactly hdr-histogram-js's arithmetic (same values, same summation order) — its own
 * getters walk every bucket once per figure through a generic iterator, which made summaries the
 * controller's main cost per executor (docs/BENCHMARKS.md#controller-scale).
 */
function onePass(h: JsHistogram): { mean: number; std: number; percentiles: number[] } {
  const total = h.totalCount;
  const wanted = PERCENTILES.map((p) => {
    const fp = (p / 100) * total;
    return Math.max(Math.ceil(fp - ulp(fp)), 1);
  });
  const percentiles = PERCENTILES.map(() => 0);
  const medians: number[] = [];
  const counts: number[] = [];
  let next = 0;
  let cumulative = 0;
  let sum = 0;
  for (let i = 0; i < h.countsArrayLength; i++) {
    const c = h.getCountAtIndex(i);
    if (c === 0) continue;
    const v = h.valueFromIndex(i);
    cumulative += c;
    while (next < wanted.length && cumulative >= wanted[next]) {
      percentiles[next] = PERCENTILES[next] === 0 ? h.lowestEquivalentValue(v) : h.highestEquivalentValue(v);
      next++;
    }
    const m = h.medianEquivalentValue(v);
    medians.push(m);
    counts.push(c);
    sum += m * c;
  }
  const mean = sum / total;
  let dev = 0;
  for (let k = 0; k < medians.length; k++) {
    const d = medians[k] - mean;
    dev += d * d * counts[k];
  }
  return { mean, std: Math.sqrt(dev / total), percentiles };
}

export function decodedStats(b64: string | undefined, scale = 1000): LatencyStats | undefined {
  if (!b64) return undefined;
  const h = decodeHistogram(b64);
  const s = latencyStats(h, scale);
  h.destroy();
  return s;
}

/** Seconds of the measurement window: after warmup up to the last completion. */
export function measuredSeconds(s: MetricsSnapshot): number {
  if (s.window_start === undefined || s.window_end === undefined) return 0;
  return Math.max(0, (s.window_end - s.window_start) / 1000);
}

/** Per-turn figures of a (merged) snapshot's `turns`, in turn order. */
export function turnStats(turns: NonNullable<MetricsSnapshot['turns']>): TurnStats[] {
  const out: TurnStats[] = [];
  for (const [k, t] of Object.entries(turns).sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const e2e = decodedStats(t.e2e);
    const prompt = decodedStats(t.prompt_tokens, 1);
    if (!e2e || !prompt) continue;
    const ttft = decodedStats(t.ttft);
    const tpot = decodedStats(t.tpot);
    out.push({
      turn: Number(k),
      requests: e2e.count,
      ...(ttft && ttft.count > 0 && { ttft_ms: ttft }),
      ...(tpot && tpot.count > 0 && { tpot_ms: tpot }),
      e2e_ms: e2e,
      prompt_tokens: prompt,
    });
  }
  return out;
}

export function summarize(snapshot: MetricsSnapshot, benchmark: string): BenchmarkSummary {
  const c = snapshot.counters;
  const secs = measuredSeconds(snapshot);
  const per = (n: number): number => (secs > 0 ? n / secs : 0);
  const latency: BenchmarkSummary['latency_ms'] = {};
  for (const [k, b64] of Object.entries(snapshot.histograms ?? {})) {
    const st = decodedStats(b64);
    if (st && st.count > 0) latency[k as LatencyMetric] = st;
  }
  const lengths: Partial<Record<LengthMetric, LengthStats>> = {};
  for (const [k, b64] of Object.entries(snapshot.lengths ?? {})) {
    const st = decodedStats(b64, 1);
    if (st && st.count > 0) lengths[k as LengthMetric] = st;
  }
  const summary: BenchmarkSummary = {
    benchmark,
    requests: {
      sent: c.sent,
      ok: c.ok,
      failed: c.failed,
      cancelled: c.cancelled,
      cancelled_by_workload: c.cancelled_by_workload ?? 0,
    },
    errors_by_reason: { ...snapshot.errors_by_reason },
    duration_s: secs,
    throughput: {
      requests_per_s: per(c.ok),
      output_tokens_per_s: per(c.output_tokens),
      total_tokens_per_s: per(c.prompt_tokens + c.output_tokens),
      goodput_rps: per(c.good),
    },
    late_sends: c.late_sends,
    dropped_sends: snapshot.dropped_sends_uncounted?.length ? null : c.dropped_sends,
    tokens: { prompt: c.prompt_tokens, output: c.output_tokens },
    latency_ms: latency,
    ...(Object.keys(lengths).length > 0 && { lengths }),
  };
  if (snapshot.requested_rps !== undefined) {
    summary.requested_rps = snapshot.requested_rps;
    const sendSecs =
      snapshot.last_send !== undefined && snapshot.window_start !== undefined
        ? (snapshot.last_send - snapshot.window_start) / 1000
        : secs;
    summary.achieved_rps = sendSecs > 0 ? c.sent / sendSecs : 0;
  }
  if (snapshot.executor_load) summary.executor_load = { ...snapshot.executor_load };
  if (snapshot.connections) summary.connections = { ...snapshot.connections };
  if (snapshot.turns) summary.per_turn = turnStats(snapshot.turns);
  if (snapshot.sessions) summary.sessions = { ...snapshot.sessions };
  if (snapshot.server_reported && Object.keys(snapshot.server_reported).length > 0)
    summary.server_reported = deriveServerRates(snapshot.server_reported);
  return summary;
}
