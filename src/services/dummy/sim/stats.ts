/** Counters and fixed-bucket histograms behind GET /metrics (vLLM's metric names), updated by the engine. */

export class BucketHistogram {
  readonly bounds: readonly number[];
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) if (v <= b[i]) this.counts[i]++;
  }
}

/** vLLM's bucket boundaries (seconds). */
export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640,
  2560,
];
export const E2E_BUCKETS = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
];
export const TPOT_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
];

export class EngineStats {
  arrivals = 0;
  promptTokens = 0;
  generationTokens = 0;
  /** Prefix cache: prompt tokens looked up and found (vLLM's prefix_cache_queries / _hits). */
  prefixQueries = 0;
  prefixHits = 0;
  success = { stop: 0, length: 0, abort: 0 };
  errors500 = 0;
  rejected503 = 0;
  disconnects = 0;
  stalls = 0;
  readonly ttft = new BucketHistogram(TTFT_BUCKETS);
  readonly e2e = new BucketHistogram(E2E_BUCKETS);
  readonly tpot = new BucketHistogram(TPOT_BUCKETS);
}
