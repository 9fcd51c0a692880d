/**
 * What the orchestrator needs from a recipe, in one place: the scenario, the service and its server
 * manager config, the benchmarks (one `WorkloadSpec` each, without the per-run fields the orchestrator
 * fills in: server URLs and records paths), monitoring and logging settings, and the resolved recipe
 * for the results folder. `planFromRecipe` builds it from a recipe file or object (src/recipe).
 */
import type { WorkloadSpec } from '../contracts/index.js';
import type { SearchSettings } from '../decide/search.js';
import type { LoggingSettings } from '../logs/index.js';
import type { ServerManagerConfig } from '../services/base/types.js';

/** One benchmark to run: its name and the workload every executor gets. */
export interface BenchmarkPlanLike {
  name: string;
  spec: Omit<WorkloadSpec, 'server_url'> & { server_url?: string };
  /** Threshold conditions evaluated on the benchmark's figures (src/decide/); a failing one: exit 99. */
  thresholds?: readonly string[];
}

export interface RunPlan {
  scenario: string;
  service: string;
  /** `servers` section for the server manager: health_check, service_config, model. */
  serverConfig: ServerManagerConfig;
  benchmarks: BenchmarkPlanLike[];
  /**
   * `workload.search`: a capacity search instead of `benchmarks` (which is then empty): the strategy's
   * settings and the template its probes are made from (src/orchestrator/search-runner.ts).
   */
  search?: { settings: SearchSettings; base: BenchmarkPlanLike };
  /** The recipe with defaults filled in (written to recipe.resolved.json). */
  resolved: unknown;
  /** Path of the recipe file as given, copied verbatim into the results folder. */
  recipeFile?: string;
  /** Client node count the recipe asks for (`orchestration.node_allocation.clients.nodes`). */
  clientNodes?: number;
  serverNodes?: number;
  distributionStrategy?: WorkloadSpec['distribution_strategy'];
  /** `target_mapping` for `static`: executor groups → server URLs / node names (src/orchestrator/target-mapping.ts). */
  targetMapping?: { client_group: string; server_endpoints: string[] }[];
  /** `orchestration.mode` (`local`, `slurm`). */
  mode?: string;
  /** `orchestration.on_failure`: after a failed benchmark, run the next one (default) or skip the rest. */
  onFailure?: 'continue' | 'stop';
  /** How the local launcher gets servers: attach to `endpoints`, run `command` ({port}), else the simulator. */
  servers?: { endpoints?: string[]; command?: string; port?: number };
  /** Service plugin modules to load (executors get them as --plugin). */
  plugins?: string[];
  monitoring?: {
    enabled?: boolean;
    interval?: number;
    pushgateway?: string;
    /** Seconds between Pushgateway pushes. */
    pushInterval?: number;
    keepGroups?: boolean;
  };
  logging?: LoggingSettings;
  /** `reporting`: which run-level files are written and the base folder of results folders. */
  reporting?: { formats: string[]; outputDirectory?: string };
  /** Recipe warnings (unknown keys, plausibility), shown as `warning` events. */
  warnings?: string[];
}
