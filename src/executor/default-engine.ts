/** The real load engine: the load generator's `prepareLoad` and the metrics module's figures. */
import { prepareLoad } from '../loadgen/index.js';
import { renderExecutorPrometheus, toExecutorMetrics } from '../metrics/index.js';
import type { LoadEngine } from './load-engine.js';

export const defaultLoadEngine: LoadEngine = {
  prepareLoad: (spec, opts) => prepareLoad(spec, opts),
  toExecutorMetrics,
  renderPrometheus: renderExecutorPrometheus,
};
