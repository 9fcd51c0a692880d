/**
 * The one exit-code table of hpcbench. `run`, `orchestrate`, `slurm-job` and `submit --wait` exit with
 * these codes, and run.json's `exit_code` is the code the process exits with (docs/errors.md).
 */
export const EXIT_CODES = {
  /** Every benchmark completed. */
  success: 0,
  /** The run failed: a benchmark failed (no request succeeded, server unreachable) or was skipped, or an E00x error. */
  failure: 1,
  /** An internal error (a bug): one line on stderr and the path of a log holding the stack. */
  internal: 2,
  /** Completed, but a benchmark was degraded (error rate above its limit, or an executor lost). */
  degraded: 3,
  /** Completed, but a recipe threshold failed. */
  thresholds: 99,
  /** Interrupted by SIGINT (Ctrl-C): 128 + 2. */
  sigint: 130,
  /** Interrupted by SIGTERM (Slurm's scancel / time limit, kill): 128 + 15. */
  sigterm: 143,
} as const;

export type ExitName = keyof typeof EXIT_CODES;

/** The exit code of a run interrupted by `signal` (SIGINT when unknown, e.g. a programmatic abort). */
export function signalExitCode(signal?: string): number {
  return signal === 'SIGTERM' ? EXIT_CODES.sigterm : EXIT_CODES.sigint;
}

/** A run's final status (run.json `status`) as an exit code. */
export function exitCodeForStatus(
  status: string,
  opts: { signal?: string; internal?: boolean } = {},
): number {
  switch (status) {
    case 'completed':
      return EXIT_CODES.success;
    case 'degraded':
      return EXIT_CODES.degraded;
    case 'interrupted':
      return signalExitCode(opts.signal);
    default:
      return opts.internal ? EXIT_CODES.internal : EXIT_CODES.failure;
  }
}
