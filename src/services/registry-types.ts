/** Constructor types of the classes a service registers with the `ServiceFactory`. */
import type { ServiceCapabilities } from '../contracts/index.js';
import type { BaseWorkloadController } from '../controller/base-workload-controller.js';
import type { WorkloadControllerOptions } from '../controller/types.js';
import type { BaseWorkloadExecutor, WorkloadExecutorOptions } from '../executor/base-workload-executor.js';
import type { BaseLogCollector } from '../logs/index.js';
import type { BaseServerManager } from './base/base-server-manager.js';
import type { ServerManagerConfig, ServerManagerOptions } from './base/types.js';

export type ServerManagerClass = new (
  config: ServerManagerConfig,
  options?: ServerManagerOptions,
) => BaseServerManager;
export type WorkloadControllerClass = new (
  clientNodes: string[],
  port: number,
  timeout?: number,
  options?: WorkloadControllerOptions,
) => BaseWorkloadController;
export type WorkloadExecutorClass = new (
  port?: number,
  options?: WorkloadExecutorOptions,
) => BaseWorkloadExecutor;

/** A log collector class (the seed's deploy / startCollection / isReady / stopCollection). */
// biome-ignore lint/suspicious/noExplicitAny: each collector takes its own config shape
export type LogCollectorClass = new (config: any) => BaseLogCollector;

/** What a service registers besides its three classes: its capabilities (required) and optional extras. */
export interface ServiceExtras {
  /** The APIs it speaks, its default API, chat protocol, default port, health and metrics paths. */
  capabilities: ServiceCapabilities;
  description?: string;
  /** Log collector used by `createLogCollector(<service name>, ...)`. */
  logCollectorClass?: LogCollectorClass;
  /** Where the registration came from (a plugin path), for listings. */
  origin?: string;
}

export interface ServiceRegistration extends ServiceExtras {
  name: string;
  serverClass: ServerManagerClass;
  controllerClass: WorkloadControllerClass;
  executorClass: WorkloadExecutorClass;
}
