/** Configuration shapes a server manager receives (the recipe's `servers` section, snake_case). */
import type { ServiceCapabilities, Wait } from '../../contracts/index.js';

export interface HealthCheckConfig {
  enabled?: boolean;
  /** Seconds (or a duration such as '5m') to wait for readiness. Default 60. */
  timeout?: number | string;
  /** Seconds between polls. Default 5. */
  interval?: number | string;
  /** Health path overriding the service's default (e.g. `/api/tags`). */
  endpoint?: string;
}

/** The seed's `RayConfig` (`service_config.distributed.ray`); `port` (the GCS port, 6379) is hpcbench's. */
export interface RayConfig {
  dashboard_port?: number;
  object_manager_port?: number;
  node_manager_port?: number;
  num_cpus_per_node?: number;
  num_gpus_per_node?: number;
  port?: number;
}

/** The seed's `DistributedConfig` (`service_config.distributed`, vLLM over Ray). */
export interface DistributedConfig {
  enabled?: boolean;
  /** `ray` (the only backend). */
  backend?: string;
  tensor_parallel_size?: number;
  pipeline_parallel_size?: number;
  ray?: RayConfig;
}

/** The seed's `ServiceConfig` (`servers.service_config`): its two named keys plus each service's own. */
export interface ServiceConfig {
  gpu_layers?: number;
  distributed?: DistributedConfig;
  [key: string]: unknown;
}

export interface ServerManagerConfig {
  health_check?: HealthCheckConfig;
  service_config?: ServiceConfig;
  /** The model to prepare; `service_config.model` wins when both are set. */
  model?: string;
  [key: string]: unknown;
}

/** Health check settings with defaults applied (seconds). */
export interface ResolvedHealthCheck {
  enabled: boolean;
  timeout: number;
  interval: number;
  endpoint?: string;
}

/** Progress of a model download (Ollama `/api/pull`) or another preparation step. */
export interface PrepareProgress {
  endpoint: string;
  model: string;
  status: string;
  total?: number;
  completed?: number;
}

export interface ServerManagerOptions {
  /** What the service declares; `ServiceFactory.createServerManager` passes the registration's. */
  capabilities?: ServiceCapabilities;
  /** Called for every progress line while preparing (e.g. pulling a model). */
  onProgress?: (progress: PrepareProgress) => void;
  /** Timeout (seconds) for one health probe; default min(interval, 10) but at least 1. */
  probeTimeout?: number;
  /** Called after every health round that left endpoints unhealthy: what is awaited, last error, elapsed. */
  onWait?: (wait: WaitProgress) => void;
  /**
   * Ends the health and prepare waits early (the run was interrupted): they resolve at once, and a model
   * pull in progress is aborted (its connection closed).
   */
  signal?: AbortSignal;
}

/** A wait in progress (health): each endpoint still awaited with its last error. */
export interface WaitProgress extends Wait {
  /** The wait: servers becoming healthy, or the model being made ready on them (prepare). */
  step: 'health' | 'prepare';
}
