/**
 * Children of a local run are detached (a terminal's Ctrl-C must reach only hpcbench, which then stops
 * the workload and collects what was measured), so they would outlive an hpcbench that is killed with
 * SIGKILL. A small shell watchdog polls for this process once a second and, when it is gone, stops the
 * children's process groups (TERM, then KILL after 5 s). A normal teardown kills the watchdog first.
 */
import { spawn } from 'node:child_process';

const SCRIPT = [
  'p=$1; shift',
  'while kill -0 "$p" 2>/dev/null; do sleep 1; done',
  'for g in "$@"; do kill -TERM -"$g" 2>/dev/null || kill -TERM "$g" 2>/dev/null; done',
  'sleep 5',
  'for g in "$@"; do kill -KILL -"$g" 2>/dev/null || kill -KILL "$g" 2>/dev/null; done',
].join('\n');

export interface Watchdog {
  pid?: number;
  stop(): void;
}

export function startOrphanWatchdog(pids: number[], parent = process.pid): Watchdog {
  const child = spawn('/bin/sh', ['-c', SCRIPT, 'hpcbench-watchdog', String(parent), ...pids.map(String)], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
  return {
    pid: child.pid,
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
