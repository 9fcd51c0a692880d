/**
 * The server-side view of a window from scrapes of every server (a pure function): which metric names
 * mean what, for vLLM (`vllm:*`, also served by the simulator) and llama.cpp (`llamacpp:*`, with
 * `--metrics`); counter deltas and rates, latency histograms' deltas (bucket-estimated percentiles), and
 * gauges as sampled.
 */
import {
  type BucketSeries,
  bucketQuantile,
  counterDelta,
  counterDeltaBy,
  hasMetric,
  histogramDelta,
  mergeBuckets,
  type Scrape,
} from './prom-delta.js';
import type {
  BucketLatency,
  CounterKey,
  GaugeKey,
  GaugeSamples,
  LatencyKey,
  ServerMetricsView,
  ServerScrapeInfo,
} from './types.js';

/** Counters: the first name a server exposes is used. `requests_*` come from vLLM's finished_reason. */
export const COUNTER_NAMES: Record<
  Exclude<CounterKey, 'requests_succeeded' | 'requests_aborted'>,
  string[]
> = {
  prompt_tokens: ['vllm:prompt_tokens_total', 'llamacpp:prompt_tokens_total'],
  generation_tokens: ['vllm:generation_tokens_total', 'llamacpp:tokens_predicted_total'],
  // vLLM V1, then the older per-device names
  prefix_cache_queries: ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'],
  prefix_cache_hits: ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'],
  preemptions: ['vllm:num_preemptions_total'],
  prompt_seconds: ['llamacpp:prompt_seconds_total'],
  generation_seconds: ['llamacpp:tokens_predicted_seconds_total'],
  decode_calls: ['llamacpp:n_decode_total'],
};

export const REQUEST_SUCCESS = 'vllm:request_success_total';
/** finished_reason values that are not a success. */
const NOT_SUCCESS = new Set(['abort', 'error']);

/** Histograms (seconds): vLLM's names; ITL under its newer name, else the older one. */
export const HISTOGRAM_NAMES: Record<LatencyKey, string[]> = {
  ttft: ['vllm:time_to_first_token_seconds'],
  e2e: ['vllm:e2e_request_latency_seconds'],
  itl: ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds'],
  request_tpot: ['vllm:request_time_per_output_token_seconds'],
  queue: ['vllm:request_queue_time_seconds'],
  prefill: ['vllm:request_prefill_time_seconds'],
  decode: ['vllm:request_decode_time_seconds'],
};

/** Gauges; `kv_cache_usage` (a fraction) is averaged over servers, the others summed. */
export const GAUGE_NAMES: Record<GaugeKey, string[]> = {
  running_requests: ['vllm:num_requests_running', 'llamacpp:requests_processing'],
  waiting_requests: ['vllm:num_requests_waiting', 'llamacpp:requests_deferred'],
  kv_cache_usage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc', 'llamacpp:kv_cache_usage_ratio'],
};

export const BUCKET_NOTE =
  'server latency percentiles are bucket estimates (linear interpolation inside the Prometheus histogram bucket holding the rank, as PromQL histogram_quantile); counts and means are exact';

export interface ServerWindowInput {
  url: string;
  start?: Scrape;
  end?: Scrape;
  /** Why a scrape failed. */
  error?: string;
}

export interface ViewInput {
  servers: ServerWindowInput[];
  /** Gauge samples: one entry per sampling tick, one scrape (or undefined) per server. */
  ticks?: (Scrape | undefined)[][];
  startTrigger: ServerMetricsView['window']['start_trigger'];
}

/** The name of `candidates` that any of `scrapes` exposes first (in candidate order). */
function pick(candidates: string[], scrapes: Scrape[]): string | undefined {
  return candidates.find((n) => scrapes.some((s) => hasMetric(s, n)));
}

function latency(metric: string, h: BucketSeries): BucketLatency | undefined {
  if (h.count <= 0) return undefined;
  const ms = (q: number) => bucketQuantile(h, q) * 1000;
  return {
    metric,
    count: h.count,
    mean: (h.sum / h.count) * 1000,
    p50: ms(0.5),
    p90: ms(0.9),
    p99: ms(0.99),
    estimate: 'bucket',
  };
}

/** Value of a gauge in one scrape: summed over series, or averaged (`kv_cache_usage`). */
function gaugeValue(s: Scrape, name: string, mean: boolean): number | undefined {
  const v = s.samples.filter((x) => x.name === name && Number.isFinite(x.value)).map((x) => x.value);
  if (v.length === 0) return undefined;
  const sum = v.reduce((a, b) => a + b, 0);
  return mean ? sum / v.length : sum;
}

function gauges(ticks: (Scrape | undefined)[][], all: Scrape[]): ServerMetricsView['gauges'] {
  const out: ServerMetricsView['gauges'] = {};
  for (const [key, names] of Object.entries(GAUGE_NAMES) as [GaugeKey, string[]][]) {
    const name = pick(names, all);
    if (!name) continue;
    const mean = key === 'kv_cache_usage';
    const series: number[] = [];
    for (const tick of ticks) {
      const vals = tick.flatMap((s) => {
        const v = s ? gaugeValue(s, name, mean) : undefined;
        return v === undefined ? [] : [v];
      });
      if (vals.length === 0) continue;
      const sum = vals.reduce((a, b) => a + b, 0);
      series.push(mean ? sum / vals.length : sum);
    }
    if (series.length === 0) continue;
    const g: GaugeSamples = {
      metric: name,
      max: Math.max(...series),
      mean: series.reduce((a, b) => a + b, 0) / series.length,
      samples: series.length,
    };
    out[key] = g;
  }
  return out;
}

/**
 * Rates from the window's counter deltas over `secs` seconds; llama.cpp's own decode / prefill speeds
 * (tokens over the seconds it spent on them) do not depend on `secs`.
 */
export function serverRates(
  counters: ServerMetricsView['counters'],
  secs: number,
): ServerMetricsView['rates'] {
  const per = (n: number | undefined) => (n !== undefined && secs > 0 ? n / secs : undefined);
  const rates: ServerMetricsView['rates'] = {};
  const setRate = (k: keyof ServerMetricsView['rates'], v: number | undefined) => {
    if (v !== undefined && Number.isFinite(v)) rates[k] = v;
  };
  setRate('output_tokens_per_s', per(counters.generation_tokens));
  if (counters.generation_tokens !== undefined || counters.prompt_tokens !== undefined)
    setRate('total_tokens_per_s', per((counters.generation_tokens ?? 0) + (counters.prompt_tokens ?? 0)));
  setRate('requests_per_s', per(counters.requests_succeeded));
  if (counters.generation_seconds)
    setRate('decode_tokens_per_s', (counters.generation_tokens ?? 0) / counters.generation_seconds);
  if (counters.prompt_seconds)
    setRate('prefill_tokens_per_s', (counters.prompt_tokens ?? 0) / counters.prompt_seconds);
  return rates;
}

/**
 * Re-bases the view's rates on the client's measurement window (`duration_s` of the benchmark summary),
 * so that server and client tokens/s divide by the same seconds. The scrape-to-scrape window also holds
 * the idle time before the first request and after the last completion (up to one status poll).
 */
export function rebaseRates(view: ServerMetricsView, clientSeconds: number): ServerMetricsView {
  if (!(clientSeconds > 0)) return view;
  return { ...view, rate_basis: 'client-window', rates: serverRates(view.counters, clientSeconds) };
}

/** The view over every server that was scraped at both ends; undefined when none was. */
export function computeServerView(input: ViewInput): ServerMetricsView | undefined {
  const usable = (s: ServerWindowInput): s is ServerWindowInput & { start: Scrape; end: Scrape } =>
    !!s.start && !!s.end && !s.error;
  const ok = input.servers.filter(usable);
  const info: ServerScrapeInfo[] = input.servers.map((s) => ({
    url: s.url,
    scraped: usable(s),
    ...(usable(s) ? {} : { error: s.error ?? `no ${s.start ? 'end' : 'start'} scrape` }),
  }));
  if (ok.length === 0) return undefined;
  const ends = ok.map((s) => s.end);
  const resets = new Map<string, string[]>();
  const noteReset = (url: string, metric: string) => {
    const list = resets.get(url) ?? [];
    if (!list.includes(metric)) list.push(metric);
    resets.set(url, list);
  };

  const counters: ServerMetricsView['counters'] = {};
  const sumCounter = (name: string, filter?: (l: Record<string, string>) => boolean): number | undefined => {
    let total: number | undefined;
    for (const s of ok) {
      const d = counterDelta(s.start, s.end, name, filter);
      if (!d) continue;
      if (d.reset) noteReset(s.url, name);
      total = (total ?? 0) + d.delta;
    }
    return total;
  };
  for (const [key, names] of Object.entries(COUNTER_NAMES) as [CounterKey, string[]][]) {
    const name = pick(names, ends);
    const v = name ? sumCounter(name) : undefined;
    if (v !== undefined) counters[key] = v;
  }
  let finished: Record<string, number> | undefined;
  if (pick([REQUEST_SUCCESS], ends)) {
    const succeeded = sumCounter(REQUEST_SUCCESS, (l) => !NOT_SUCCESS.has(l.finished_reason ?? ''));
    const aborted = sumCounter(REQUEST_SUCCESS, (l) => NOT_SUCCESS.has(l.finished_reason ?? ''));
    counters.requests_succeeded = succeeded ?? 0;
    if (aborted !== undefined) counters.requests_aborted = aborted;
    finished = {};
    for (const s of ok)
      for (const [reason, n] of Object.entries(
        counterDeltaBy(s.start, s.end, REQUEST_SUCCESS, 'finished_reason'),
      ))
        finished[reason] = (finished[reason] ?? 0) + n;
  }

  const latency_ms: ServerMetricsView['latency_ms'] = {};
  for (const [key, names] of Object.entries(HISTOGRAM_NAMES) as [LatencyKey, string[]][]) {
    const name = pick(names, ends);
    if (!name) continue;
    const parts: BucketSeries[] = [];
    for (const s of ok) {
      const d = histogramDelta(s.start, s.end, name);
      if (!d) continue;
      if (d.reset) noteReset(s.url, name);
      parts.push(d.hist);
    }
    const merged = mergeBuckets(parts);
    const l = merged ? latency(name, merged) : undefined;
    if (l) latency_ms[key] = l;
  }

  const startAt = Math.min(...ok.map((s) => s.start.at));
  const endAt = Math.max(...ends.map((s) => s.at));
  const secs = Math.max(0, (endAt - startAt) / 1000);
  const rates = serverRates(counters, secs);

  const genName = pick(COUNTER_NAMES.generation_tokens, ends);
  input.servers.forEach((s, idx) => {
    const i = info[idx] as ServerScrapeInfo;
    if (genName && usable(s)) {
      const d = counterDelta(s.start, s.end, genName);
      if (d) i.generation_tokens = d.delta;
    }
    const r = resets.get(i.url);
    if (r) i.reset = r;
  });
  const families = [
    ...new Set(
      ends.flatMap((s) => s.samples.map((x) => /^(vllm|llamacpp):/.exec(x.name)?.[1] ?? '').filter(Boolean)),
    ),
  ].sort();
  const notes: string[] = [];
  if (Object.keys(latency_ms).length > 0) notes.push(BUCKET_NOTE);
  if (input.startTrigger === 'warmup-end')
    notes.push(
      'the window starts when the orchestrator saw every executor leave warmup (status poll): requests in flight then (warmup for the client) finish inside it and count here',
    );
  if (resets.size > 0)
    notes.push('a counter went down during the window (server restarted): it is counted from zero');
  const view: ServerMetricsView = {
    source: 'prometheus',
    families,
    window: {
      start: new Date(startAt).toISOString(),
      end: new Date(endAt).toISOString(),
      duration_s: secs,
      start_trigger: input.startTrigger,
    },
    servers: info,
    counters,
    ...(counters.prefix_cache_queries
      ? { prefix_cache_hit_rate: (counters.prefix_cache_hits ?? 0) / counters.prefix_cache_queries }
      : {}),
    ...(finished && Object.keys(finished).length > 0 ? { finished_reasons: finished } : {}),
    rate_basis: 'scrape-window',
    rates,
    latency_ms,
    gauges: gauges(input.ticks ?? [ok.map((s) => s.start), ends], ends),
    notes,
  };
  return view;
}
