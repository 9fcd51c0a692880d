/**
 * The default monitoring and logging of a run, used when the caller gives no hook of its own:
 * - monitoring: one in-process Monitor per server and client node plus one for this (orchestrator) node
 *   writing the seed's `--monitor-output` CSV, a server-metrics scraper per server, optional Pushgateway;
 * - logging: a TailerLogCollector following the components' log files into `<run>/logs/`.
 * The Slurm launcher passes its own hooks (monitors run as srun steps there).
 */
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { type ScrapeSource, scrapeSource } from '../contracts/index.js';
import { type LoggingSettings, type LogSource, TailerLogCollector } from '../logs/index.js';
import { Monitor } from '../monitor/monitor.js';
import { startRunMonitoring } from '../monitor/run-monitoring.js';
import { ServiceFactory } from '../services/factory.js';
import type { HookContext, OrchestratorOptions, Stoppable } from './options.js';

/** `node` → `http://node:9091`; `node:port` → `http://node:port`; URLs as given. */
export function pushgatewayUrl(node: string | undefined): string | undefined {
  if (!node) return undefined;
  if (/^https?:\/\//i.test(node)) return node.replace(/\/+$/, '');
  return /:\d+$/.test(node) ? `http://${node}` : `http://${node}:9091`;
}

export function startDefaultMonitoring(o: OrchestratorOptions): (ctx: HookContext) => Promise<Stoppable> {
  return async (ctx) => {
    const interval = o.monitorInterval ?? ctx.plan.monitoring?.interval ?? 5;
    const pushUrl = pushgatewayUrl(o.pushgatewayNode ?? ctx.plan.monitoring?.pushgateway);
    const output = o.monitorOutput ?? 'benchmark_metrics.csv';
    const pushInterval = ctx.plan.monitoring?.pushInterval;
    const keepGroups = ctx.plan.monitoring?.keepGroups;
    const own = new Monitor({
      outputFile: isAbsolute(output) ? output : join(ctx.runDir, output),
      interval,
      node: hostname(),
      role: 'orchestrator',
      labels: { run: ctx.runId },
      prometheusPushgatewayUrl: pushUrl,
      prometheusPushInterval: pushInterval,
      keepPushgatewayGroup: keepGroups,
      onWarning: ctx.warn,
    });
    await own.start();
    const nodes = [
      ...ctx.serverNodes.map((node) => ({ node, role: 'server' })),
      ...ctx.clientNodes.map((node) => ({ node, role: 'client' })),
    ];
    const run = await startRunMonitoring({
      resultsDir: ctx.runDir,
      runId: ctx.runId,
      nodes,
      interval,
      pushgatewayUrl: pushUrl,
      pushInterval,
      keepGroups,
      serverTargets: serverTargets(ctx.plan.service, ctx.serverUrls, (i) =>
        serverMonitorName(ctx.serverNodes, i),
      ),
      onWarning: ctx.warn,
    });
    return {
      async stop() {
        const [summary] = await Promise.all([run.stop(), own.stop()]);
        return summary;
      },
    };
  };
}

export function startDefaultLogging(
  sources: LogSource[],
  logging?: LoggingSettings,
): (ctx: HookContext) => Promise<Stoppable> {
  return async (ctx) => {
    const collector = new TailerLogCollector({ outputDir: join(ctx.runDir, 'logs'), logging });
    await collector.deploy();
    await collector.startCollection(sources);
    return { stop: () => collector.stopCollection() };
  };
}

/** The name of server `i`'s monitor file (`monitor/server-<name>.jsonl`, serverMetricsPath). */
export function serverMonitorName(serverNodes: readonly string[], i: number): string {
  return `${serverNodes[i] ?? 'server'}-${i}`;
}

/**
 * The servers the server-metrics scraper samples: each with what the service declares (its metrics_path,
 * else its server_status page); none when it declares neither.
 */
export function serverTargets(
  service: string,
  urls: string[],
  name?: (i: number) => string,
): { url: string; service: string; name?: string; source: ScrapeSource }[] {
  const source = scrapeSource(ServiceFactory.getCapabilities(service));
  if (!source) return [];
  return urls.map((url, i) => ({ url, service, source, ...(name ? { name: name(i) } : {}) }));
}
