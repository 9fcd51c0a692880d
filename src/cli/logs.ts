/** `hpcbench logs RUN_DIR`: print (and optionally follow) a run's aggregated.jsonl, filtered. */
import type { Command } from '@commander-js/extra-typings';
import { ConfigValidationError } from '../errors.js';
import { FileFollower } from '../logs/file-follower.js';
import {
  findAggregatedLog,
  formatRecord,
  type LogFilter,
  matches,
  parseRecord,
} from '../logs/read-aggregated.js';

function regex(value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value);
  } catch (err) {
    throw new ConfigValidationError('invalid --grep', [
      { severity: 'error', path: '--grep', message: `not a regular expression: ${(err as Error).message}` },
    ]);
  }
}

export function register(program: Command): void {
  program
    .command('logs')
    .description("print lines from a results folder's aggregated.jsonl")
    .argument('<run-dir>', 'results folder of a run (or the aggregated.jsonl itself)')
    .option('--node <name>', 'only this node')
    .option('--component <name>', 'only this component (server, client, orchestrator, ...)')
    .option('--grep <regex>', 'only lines matching this regular expression')
    .option('--follow', 'keep printing new lines until interrupted')
    .action(async (runDir, opts) => {
      // `hpcbench logs RUN | head`: a closed pipe ends the command quietly.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      const filter: LogFilter = { node: opts.node, component: opts.component, grep: regex(opts.grep) };
      const file = findAggregatedLog(runDir);
      const follower = new FileFollower(file, (line) => {
        const r = parseRecord(line);
        if (r && matches(r, filter)) process.stdout.write(`${formatRecord(r)}\n`);
      });
      await follower.poll();
      if (!opts.follow) return follower.close();
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => void follower.poll(), 500);
        const done = () => {
          clearInterval(timer);
          resolve();
        };
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await follower.close();
    });
}
