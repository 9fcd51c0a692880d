/**
 * A run's local monitoring, started by the orchestrator: one in-process `Monitor` per {node, role} (all
 * on this machine, each labelled with its node and role) and one server-metrics scraper per server.
 * Files go to `<resultsDir>/monitor/`. On a Slurm run each node instead runs `hpcbench monitor` as a step
 * with `--output <monitorCsvPath(...)>`; `stop()` here still removes the run's Pushgateway groups.
 */
import { join } from 'node:path';
import type { ScrapeSource } from '../contracts/index.js';
import { Monitor, type MonitorSummary } from './monitor.js';
import type { MetricKind } from './monitor-csv.js';
import { deleteRunGroups } from './pushgateway.js';
import { type ScrapeSummary, startServerMetricsScraper } from './server-scraper.js';

export interface RunMonitoringOptions {
  resultsDir: string;
  runId: string;
  nodes: { node: string; role: string }[];
  /** Sampling interval, seconds (default 1). */
  interval?: number;
  metrics?: readonly MetricKind[];
  pushgatewayUrl?: string;
  /** Seconds between pushes (default 15). */
  pushInterval?: number;
  /** Leave the run's groups on the Pushgateway at the end (default: delete them). */
  keepGroups?: boolean;
  serverTargets?: { url: string; service: string; name?: string; source: ScrapeSource }[];
  /** Seconds between server scrapes (default: `interval`). */
  scrapeInterval?: number;
  onWarning?: (message: string) => void;
}

export interface RunMonitoringSummary {
  monitors: MonitorSummary[];
  servers: ScrapeSummary[];
  /** Groups of this run removed from the Pushgateway (monitors' and executors'). */
  deletedGroups: number;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/** Where a node's monitor CSV goes: `<resultsDir>/monitor/<node>-<role>.csv`. */
export function monitorCsvPath(resultsDir: string, node: string, role: string): string {
  return join(resultsDir, 'monitor', `${safe(node)}-${safe(role)}.csv`);
}

/** Where a server's metrics series goes: `<resultsDir>/monitor/server-<name>.jsonl`. */
export function serverMetricsPath(resultsDir: string, name: string): string {
  return join(resultsDir, 'monitor', `server-${safe(name)}.jsonl`);
}

export async function startRunMonitoring(options: RunMonitoringOptions): Promise<{
  files: string[];
  stop(): Promise<RunMonitoringSummary>;
}> {
  const interval = options.interval ?? 1;
  const monitors = options.nodes.map(
    ({ node, role }) =>
      new Monitor({
        outputFile: monitorCsvPath(options.resultsDir, node, role),
        interval,
        metrics: options.metrics,
        node,
        role,
        labels: { run: options.runId },
        prometheusPushgatewayUrl: options.pushgatewayUrl,
        prometheusPushInterval: options.pushInterval,
        keepPushgatewayGroup: options.keepGroups,
        onWarning: options.onWarning,
      }),
  );
  await Promise.all(monitors.map((m) => m.start()));
  const files = monitors.map((m) => m.outputFile);
  const scrapers = (options.serverTargets ?? []).map((t, i) => {
    const outputFile = serverMetricsPath(options.resultsDir, t.name ?? `${t.service}-${i}`);
    files.push(outputFile);
    return startServerMetricsScraper({
      url: t.url,
      source: t.source,
      interval: options.scrapeInterval ?? interval,
      outputFile,
      onWarning: options.onWarning,
    });
  });
  return {
    files,
    async stop() {
      const [monitorSummaries, servers] = await Promise.all([
        Promise.all(monitors.map((m) => m.stop())),
        Promise.all(scrapers.map((s) => s.stop())),
      ]);
      let deletedGroups = 0;
      if (options.pushgatewayUrl && !options.keepGroups) {
        try {
          deletedGroups = await deleteRunGroups(options.pushgatewayUrl, options.runId);
        } catch (err) {
          (options.onWarning ?? ((m) => process.stderr.write(`warning: ${m}\n`)))((err as Error).message);
        }
      }
      return { monitors: monitorSummaries, servers, deletedGroups };
    },
  };
}
