/**
 * Ctrl-C / SIGTERM for a foreground run: the first signal aborts the run (the workload stops, what was
 * measured is kept and written); a second one exits at once (children are killed by the exit hook).
 * The abort reason carries `exitCode` (130 / 143), which the orchestrator records in run.json.
 */
import { signalExitCode } from '../../exit-codes.js';

/** After an interrupted run has written its results, the process exits at most this much later. */
export const EXIT_AFTER_MS = 1000;

export interface SignalScope {
  signal: AbortSignal;
  /** The signal received, if any. */
  received?: NodeJS.Signals;
  /** 130 for SIGINT, 143 for SIGTERM (128 + signal number). */
  exitCode(): number;
  dispose(): void;
}

export function interruptOnSignals(onFirst?: (sig: NodeJS.Signals) => void): SignalScope {
  const ctrl = new AbortController();
  const scope: SignalScope = {
    signal: ctrl.signal,
    exitCode: () => signalExitCode(scope.received),
    dispose: () => {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
      // interrupted: results are written and children stopped; whatever still holds the event loop
      // (a probe, a socket) must not keep the process alive
      if (scope.received)
        setTimeout(() => process.exit(process.exitCode ?? scope.exitCode()), EXIT_AFTER_MS).unref();
    },
  };
  const handler = (sig: NodeJS.Signals) => {
    if (scope.received) {
      process.stderr.write(`${sig} again: exiting now\n`);
      process.exit(scope.exitCode());
    }
    scope.received = sig;
    onFirst?.(sig);
    ctrl.abort(Object.assign(new Error(`${sig} received`), { exitCode: scope.exitCode(), signal: sig }));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return scope;
}
