/**
 * Children of a local run are detached (a terminal's Ctrl-C must reach only hpcbench, which then stops
 * the workload and collects what was measured), so they would outlive an hpcbench that is killed with
 * SIGKILL. A small shell watchdog, started before the first child, polls for this process once a second
 * and, when it is gone, stops the process groups listed in its PID file (one PID a line, appended by
 * `register` as each child is spawned) and every process whose environment holds this watchdog's tag
 * (`HPCBENCH_WATCH=<tag>`, which `childEnv` puts in each child's environment): TERM, then KILL after 5 s.
 * The tag covers a child that hpcbench was killed while spawning: spawn() forks before it returns the
 * PID, so such a child never reaches the PID file. A normal teardown kills the watchdog first.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';

export const WATCH_ENV = 'HPCBENCH_WATCH';

const SCRIPT = [
  'p=$1; f=$2; t=$3',
  'while kill -0 "$p" 2>/dev/null; do sleep 1; done',
  // PIDs of the processes whose environment holds the tag (NUL-separated /proc/PID/environ)
  `tagged() { for d in /proc/[0-9]*; do tr '\\0' '\\n' <"$d/environ" 2>/dev/null | grep -qx "${WATCH_ENV}=$t" && echo "\${d#/proc/}"; done; }`,
  'for g in $(cat "$f" 2>/dev/null) $(tagged); do kill -TERM -"$g" 2>/dev/null || kill -TERM "$g" 2>/dev/null; done',
  'sleep 5',
  'for g in $(cat "$f" 2>/dev/null) $(tagged); do kill -KILL -"$g" 2>/dev/null || kill -KILL "$g" 2>/dev/null; done',
].join('\n');

export interface Watchdog {
  pid?: number;
  /** Environment entries every child must get (the tag the watchdog finds it by). */
  childEnv: Record<string, string>;
  /** Adds a child (its process group) to what the watchdog stops; call right after spawning it. */
  register(pid: number | undefined): void;
  stop(): void;
}

/** Starts the watchdog over the PIDs in `pidFile` (created empty here). */
export function startOrphanWatchdog(pidFile: string, parent = process.pid): Watchdog {
  writeFileSync(pidFile, '');
  const tag = randomBytes(12).toString('hex');
  const child = spawn('/bin/sh', ['-c', SCRIPT, 'hpcbench-watchdog', String(parent), pidFile, tag], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
  return {
    pid: child.pid,
    childEnv: { [WATCH_ENV]: tag },
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
