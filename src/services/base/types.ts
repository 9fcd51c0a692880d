/** Configuration shapes a server manager receives (the recipe's `servers` section, snake_case). */
export interface HealthCheckConfig {
  enabled?: boolean;
  /** Seconds (or a duration such as '5m') to wait for readiness. Default 60. */
  timeout?: number | string;
  /** Seconds between polls. Default 5. */
  interval?: number | string;
  /** Health path overriding the service's default (e.g. `/api/tags`). */
  endpoint?: string;
}

export interface ServerManagerConfig {
  health_check?: HealthCheckConfig;
  service_config?: Record<string, unknown>;
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
  /** Called for every progress line while preparing (e.g. pulling a model). */
  onProgress?: (progress: PrepareProgress) => void;
  /** Timeout (seconds) for one health probe; default min(interval, 10) but at least 1. */
  probeTimeout?: number;
}
