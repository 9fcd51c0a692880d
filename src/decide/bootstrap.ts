/**
 * Seeded bootstrap resampling of one run's records (docs/metrics.md "Comparing runs").
 *
 * Latency percentiles: a cluster bootstrap over requests (a request's ITL gaps stay together). Requests
 * are assigned at random to at most MAX_BLOCKS blocks, each block kept as a sparse histogram over
 * logarithmic bins 0.2% wide; one resample draws as many blocks with replacement and reads the
 * percentiles off the summed histogram. Blocks of randomly assigned requests are independent and
 * identically distributed, so resampling them is a valid bootstrap, and one resample costs at most
 * (blocks × occupied bins) additions whatever the number of requests or chunks.
 *
 * Rates and the error rate: a bootstrap over time windows. The measured requests are split by
 * completion time into equal windows; a resample draws windows with replacement and divides the sums
 * (tokens, ok, good, failed, sent) by the measurement duration, which keeps short-range correlation
 * (bursts, batching) inside a window.
 */
import type { Grouped, LatencyName, Samples } from './samples.js';

export const MAX_BLOCKS = 128;
const MIN_MS = 1e-3;
const RATIO = 1.002;
const LOG_RATIO = Math.log(RATIO);
const NBINS = Math.ceil(Math.log(1e8 / MIN_MS) / LOG_RATIO) + 2;

const binOf = (v: number) =>
  v <= MIN_MS ? 0 : Math.min(NBINS - 1, Math.floor(Math.log(v / MIN_MS) / LOG_RATIO) + 1);
const binValue = (b: number) => (b === 0 ? MIN_MS : MIN_MS * RATIO ** (b - 0.5));

/** B resampled values of each requested statistic (`reps[i][b]`). */
export interface Replicates {
  reps: Float64Array[];
}

/** Percentiles (0..1, ascending) of a latency over `resamples` cluster-bootstrap resamples; undefined without values. */
export function bootstrapLatency(
  g: Grouped,
  quantiles: readonly number[],
  resamples: number,
  random: () => number,
): Replicates | undefined {
  const n = g.offsets.length - 1;
  if (n <= 0) return undefined;
  const k = Math.min(n, MAX_BLOCKS);
  // block of each request, then one sparse histogram per block (CSR: start, bins, counts)
  const blockOf = new Int32Array(n);
  const size = new Int32Array(k + 1);
  for (let i = 0; i < n; i++) {
    const b = k === n ? i : Math.floor(random() * k);
    blockOf[i] = b;
    size[b + 1] += g.offsets[i + 1] - g.offsets[i];
  }
  const scratch = new Int32Array(NBINS);
  const starts = new Int32Array(k + 1);
  const binsList: number[] = [];
  const countsList: number[] = [];
  // requests of each block
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => blockOf[a] - blockOf[b]);
  let lo = NBINS;
  let hi = 0;
  let r = 0;
  for (let b = 0; b < k; b++) {
    const touched: number[] = [];
    for (; r < n && blockOf[order[r]] === b; r++) {
      const i = order[r];
      for (let j = g.offsets[i]; j < g.offsets[i + 1]; j++) {
        const bin = binOf(g.values[j]);
        if (scratch[bin]++ === 0) touched.push(bin);
      }
    }
    for (const bin of touched) {
      binsList.push(bin);
      countsList.push(scratch[bin]);
      scratch[bin] = 0;
      if (bin < lo) lo = bin;
      if (bin > hi) hi = bin;
    }
    starts[b + 1] = binsList.length;
  }
  const bins = Int32Array.from(binsList);
  const counts = Int32Array.from(countsList);
  const blockTotal = new Float64Array(k);
  for (let b = 0; b < k; b++) blockTotal[b] = size[b + 1];
  const hist = new Int32Array(NBINS);
  const reps = quantiles.map(() => new Float64Array(resamples));
  for (let s = 0; s < resamples; s++) {
    hist.fill(0, lo, hi + 1);
    let total = 0;
    for (let d = 0; d < k; d++) {
      const b = Math.floor(random() * k);
      const end = starts[b + 1];
      for (let j = starts[b]; j < end; j++) hist[bins[j]] += counts[j];
      total += blockTotal[b];
    }
    // one pass for every quantile (given in ascending order)
    let cum = 0;
    let bin = lo;
    quantiles.forEach((q, qi) => {
      const rank = Math.max(1, Math.ceil(q * total));
      while (bin < hi && cum + hist[bin] < rank) cum += hist[bin++];
      reps[qi][s] = binValue(bin);
    });
  }
  return { reps };
}

/**
 * The mean of one value per request over `resamples` bootstrap resamples (undefined without values): the
 * same blocks of randomly assigned requests as the percentiles, each kept as its sum and count.
 */
export function bootstrapMean(g: Grouped, resamples: number, random: () => number): Float64Array | undefined {
  const n = g.offsets.length - 1;
  if (n <= 0) return undefined;
  const k = Math.min(n, MAX_BLOCKS);
  const sum = new Float64Array(k);
  const count = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const b = k === n ? i : Math.floor(random() * k);
    for (let j = g.offsets[i]; j < g.offsets[i + 1]; j++) {
      sum[b] += g.values[j];
      count[b]++;
    }
  }
  const out = new Float64Array(resamples);
  for (let s = 0; s < resamples; s++) {
    let t = 0;
    let c = 0;
    for (let d = 0; d < k; d++) {
      const b = Math.floor(random() * k);
      t += sum[b];
      c += count[b];
    }
    out[s] = c > 0 ? t / c : 0;
  }
  return out;
}

export type RateName = 'requests_per_s' | 'output_tokens_per_s' | 'goodput_rps' | 'error_rate';
export const RATE_NAMES: readonly RateName[] = [
  'requests_per_s',
  'output_tokens_per_s',
  'goodput_rps',
  'error_rate',
];

/** Windows of the time-window bootstrap: about 20 requests each, between 10 and 100. */
export function windowCount(sent: number): number {
  return Math.max(10, Math.min(100, Math.floor(sent / 20)));
}

/** Rates (per second over `durationS`) and the error rate over time-window bootstrap resamples. */
export function bootstrapRates(
  s: Samples,
  durationS: number,
  resamples: number,
  random: () => number,
): Record<RateName, Float64Array> | undefined {
  const n = s.sent;
  if (n === 0 || !(durationS > 0)) return undefined;
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (s.end[i] < t0) t0 = s.end[i];
    if (s.end[i] > t1) t1 = s.end[i];
  }
  const w = windowCount(n);
  const width = (t1 - t0) / w || 1;
  const ok = new Float64Array(w);
  const good = new Float64Array(w);
  const failed = new Float64Array(w);
  const sent = new Float64Array(w);
  const tokens = new Float64Array(w);
  for (let i = 0; i < n; i++) {
    const k = Math.min(w - 1, Math.floor((s.end[i] - t0) / width));
    ok[k] += s.ok[i];
    good[k] += s.good[i];
    failed[k] += s.failed[i];
    sent[k] += 1;
    tokens[k] += s.outputTokens[i];
  }
  const out = {
    requests_per_s: new Float64Array(resamples),
    output_tokens_per_s: new Float64Array(resamples),
    goodput_rps: new Float64Array(resamples),
    error_rate: new Float64Array(resamples),
  };
  for (let b = 0; b < resamples; b++) {
    let o = 0;
    let g = 0;
    let f = 0;
    let c = 0;
    let t = 0;
    for (let d = 0; d < w; d++) {
      const k = Math.floor(random() * w);
      o += ok[k];
      g += good[k];
      f += failed[k];
      c += sent[k];
      t += tokens[k];
    }
    out.requests_per_s[b] = o / durationS;
    out.output_tokens_per_s[b] = t / durationS;
    out.goodput_rps[b] = g / durationS;
    out.error_rate[b] = c > 0 ? f / c : 0;
  }
  return out;
}

export type { LatencyName };
