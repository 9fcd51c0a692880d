/**
 * `hpcbench logs RUN_DIR`: print (and optionally follow) a run's logs, filtered, sorted by event time with
 * one timestamp per line: logs/aggregated.jsonl, or the per-component log files when the run has no
 * aggregated log (e.g. attach mode). See src/logs/run-logs.ts and docs/logs.md.
 */
import type { Command } from '@commander-js/extra-typings';
import { ConfigValidationError } from '../errors.js';
import { FileFollower } from '../logs/file-follower.js';
import { type LogFilter, matches, parseRecord } from '../logs/read-aggregated.js';
import { findRunLogs, formatLine, fromPlain, fromRecord, type LogLine, sortLines } from '../logs/run-logs.js';

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
    .description("print a results folder's logs, sorted by event time (aggregated.jsonl or logs/*.log)")
    .argument('<run-dir>', 'results folder of a run (or one log file)')
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
      let batch: LogLine[] = [];
      const followers = findRunLogs(runDir).map((file) => {
        const last = { ms: Number.NaN };
        return new FileFollower(file.path, (line) => {
          if (file.kind === 'jsonl') {
            const r = parseRecord(line);
            if (r) batch.push(fromRecord(r));
          } else if (line.trim()) batch.push(fromPlain(file, line, last));
        });
      });
      // Each poll prints what every file added, sorted by event time.
      const poll = async () => {
        for (const f of followers) await f.poll();
        const lines = sortLines(batch.filter((l) => matches(l, filter)));
        batch = [];
        if (lines.length) process.stdout.write(`${lines.map(formatLine).join('\n')}\n`);
      };
      await poll();
      if (opts.follow)
        await new Promise<void>((resolve) => {
          const timer = setInterval(() => void poll(), 500);
          const done = () => {
            clearInterval(timer);
            resolve();
          };
          process.once('SIGINT', done);
          process.once('SIGTERM', done);
        });
      for (const f of followers) await f.close();
    });
}
