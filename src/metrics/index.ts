/** Metrics: HdrHistogram recording, exact merge, summaries, the seed's /metrics figures, Prometheus text. */

export { zeroCounters } from './counters.js';
export { deriveMetrics, meetsSlo, type RequestMetrics } from './derive.js';
export { toExecutorMetrics } from './executor-metrics.js';
export {
  type RebuildOptions,
  type Rebuilt,
  type SendFrontier,
  snapshotFromLines,
  snapshotFromRecordsFile,
} from './from-records.js';
export { decodeHistogram, encodeHistogram, newHistogram, SIGNIFICANT_DIGITS } from './histogram.js';
export { mergeSnapshots } from './merge.js';
export { renderExecutorPrometheus } from './prometheus.js';
export { MetricsRecorder, type RecorderOptions } from './recorder.js';
export { latencyStats, measuredSeconds, summarize } from './summarize.js';
export type * from './types.js';
