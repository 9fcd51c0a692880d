/**
 * The `hpcbench` command line. Each command lives in its own file under src/cli/ and exports
 * `register(program)`; this file only wires them and turns HpcBenchErrors into `E00x: message` with a
 * non-zero exit and no stack trace.
 */
import { Command } from '@commander-js/extra-typings';
import { isHpcBenchError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { VERSION } from '../version.js';
import { commands } from './commands.js';

export function buildProgram(): Command {
  const program = new Command('hpcbench')
    .description('HPC Benchmark Toolkit: benchmark LLM inference services on Slurm clusters or localhost')
    .version(VERSION)
    .showHelpAfterError();
  for (const register of commands) register(program);
  return program;
}

export function reportError(err: unknown): number {
  if (isHpcBenchError(err)) {
    process.stderr.write(`${err.format()}\n`);
    if (process.env.HPCBENCH_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT_CODES.failure;
  }
  process.stderr.write(
    `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return EXIT_CODES.internal;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
