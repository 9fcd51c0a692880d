/** Server-side figures per benchmark window: Prometheus deltas and the simulator's ground truth. */
export { exactLatency, summarizeGroundTruth, type TraceEntry } from './ground-truth.js';
export {
  type BucketSeries,
  bucketQuantile,
  counterDelta,
  histogramDelta,
  mergeBuckets,
  parseScrape,
  type Scrape,
} from './prom-delta.js';
export type * from './types.js';
export { COUNTER_NAMES, computeServerView, GAUGE_NAMES, HISTOGRAM_NAMES } from './view.js';
export { type ServerTarget, ServerWindowTracker, type WindowTrackerOptions } from './window-tracker.js';
