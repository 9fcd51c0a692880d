/**
 * `hpcbench orchestrate`: the seed's orchestrator CLI. Attaches to inference servers and executors that
 * already run (started by hand, by a job script or by `hpcbench run`), runs the recipe's benchmarks
 * against them and writes the results folder. A node may be given as `host:port` when ports differ.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { ConfigValidationError } from '../errors.js';
import { interruptOnSignals } from '../launch/local/signals.js';
import { namedNodes } from '../orchestrator/node-names.js';
import { Orchestrator } from '../orchestrator/orchestrator.js';
import { portNumber, positiveSeconds } from './flags.js';
import { attachProgress } from './progress.js';
import { writeRunTables, writeTablesBeforeError } from './run-tables.js';

export function register(program: Command): void {
  program
    .command('orchestrate')
    .description(
      'run a recipe against servers and workload executors that already run (the seed orchestrator)',
    )
    .requiredOption('--server-nodes <nodes...>', 'server node hostnames (host or host:port)')
    .requiredOption('--client-nodes <nodes...>', 'client (executor) node hostnames (host or host:port)')
    .requiredOption('--workload-config-file <file>', 'recipe YAML/JSON')
    .option('--server-port <port>', 'inference server port', '11434')
    .option('--client-port <port>', 'workload executor port', '5000')
    .option('--wide', 'summary table with every column (default: fits 120 columns)')
    .option('--timeout <seconds>', 'operation timeout', '600')
    .option('--enable-monitoring', 'sample CPU/RAM/GPU and scrape server metrics during the run')
    .option('--pushgateway-node <node>', 'Prometheus Pushgateway node (host, host:port or URL)')
    .option('--monitor-interval <seconds>', 'monitor sampling interval', '5')
    .option(
      '--monitor-output <file>',
      "this node's monitor CSV (relative to the results folder)",
      'benchmark_metrics.csv',
    )
    .option(
      '--results-dir <dir>',
      'base folder for the results folder of this run (default: reporting.output_directory, else results)',
    )
    .option('--quiet', 'no progress output')
    .action(async (opts) => {
      const serverPort = portNumber('--server-port', opts.serverPort);
      const clientPort = portNumber('--client-port', opts.clientPort);
      const servers = namedNodes(opts.serverNodes, serverPort, '--server-nodes');
      const clients = namedNodes(opts.clientNodes, clientPort, '--client-nodes');
      if (opts.pushgatewayNode && !opts.enableMonitoring) {
        throw new ConfigValidationError('--pushgateway-node needs --enable-monitoring', [
          { severity: 'error', path: '--pushgateway-node', message: 'only used with --enable-monitoring' },
        ]);
      }
      const signals = interruptOnSignals((sig) =>
        process.stderr.write(`\n${sig}: stopping the workload and writing results (again to exit now)\n`),
      );
      const orchestrator = new Orchestrator({
        serverNodes: servers.names,
        clientNodes: clients.names,
        configFile: opts.workloadConfigFile,
        serverPort,
        clientPort,
        serverEndpoints: servers.endpoints,
        clientEndpoints: clients.endpoints,
        timeout: positiveSeconds('--timeout', opts.timeout),
        enableMonitoring: opts.enableMonitoring ?? false,
        pushgatewayNode: opts.pushgatewayNode,
        monitorInterval: positiveSeconds('--monitor-interval', opts.monitorInterval),
        monitorOutput: opts.monitorOutput,
        resultsDir: opts.resultsDir,
        signal: signals.signal,
        mode: 'attach',
      });
      if (!opts.quiet) attachProgress(orchestrator);
      try {
        const results = await orchestrator.run();
        writeRunTables(results, opts.wide);
        process.stdout.write(
          `throughput_rps: ${results.throughput_rps.toFixed(3)}\nresults: ${results.results_dir}\n` +
            (results.results_dir && existsSync(join(results.results_dir, 'report.html'))
              ? `report: ${join(results.results_dir, 'report.html')}\n`
              : ''),
        );
        if (results.status === 'interrupted')
          process.stderr.write(
            `run interrupted (${signals.received ?? 'aborted'}) during ${results.interrupted_phase}: partial results kept\n`,
          );
        else if (results.reason) process.stderr.write(`run ${results.status}: ${results.reason}\n`);
        process.exitCode = results.exit_code;
      } catch (err) {
        writeTablesBeforeError(orchestrator.results, opts.wide);
        if (orchestrator.runDir) process.stderr.write(`results (partial): ${orchestrator.runDir}\n`);
        throw err;
      } finally {
        signals.dispose();
      }
    });
}
