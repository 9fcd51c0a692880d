/** The real load engine: the load generator's `startLoad` and the metrics module's figures. */
import { startLoad } from '../loadgen/index.js';
import { renderExecutorPrometheus, toExecutorMetrics } from '../metrics/index.js';
import type { LoadEngine } from './load-engine.js';

export const defaultLoadEngine: LoadEngine = {
  startLoad: (spec, opts) => startLoad(spec, opts),
  toExecutorMetrics,
  renderPrometheus: renderExecutorPrometheus,
};
