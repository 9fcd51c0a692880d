/**
 * Prometheus text for an executor's `GET /metrics/prometheus`: the seed's three series
 * (`<service>_requests_total`, `<service>_errors_total`, `<service>_request_latency_seconds` = mean E2E)
 * plus quantile gauges for TTFT, ITL, TPOT and E2E, token counters and rates, and the load generator's
 * connection counters (over the run, warmup included).
 */

import type { LatencyMetric, MetricsSnapshot } from '../contracts/index.js';
import { decodedStats, measuredSeconds } from './summarize.js';
import type { LatencyStats } from './types.js';

const QUANTILES: [string, keyof LatencyStats][] = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
  ['0.999', 'p999'],
];
const SERIES: [LatencyMetric, string, string][] = [
  ['ttft', 'ttft_seconds', 'Time to first token'],
  ['itl', 'itl_seconds', 'Inter-token latency (gap between content chunks)'],
  ['tpot', 'tpot_seconds', 'Time per output token after the first'],
  ['e2e', 'e2e_latency_seconds', 'End-to-end request latency'],
  ['schedule_lag', 'schedule_lag_seconds', 'Send time minus scheduled time'],
];

const num = (v: number): string => (Number.isFinite(v) ? String(v) : '0');

export function renderExecutorPrometheus(service: string, snapshot: MetricsSnapshot): string {
  const p = service.replace(/[^a-zA-Z0-9_]/g, '_');
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, lines: string[]): void => {
    out.push(`# HELP ${p}_${name} ${help}`, `# TYPE ${p}_${name} ${type}`, ...lines);
  };
  const c = snapshot.counters;
  const e2e = decodedStats(snapshot.histograms?.e2e);
  metric('requests_total', 'counter', 'Total requests', [`${p}_requests_total ${c.sent}`]);
  metric('errors_total', 'counter', 'Total errors', [`${p}_errors_total ${c.failed}`]);
  metric('request_latency_seconds', 'gauge', 'Request latency', [
    `${p}_request_latency_seconds ${num((e2e?.mean ?? 0) / 1000)}`,
  ]);
  metric('cancelled_total', 'counter', 'Requests cancelled (by the workload cancel or the run stop)', [
    `${p}_cancelled_total ${c.cancelled}`,
  ]);
  metric('cancelled_by_workload_total', 'counter', 'Requests cancelled on purpose by workload.cancel', [
    `${p}_cancelled_by_workload_total ${c.cancelled_by_workload ?? 0}`,
  ]);
  metric('prompt_tokens_total', 'counter', 'Prompt tokens of successful requests', [
    `${p}_prompt_tokens_total ${c.prompt_tokens}`,
  ]);
  metric('output_tokens_total', 'counter', 'Output tokens of successful requests', [
    `${p}_output_tokens_total ${c.output_tokens}`,
  ]);
  const reasons = Object.entries(snapshot.errors_by_reason ?? {});
  if (reasons.length)
    metric(
      'errors_by_reason_total',
      'counter',
      'Failed requests by reason',
      reasons.map(([r, n]) => `${p}_errors_by_reason_total{reason="${r.replace(/["\\\n]/g, '_')}"} ${n}`),
    );
  const secs = measuredSeconds(snapshot);
  metric('requests_per_second', 'gauge', 'Completed requests per second over the measurement window', [
    `${p}_requests_per_second ${num(secs > 0 ? c.ok / secs : 0)}`,
  ]);
  metric('output_tokens_per_second', 'gauge', 'Output tokens per second over the measurement window', [
    `${p}_output_tokens_per_second ${num(secs > 0 ? c.output_tokens / secs : 0)}`,
  ]);
  const conn = snapshot.connections;
  if (conn) {
    metric(
      'connections_requests_total',
      'counter',
      'Requests given to the connection pools, warmup included',
      [`${p}_connections_requests_total ${conn.requests}`],
    );
    metric('connections_opened_total', 'counter', 'Connections opened to the servers, warmup included', [
      `${p}_connections_opened_total ${conn.opened}`,
    ]);
    metric(
      'connections_resent_stale_total',
      'counter',
      'Requests sent again on a new connection after a stale kept-alive one, warmup included',
      [`${p}_connections_resent_stale_total ${conn.resent_stale}`],
    );
    metric(
      'connections_server_closes_after_stream',
      'gauge',
      '1 when the pool learnt that the server closes the connection after every streamed response',
      [`${p}_connections_server_closes_after_stream ${conn.server_closes_after_stream ? 1 : 0}`],
    );
  }
  for (const [key, name, help] of SERIES) {
    const st = decodedStats(snapshot.histograms?.[key]);
    if (!st || st.count === 0) continue;
    metric(name, 'gauge', help, [
      ...QUANTILES.map(([q, f]) => `${p}_${name}{quantile="${q}"} ${num(st[f] / 1000)}`),
      `${p}_${name}_count ${st.count}`,
    ]);
  }
  return `${out.join('\n')}\n`;
}
