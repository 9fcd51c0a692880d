/** Monitoring: per-node GPU/CPU/RAM sampling, Pushgateway pushes, server-metrics scraping. */

export {
  type GaugeFamily,
  type ParsedExposition,
  type PromSample,
  parsePrometheusText,
  renderPrometheusText,
} from '../util/prom-text.js';
export {
  type PeriodicPush,
  type PeriodicPushOptions,
  startExecutorPush,
  startPeriodicPush,
} from './executor-push.js';
export { Monitor, type MonitorOptions, type MonitorSummary, type SeedMonitorOptions } from './monitor.js';
export { csvHeader, type MetricKind, type MonitorSample, parseMonitorCsv } from './monitor-csv.js';
export { type GpuSample, NvidiaSmiReader, parseGpuLine } from './nvidia-smi.js';
export { cpuPercent, ProcSampler, parseMeminfo, parseProcStat } from './proc-sampler.js';
export {
  deleteGroup,
  deletePushgatewayGroups,
  deleteRunGroups,
  type GroupingKey,
  groupUrl,
  listGroups,
  pushGroup,
} from './pushgateway.js';
export {
  monitorCsvPath,
  type RunMonitoringOptions,
  type RunMonitoringSummary,
  serverMetricsPath,
  startRunMonitoring,
} from './run-monitoring.js';
export {
  type ScrapeSummary,
  type ServerMetricsRow,
  type ServerMetricsScraperOptions,
  scrapeOnce,
  startServerMetricsScraper,
} from './server-scraper.js';
