/**
 * `hpcbench monitor`: run one node's Monitor on its own until SIGTERM/SIGINT (or --duration): CSV of
 * GPU/CPU/RAM samples, optional Pushgateway pushes. A Slurm step or a local run starts it per node.
 */

import type { Command } from '@commander-js/extra-typings';
import { ConfigValidationError } from '../errors.js';
import { Monitor } from '../monitor/monitor.js';
import type { MetricKind } from '../monitor/monitor-csv.js';
import { writeHostInfo } from '../provenance/host.js';
import { DURATION_HELP, parseDuration } from '../util/duration.js';

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = parseDuration(value);
  if (s === undefined || s <= 0) {
    throw new ConfigValidationError(`invalid ${flag}`, [
      { severity: 'error', path: flag, message: `'${value}' is not ${DURATION_HELP} (> 0)` },
    ]);
  }
  return s;
}

function metricList(value: string): MetricKind[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((m) => !['gpu', 'cpu', 'ram'].includes(m));
  if (bad.length || list.length === 0) {
    throw new ConfigValidationError('invalid --metrics', [
      {
        severity: 'error',
        path: '--metrics',
        message: `'${value}': allowed is a comma list of gpu, cpu, ram`,
      },
    ]);
  }
  return list as MetricKind[];
}

export function register(program: Command): void {
  program
    .command('monitor')
    .description('sample GPU (nvidia-smi), CPU and RAM (/proc) into a CSV until SIGTERM/SIGINT')
    .option('--output <file>', 'CSV output file', 'metrics.csv')
    .option('--interval <seconds>', 'sampling interval', '1')
    .option('--metrics <list>', 'comma list of gpu,cpu,ram', 'gpu,cpu,ram')
    .option('--pushgateway <url>', 'Prometheus Pushgateway URL to push to')
    .option('--push-interval <seconds>', 'seconds between pushes', '15')
    .option('--node <name>', 'node label (default: $SLURMD_NODENAME or hostname)')
    .option('--role <role>', 'role label: server, client, orchestrator, ...')
    .option('--run-id <id>', 'run label (part of the Pushgateway grouping key)')
    .option('--keep-groups', "leave this monitor's group on the Pushgateway at exit")
    .option('--duration <seconds>', 'stop by itself after this long')
    .option(
      '--host-info <file>',
      "write this node's description (CPU, memory, GPUs, driver, OS) as JSON first",
    )
    .action(async (opts) => {
      const duration = seconds('--duration', opts.duration);
      const monitor = new Monitor({
        outputFile: opts.output,
        interval: seconds('--interval', opts.interval),
        metrics: metricList(opts.metrics),
        prometheusPushgatewayUrl: opts.pushgateway,
        prometheusPushInterval: seconds('--push-interval', opts.pushInterval),
        node: opts.node,
        role: opts.role,
        labels: opts.runId ? { run: opts.runId } : undefined,
        keepPushgatewayGroup: opts.keepGroups ?? false,
      });
      if (opts.hostInfo) await writeHostInfo(opts.hostInfo, monitor.node, opts.role);
      await monitor.start();
      process.stderr.write(
        `monitor: node ${monitor.node} sampling every ${monitor.interval}s into ${monitor.outputFile}\n`,
      );
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        process.once('SIGTERM', done);
        process.once('SIGINT', done);
        if (duration !== undefined) setTimeout(done, duration * 1000);
      });
      const summary = await monitor.stop();
      process.stderr.write(
        `monitor: ${summary.samples} samples, ${summary.gpus} GPUs written to ${summary.outputFile}\n`,
      );
    });
}
