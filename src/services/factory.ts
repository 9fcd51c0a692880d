/**
 * The seed's `ServiceFactory`: a registry of services, each with a server manager, a workload controller
 * and a workload executor class, and its capabilities (the APIs it speaks, its default API, chat protocol,
 * default port, health and metrics paths: src/contracts/service.ts). The built-in services (dummy, ollama,
 * vllm, llamacpp) are registered on load; others register from a plugin module (see plugins.ts and
 * docs/extending.md) with no core change. Validation, the server managers and the executors read a
 * service's capabilities from here.
 */
import { parseCapabilities, type ServiceCapabilities } from '../contracts/index.js';
import type { WorkloadControllerOptions } from '../controller/types.js';
import { ConfigValidationError } from '../errors.js';
import type { WorkloadExecutorOptions } from '../executor/base-workload-executor.js';
import { TailerLogCollector } from '../logs/index.js';
import type { ServerManagerConfig, ServerManagerOptions } from './base/types.js';
import {
  DUMMY_CAPABILITIES,
  DummyServerManager,
  DummyWorkloadController,
  DummyWorkloadExecutor,
} from './dummy/index.js';
import {
  LLAMACPP_CAPABILITIES,
  LlamacppServerManager,
  LlamacppWorkloadController,
  LlamacppWorkloadExecutor,
} from './llamacpp/index.js';
import {
  OLLAMA_CAPABILITIES,
  OllamaServerManager,
  OllamaWorkloadController,
  OllamaWorkloadExecutor,
} from './ollama/index.js';
import type {
  LogCollectorClass,
  ServerManagerClass,
  ServiceExtras,
  ServiceRegistration,
  WorkloadControllerClass,
  WorkloadExecutorClass,
} from './registry-types.js';
import {
  VLLM_CAPABILITIES,
  VllmServerManager,
  VllmWorkloadController,
  VllmWorkloadExecutor,
} from './vllm/index.js';

const NAME = /^[a-z][a-z0-9_-]*$/;
/** What a server manager class must define (BaseServerManager's abstract methods). */
const SERVER_METHODS = ['getServiceName', 'parseServiceConfig', 'prepareOne'] as const;

// biome-ignore lint/complexity/noStaticOnlyClass: the seed's API is a class with class methods
export class ServiceFactory {
  private static readonly services = new Map<string, ServiceRegistration>();
  private static readonly logCollectors = new Map<string, LogCollectorClass>([
    ['tailer', TailerLogCollector],
  ]);

  /**
   * Registers (or replaces) a service. `extras.capabilities` is required; a missing or invalid one is
   * E006 naming the field (`service acme: capabilities.default_api: ...`).
   */
  static registerService(
    name: string,
    serverClass: ServerManagerClass,
    controllerClass: WorkloadControllerClass,
    executorClass: WorkloadExecutorClass,
    extras: ServiceExtras,
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
    const missing = SERVER_METHODS.filter(
      (m) => typeof (serverClass.prototype as Record<string, unknown>)[m] !== 'function',
    );
    if (missing.length)
      throw new ConfigValidationError(
        `service ${name}: the server manager class ${serverClass.name || '(anonymous)'} does not implement ${missing.join(', ')}`,
        [],
        {
          hint: 'a server manager extends BaseServerManager (or OpenAiServerManager / OllamaServerManager) and defines getServiceName() and parseServiceConfig(config) (and prepareOne when it extends BaseServerManager): see docs/extending.md',
        },
      );
    const caps = parseCapabilities((extras as Partial<ServiceExtras> | undefined)?.capabilities);
    if (!caps.ok)
      throw new ConfigValidationError(`service ${name}: ${caps.error}`, [], {
        hint: 'registerService(name, server, controller, executor, { capabilities: {apis, default_api, protocol, default_port, health_path} }): see docs/extending.md',
      });
    ServiceFactory.services.set(name, {
      name,
      serverClass,
      controllerClass,
      executorClass,
      ...extras,
      capabilities: caps.capabilities,
    });
  }

  /** What a registered service declares (E006 for an unknown name). */
  static getCapabilities(name: string): ServiceCapabilities {
    return ServiceFactory.getService(name).capabilities;
  }

  /** Whether the service's executor implements the per-user hook (`runBenchmark`): it runs closed loop only. */
  static hasPerUserHook(name: string): boolean {
    return typeof ServiceFactory.getService(name).executorClass.prototype.runBenchmark === 'function';
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
    const reg = ServiceFactory.getService(name);
    return new reg.serverClass(config, { capabilities: reg.capabilities, ...options });
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
    const reg = ServiceFactory.getService(name);
    return new reg.executorClass(port, { capabilities: reg.capabilities, ...options });
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
  capabilities: DUMMY_CAPABILITIES,
  description: 'built-in simulated inference service (Ollama + OpenAI protocols)',
});
ServiceFactory.registerService(
  'ollama',
  OllamaServerManager,
  OllamaWorkloadController,
  OllamaWorkloadExecutor,
  { capabilities: OLLAMA_CAPABILITIES, description: 'Ollama (native /api/generate, /api/chat)' },
);
ServiceFactory.registerService('vllm', VllmServerManager, VllmWorkloadController, VllmWorkloadExecutor, {
  capabilities: VLLM_CAPABILITIES,
  description: 'vLLM (OpenAI-compatible API)',
});
ServiceFactory.registerService(
  'llamacpp',
  LlamacppServerManager,
  LlamacppWorkloadController,
  LlamacppWorkloadExecutor,
  { capabilities: LLAMACPP_CAPABILITIES, description: "llama.cpp's llama-server (OpenAI-compatible API)" },
);
