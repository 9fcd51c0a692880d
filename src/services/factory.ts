/**
 * The seed's `ServiceFactory`: a registry of services, each with a server manager, a workload controller
 * and a workload executor class. The built-in services (dummy, ollama, vllm, llamacpp) are registered on
 * load; others register from a plugin module (see plugins.ts and docs/extending.md) with no core change.
 */
import type { WorkloadControllerOptions } from '../controller/types.js';
import { ConfigValidationError } from '../errors.js';
import type { WorkloadExecutorOptions } from '../executor/base-workload-executor.js';
import { TailerLogCollector } from '../logs/index.js';
import type { ServerManagerConfig, ServerManagerOptions } from './base/types.js';
import { DummyServerManager, DummyWorkloadController, DummyWorkloadExecutor } from './dummy/index.js';
import {
  LlamacppServerManager,
  LlamacppWorkloadController,
  LlamacppWorkloadExecutor,
} from './llamacpp/index.js';
import { OllamaServerManager, OllamaWorkloadController, OllamaWorkloadExecutor } from './ollama/index.js';
import type {
  LogCollectorClass,
  ServerManagerClass,
  ServiceExtras,
  ServiceRegistration,
  WorkloadControllerClass,
  WorkloadExecutorClass,
} from './registry-types.js';
import { VllmServerManager, VllmWorkloadController, VllmWorkloadExecutor } from './vllm/index.js';

const NAME = /^[a-z][a-z0-9_-]*$/;

// biome-ignore lint/complexity/noStaticOnlyClass: the seed's API is a class with class methods
export class ServiceFactory {
  private static readonly services = new Map<string, ServiceRegistration>();
  private static readonly logCollectors = new Map<string, LogCollectorClass>([
    ['tailer', TailerLogCollector],
  ]);

  /** Registers (or replaces) a service. */
  static registerService(
    name: string,
    serverClass: ServerManagerClass,
    controllerClass: WorkloadControllerClass,
    executorClass: WorkloadExecutorClass,
    extras: ServiceExtras = {},
  ): void {
    if (!NAME.test(name)) {
      throw new ConfigValidationError(
        `service name ${JSON.stringify(name)}: use lowercase letters, digits, - and _`,
      );
    }
    for (const [what, cls] of [
      ['server manager', serverClass],
      ['workload controller', controllerClass],
      ['workload executor', executorClass],
    ] as const) {
      if (typeof cls !== 'function')
        throw new ConfigValidationError(`service ${name}: the ${what} class is not a class`);
    }
    ServiceFactory.services.set(name, { name, serverClass, controllerClass, executorClass, ...extras });
  }

  /** Names of the registered services, sorted. */
  static listServices(): string[] {
    return [...ServiceFactory.services.keys()].sort();
  }

  static getService(name: string): ServiceRegistration {
    const reg = ServiceFactory.services.get(name);
    if (reg) return reg;
    throw new ConfigValidationError(
      `unknown service ${JSON.stringify(name)}; registered services: ${ServiceFactory.listServices().join(', ')}`,
      [
        {
          severity: 'error',
          path: 'workload.service',
          message: `allowed: ${ServiceFactory.listServices().join(', ')}`,
        },
      ],
      {
        hint: 'a service defined outside hpcbench is loaded with --plugin PATH or the recipe field `plugins`',
      },
    );
  }

  static createServerManager(name: string, config: ServerManagerConfig = {}, options?: ServerManagerOptions) {
    return new (ServiceFactory.getService(name).serverClass)(config, options);
  }

  static createWorkloadController(
    name: string,
    clientNodes: string[],
    port: number,
    timeout = 600,
    options?: WorkloadControllerOptions,
  ) {
    return new (ServiceFactory.getService(name).controllerClass)(clientNodes, port, timeout, options);
  }

  static createWorkloadExecutor(name: string, port = 5000, options?: WorkloadExecutorOptions) {
    return new (ServiceFactory.getService(name).executorClass)(port, options);
  }

  /** Registers a log collector kind (`tailer` is built in). */
  static registerLogCollector(name: string, cls: LogCollectorClass): void {
    ServiceFactory.logCollectors.set(name, cls);
  }

  /**
   * A log collector by kind (`tailer`) or by service name (the service's own collector when it registered
   * one, else the tailer). `config` is the collector's options (for the tailer: `{ outputDir, logging? }`).
   */
  static createLogCollector(name: string, config: unknown) {
    const cls: LogCollectorClass | undefined =
      ServiceFactory.logCollectors.get(name) ??
      ServiceFactory.services.get(name)?.logCollectorClass ??
      (ServiceFactory.services.has(name) ? TailerLogCollector : undefined);
    if (!cls) {
      throw new ConfigValidationError(
        `unknown log collector ${JSON.stringify(name)}; known: ${[...ServiceFactory.logCollectors.keys(), ...ServiceFactory.listServices()].join(', ')}`,
      );
    }
    return new cls(config);
  }
}

ServiceFactory.registerService('dummy', DummyServerManager, DummyWorkloadController, DummyWorkloadExecutor, {
  description: 'built-in simulated inference service (Ollama + OpenAI protocols)',
});
ServiceFactory.registerService(
  'ollama',
  OllamaServerManager,
  OllamaWorkloadController,
  OllamaWorkloadExecutor,
  {
    description: 'Ollama (native /api/generate, /api/chat)',
  },
);
ServiceFactory.registerService('vllm', VllmServerManager, VllmWorkloadController, VllmWorkloadExecutor, {
  description: 'vLLM (OpenAI-compatible API)',
});
ServiceFactory.registerService(
  'llamacpp',
  LlamacppServerManager,
  LlamacppWorkloadController,
  LlamacppWorkloadExecutor,
  {
    description: "llama.cpp's llama-server (OpenAI-compatible API)",
  },
);
