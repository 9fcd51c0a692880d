/** The real metrics functions the controller merges and summarizes with. */
import { mergeSnapshots, summarize, toExecutorMetrics } from '../metrics/index.js';
import type { MetricsEngine } from './types.js';

export const defaultMetricsEngine: MetricsEngine = { mergeSnapshots, summarize, toExecutorMetrics };
