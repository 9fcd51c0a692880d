/**
 * The `hpcbench` command line. Each command lives in its own file under src/cli/ and exports
 * `register(program)`; this file only wires them and turns HpcBenchErrors into `E00x: message` with a
 * non-zero exit and no stack trace.
 */

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { fromSystemError, isHpcBenchError } from '../errors.js';
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

/**
 * `E00x: message` (no stack) for typed errors and for system errors a user can act on (port in use, disk
 * full: `fromSystemError`); an internal error prints one line and the path of a log holding its stack.
 */
export function reportError(err: unknown): number {
  const typed = isHpcBenchError(err) ? err : fromSystemError(err);
  if (typed) {
    process.stderr.write(`${typed.format()}\n`);
    if (process.env.HPCBENCH_DEBUG && typed.stack) process.stderr.write(`${typed.stack}\n`);
    return EXIT_CODES.failure;
  }
  const message = err instanceof Error ? err.message : String(err);
  const log = join(tmpdir(), `hpcbench-internal-error-${process.pid}-${Date.now()}.log`);
  try {
    writeFileSync(
      log,
      `${new Date().toISOString()} hpcbench ${VERSION}: ${process.argv.join(' ')}\n${err instanceof Error ? (err.stack ?? message) : message}\n`,
    );
    process.stderr.write(`internal error: ${message} (stack in ${log})\n`);
  } catch {
    process.stderr.write(`internal error: ${message}\n`);
  }
  return EXIT_CODES.internal;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
