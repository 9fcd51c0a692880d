/**
 * The seed's `BaseServerManager`: waits for inference servers to be healthy (E001), makes the model ready
 * (E003), applies the service's config defaults. The default port, health path and metrics path are the
 * service's capabilities (its registration's, passed by `ServiceFactory.createServerManager`, or the
 * class's static `capabilities`). Subclasses give the name, `parseServiceConfig` and `prepareOne`. As in the seed, `verifyHealth` and
 * `prepareService` resolve to true or false; the reason for a false is `lastFailure`, and
 * `healthFailure` / `preparationFailure` return it directly (undefined when all is well).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceCapabilities } from '../../contracts/index.js';
import { ConfigValidationError, ServerHealthError, ServicePreparationError } from '../../errors.js';
import { parseDuration } from '../../util/duration.js';
import { endpointUrl, joinUrl } from '../../util/endpoint.js';
import { httpText } from '../../util/http.js';
import type {
  PrepareProgress,
  ResolvedHealthCheck,
  ServerManagerConfig,
  ServerManagerOptions,
  WaitProgress,
} from './types.js';

function seconds(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const s = parseDuration(value);
  if (s === undefined) {
    throw new ConfigValidationError(
      `servers.health_check.${field}: expected a duration, got ${JSON.stringify(value)}`,
      [
        {
          severity: 'error',
          path: `servers.health_check.${field}`,
          message: 'expected a number of seconds or a duration such as 30s',
        },
      ],
    );
  }
  return s;
}

export abstract class BaseServerManager {
  /** What the service declares (port, health and metrics paths, APIs). */
  readonly capabilities: ServiceCapabilities;
  readonly config: ServerManagerConfig;
  readonly healthCheck: ResolvedHealthCheck;
  readonly serviceConfig: Record<string, unknown>;
  onProgress?: (progress: PrepareProgress) => void;
  onWait?: (wait: WaitProgress) => void;
  signal?: AbortSignal;
  /** Why the last `verifyHealth` or `prepareService` returned false (E001 / E003); undefined after true. */
  lastFailure?: ServerHealthError | ServicePreparationError;
  protected readonly probeTimeout: number;

  constructor(config: ServerManagerConfig = {}, options: ServerManagerOptions = {}) {
    const own = (this.constructor as { capabilities?: ServiceCapabilities }).capabilities;
    const capabilities = options.capabilities ?? own;
    if (!capabilities)
      throw new ConfigValidationError(
        `server manager ${this.constructor.name}: no service capabilities; create it with ServiceFactory.createServerManager(name) or pass options.capabilities`,
      );
    this.capabilities = capabilities;
    this.config = config;
    const hc = config.health_check ?? {};
    this.healthCheck = {
      enabled: hc.enabled ?? true,
      timeout: seconds(hc.timeout, 'timeout', 60),
      interval: Math.max(0.05, seconds(hc.interval, 'interval', 5)),
      endpoint: hc.endpoint,
    };
    this.serviceConfig = this.parseServiceConfig(config);
    this.onProgress = options.onProgress;
    this.onWait = options.onWait;
    this.signal = options.signal;
    this.probeTimeout = options.probeTimeout ?? Math.max(1, Math.min(this.healthCheck.interval, 10));
  }

  /** The service name (`ollama`, `vllm`, ...), for messages. */
  abstract getServiceName(): string;
  /** The port used when an endpoint gives none (capabilities.default_port). */
  getDefaultPort(): number {
    return this.capabilities.default_port;
  }
  /** The service's own health path, e.g. `/api/tags`, `/health` (capabilities.health_path). */
  getDefaultHealthPath(): string {
    return this.capabilities.health_path;
  }
  /** Service config with the service's defaults applied. */
  abstract parseServiceConfig(config: ServerManagerConfig): Record<string, unknown>;
  /** Makes the model ready on one server (throws with a reason when it cannot). */
  protected abstract prepareOne(baseUrl: string, model: string | undefined, deadline: number): Promise<void>;

  /** The health path in use: the recipe's `health_check.endpoint`, else the service's default. */
  getHealthCheckEndpoint(): string {
    return this.healthCheck.endpoint ?? this.getDefaultHealthPath();
  }

  /** Path of the server's Prometheus metrics (capabilities.metrics_path); undefined when it has none. */
  getMetricsPath(): string | undefined {
    return this.capabilities.metrics_path;
  }

  /** Path of the server's own per-request record, when it keeps one (the simulated service). */
  getGroundTruthPath(): string | undefined {
    return undefined;
  }

  /** Base URL (`http://host:port`) of an endpoint given as `host:port`, `host` or a URL. */
  baseUrl(endpoint: string): string {
    return endpointUrl(endpoint, this.getDefaultPort());
  }

  /** The model to prepare: `service_config.model`, else the config's `model`. */
  get model(): string | undefined {
    const m = this.serviceConfig.model ?? this.config.model;
    return typeof m === 'string' && m ? m : undefined;
  }

  /** One probe: resolves when the endpoint answers 2xx, else throws with the reason. */
  protected async probe(baseUrl: string, timeout: number): Promise<void> {
    const res = await httpText(joinUrl(baseUrl, this.getHealthCheckEndpoint()), { timeout });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 120).trim()}` : ''}`);
    }
  }

  /** True when every endpoint became healthy within `timeout` seconds; else false, reason in `lastFailure`. */
  async verifyHealth(endpoints: string[], timeout = this.healthCheck.timeout): Promise<boolean> {
    this.lastFailure = await this.healthFailure(endpoints, timeout);
    return this.lastFailure === undefined;
  }

  /**
   * Polls every endpoint's health path every `health_check.interval` seconds until all answer 2xx or
   * `timeout` seconds pass. Resolves to undefined, or to the E001 naming each endpoint that never became
   * healthy with its last error.
   */
  async healthFailure(
    endpoints: string[],
    timeout = this.healthCheck.timeout,
  ): Promise<ServerHealthError | undefined> {
    if (!this.healthCheck.enabled) return undefined;
    const t0 = Date.now();
    const deadline = t0 + timeout * 1000;
    const pending = new Map<string, string>(endpoints.map((e) => [e, 'not checked']));
    for (;;) {
      if (this.signal?.aborted) return undefined;
      const round = Date.now();
      await Promise.all(
        [...pending.keys()].map(async (endpoint) => {
          const left = Math.max(0.05, (deadline - Date.now()) / 1000);
          try {
            await this.probe(this.baseUrl(endpoint), Math.min(this.probeTimeout, left));
            pending.delete(endpoint);
          } catch (err) {
            pending.set(endpoint, err instanceof Error ? err.message : String(err));
          }
        }),
      );
      if (pending.size === 0) return undefined;
      this.onWait?.({
        step: 'health',
        what: `${this.getServiceName()} health (${this.getHealthCheckEndpoint()})`,
        pending: [...pending].map(([endpoint, lastError]) => ({ endpoint, lastError })),
        elapsedS: (Date.now() - t0) / 1000,
        timeoutS: timeout,
      });
      const next = round + this.healthCheck.interval * 1000;
      if (next >= deadline) break;
      await sleep(Math.max(0, next - Date.now()), undefined, { signal: this.signal }).catch(() => undefined);
    }
    const failing = [...pending].map(([e, why]) => `${e} (${this.getHealthCheckEndpoint()}: ${why})`);
    return new ServerHealthError(
      `${this.getServiceName()} server${failing.length > 1 ? 's' : ''} not healthy after ${timeout}s: ${failing.join('; ')}`,
      {
        hint: 'check that the server is running and reachable from this node, or raise servers.health_check.timeout',
      },
    );
  }

  /** True when the model is ready on every endpoint; else false, reason in `lastFailure`. */
  async prepareService(endpoints: string[], timeout = this.healthCheck.timeout): Promise<boolean> {
    this.lastFailure = await this.preparationFailure(endpoints, timeout);
    return this.lastFailure === undefined;
  }

  /**
   * Makes the model ready on every endpoint: undefined, or the E003 naming each endpoint that failed and
   * why. While it runs, `onWait` hears every `health_check.interval` seconds (at most 5) which endpoints are
   * still preparing, with their last progress line or error; the run's signal ends it at once (undefined).
   */
  async preparationFailure(
    endpoints: string[],
    timeout = this.healthCheck.timeout,
  ): Promise<ServicePreparationError | undefined> {
    const t0 = Date.now();
    const deadline = t0 + timeout * 1000;
    const model = this.model;
    const failures: string[] = [];
    const pending = new Map<string, string>(endpoints.map((e) => [e, 'waiting for the first answer']));
    const byUrl = new Map(endpoints.map((e) => [this.baseUrl(e), e]));
    const report = this.onProgress;
    this.onProgress = (p) => {
      const e = byUrl.get(p.endpoint) ?? p.endpoint;
      if (pending.has(e))
        pending.set(
          e,
          p.total && p.completed !== undefined
            ? `${p.status} ${Math.round((100 * p.completed) / p.total)}%`
            : p.status,
        );
      report?.(p);
    };
    const tick = setInterval(
      () =>
        pending.size &&
        this.onWait?.({
          step: 'prepare',
          what: `${this.getServiceName()} model ${model ?? '(none)'} ready (prepare)`,
          pending: [...pending].map(([endpoint, lastError]) => ({ endpoint, lastError })),
          elapsedS: (Date.now() - t0) / 1000,
          timeoutS: timeout,
        }),
      Math.min(this.healthCheck.interval, 5) * 1000,
    );
    const all = Promise.all(
      endpoints.map(async (endpoint) => {
        try {
          await this.prepareOne(this.baseUrl(endpoint), model, deadline);
        } catch (err) {
          failures.push(`${endpoint}: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          pending.delete(endpoint);
        }
      }),
    );
    try {
      await Promise.race([all, aborted(this.signal)]);
    } finally {
      clearInterval(tick);
      this.onProgress = report;
    }
    if (this.signal?.aborted) return undefined;
    if (failures.length === 0) return undefined;
    return new ServicePreparationError(
      `${this.getServiceName()}: could not prepare model ${model ?? '(none)'}: ${failures.join('; ')}`,
    );
  }

  protected progress(p: PrepareProgress): void {
    this.onProgress?.(p);
  }
}

/** Resolves when `signal` aborts (never without one). */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * A signal for one preparation request: aborts when `deadline` (epoch ms) passes or when `run` (the run's
 * signal) aborts.
 */
export function requestSignal(deadline: number, run?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(secondsLeft(deadline) * 1000);
  return run ? AbortSignal.any([timeout, run]) : timeout;
}

/** Seconds left until `deadline` (epoch ms), at least 50 ms. */
export function secondsLeft(deadline: number): number {
  return Math.max(0.05, (deadline - Date.now()) / 1000);
}
