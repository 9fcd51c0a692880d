/**
 * Limits shared by the recipe validator and the executor's `POST /start` (one definition): what one
 * executor accepts (users, request rate, concurrency) and the bounds every recipe and start body keeps
 * (durations, token lengths, dataset size). The executor's flags (`--max-users`, `--max-rps`,
 * `--max-concurrency`, `--max-dataset-bytes`) can change its caps; the recipe validator uses the defaults.
 */

export interface ExecutorCaps {
  /** Closed loop: concurrent users (clients_per_node) on one executor. */
  maxUsers: number;
  /**
   * Open loop: requests/s one executor sends (its share of target_rps). The default, 20,000, is below what
   * one executor process measured on the cheapest request (docs/BENCHMARKS.md#loadgen: 22,605 req/s
   * non-streaming, 41 µs of CPU per request, so about 24,000/s on a whole core); a rate above it cannot be
   * sent as scheduled by any executor (docs/load-generation.md#rate-ceiling).
   */
  maxRps: number;
  /** Open loop: requests in flight on one executor (max_concurrency; without it, the bound it holds). */
  maxConcurrency: number;
  /** Bytes of one dataset file. */
  maxDatasetBytes: number;
}

export const DEFAULT_CAPS: Readonly<ExecutorCaps> = Object.freeze({
  maxUsers: 4096,
  maxRps: 20_000,
  maxConcurrency: 8192,
  // V8 cannot hold a string much longer than 512 MiB: larger files cannot be read as one text anyway
  maxDatasetBytes: 512 * 1024 * 1024,
});

/** The flag of `hpcbench executor` that changes each cap. */
export const CAP_FLAGS: Record<keyof ExecutorCaps, string> = {
  maxUsers: '--max-users',
  maxRps: '--max-rps',
  maxConcurrency: '--max-concurrency',
  maxDatasetBytes: '--max-dataset-bytes',
};

/** Longest duration (measurement, warmup, request timeout, window): 7 days, in seconds. */
export const MAX_DURATION_S = 7 * 86_400;
/** Largest token count of a prompt or a generation (fixed or a distribution's bound). */
export const MAX_TOKENS = 1_000_000;
/** Most benchmarks one recipe may expand to (suite entries × sweep points). */
export const MAX_BENCHMARKS = 10_000;
/** Most nodes of one role (servers, clients) and of a Slurm job. */
export const MAX_NODES = 4096;
/** Largest recipe file. */
export const MAX_RECIPE_BYTES = 4 * 1024 * 1024;
/** Deepest nesting of mappings and lists in a recipe (real recipes nest about 6 levels). */
export const MAX_RECIPE_DEPTH = 32;
/** Most alias expansions (`*name`) in a recipe: YAML "billion laughs" documents are refused. */
export const MAX_RECIPE_ALIASES = 1000;

export interface CapViolation {
  /** The workload field over the cap. */
  field: 'clients_per_node' | 'target_rps' | 'max_concurrency';
  message: string;
}

/** What one executor is asked to do, as far as the caps go. */
export interface CappedLoad {
  clients_per_node?: number;
  target_rps?: number;
  max_concurrency?: number;
  /** Executors sharing target_rps (each sends target_rps / executor_count). */
  executor_count?: number;
}

/** A rate or count for a message: grouped thousands, at most 3 decimals. */
const count = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 3 });

/** Every cap one executor's share of a workload exceeds (empty when within them). */
export function capViolations(load: CappedLoad, caps: ExecutorCaps = DEFAULT_CAPS): CapViolation[] {
  const out: CapViolation[] = [];
  const users = load.clients_per_node;
  if (users !== undefined && users > caps.maxUsers)
    out.push({
      field: 'clients_per_node',
      message: `${users} users per executor is above the cap of ${caps.maxUsers} (executor ${CAP_FLAGS.maxUsers})`,
    });
  if (load.target_rps !== undefined) {
    const n = Math.max(1, load.executor_count ?? 1);
    const share = load.target_rps / n;
    if (share > caps.maxRps) {
      const of = n > 1 ? ` (${count(load.target_rps)} req/s over ${n} executors)` : '';
      out.push({
        field: 'target_rps',
        message: `${count(share)} req/s per executor${of} is above the ceiling of ${count(caps.maxRps)} req/s one executor sends (executor ${CAP_FLAGS.maxRps}; basis: docs/load-generation.md#rate-ceiling): with ${n} executor${n > 1 ? 's' : ''} (one per client node) at most ${count(caps.maxRps * n)} req/s fits`,
      });
    }
  }
  const conc = load.max_concurrency;
  if (conc !== undefined && conc > caps.maxConcurrency)
    out.push({
      field: 'max_concurrency',
      message: `max_concurrency ${conc} is above the cap of ${caps.maxConcurrency} requests in flight per executor (executor ${CAP_FLAGS.maxConcurrency})`,
    });
  return out;
}
