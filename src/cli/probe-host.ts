/**
 * `hpcbench probe-host --output FILE`: describe this node (CPU, memory, GPUs with driver and CUDA, OS and
 * kernel) as JSON and exit. On Slurm with monitoring off, one step per node runs it before anything else
 * starts, so that run.json's provenance has every node (with monitoring on, each monitor step does it).
 */
import type { Command } from '@commander-js/extra-typings';
import { writeHostInfo } from '../provenance/host.js';

export function register(program: Command): void {
  program
    .command('probe-host')
    .description("write this node's description (CPU, memory, GPUs, driver, OS) as JSON and exit")
    .requiredOption('--output <file>', 'JSON file to write')
    .option('--node <name>', 'node label (default: $SLURMD_NODENAME or hostname)')
    .option('--role <role>', 'role label: server, client, monitor')
    .action(async (opts) => {
      const host = await writeHostInfo(opts.output, opts.node, opts.role);
      process.stderr.write(
        `probe-host: ${host.node} (${host.cpu.count} CPUs, ${host.gpus.count} GPUs) written to ${opts.output}\n`,
      );
    });
}
