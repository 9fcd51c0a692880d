/**
 * Children of a local run are detached (a terminal's Ctrl-C must reach only hpcbench, which then stops
 * the workload and collects what was measured), so they would outlive an hpcbench that is killed with
 * SIGKILL. A small shell watchdog, started before the first child, polls for this process once a second
 * and, when it is gone, stops the process groups listed in its PID file (one PID a line, appended by
 * `register` as each child is spawned): TERM, then KILL after 5 s. A normal teardown kills it first.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';

const SCRIPT = [
  'p=$1; f=$2',
  'while kill -0 "$p" 2>/dev/null; do sleep 1; done',
  'for g in $(cat "$f" 2>/dev/null); do kill -TERM -"$g" 2>/dev/null || kill -TERM "$g" 2>/dev/null; done',
  'sleep 5',
  'for g in $(cat "$f" 2>/dev/null); do kill -KILL -"$g" 2>/dev/null || kill -KILL "$g" 2>/dev/null; done',
].join('\n');

export interface Watchdog {
  pid?: number;
  /** Adds a child (its process group) to what the watchdog stops; call right after spawning it. */
  register(pid: number | undefined): void;
  stop(): void;
}

/** Starts the watchdog over the PIDs in `pidFile` (created empty here). */
export function startOrphanWatchdog(pidFile: string, parent = process.pid): Watchdog {
  writeFileSync(pidFile, '');
  const child = spawn('/bin/sh', ['-c', SCRIPT, 'hpcbench-watchdog', String(parent), pidFile], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
  return {
    pid: child.pid,
    register(pid) {
      if (pid !== undefined) appendFileSync(pidFile, `${pid}\n`);
    },
    stop() {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
