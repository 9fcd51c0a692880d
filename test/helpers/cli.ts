/** Run the hpcbench CLI (the built dist/, see src/util/self.ts) and capture its output. */
import { execa, type Options, type Result } from 'execa';
import { selfCommand } from '../../src/util/self.js';

export async function runCli(args: string[], options: Options = {}): Promise<Result> {
  const { command, args: full } = selfCommand(...args);
  return execa(command, full, { reject: false, all: true, ...options }) as Promise<Result>;
}
