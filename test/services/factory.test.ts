import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BaseWorkloadController } from '../../src/controller/base-workload-controller.js';
import { ConfigValidationError } from '../../src/errors.js';
import { BaseWorkloadExecutor } from '../../src/executor/base-workload-executor.js';
import { TailerLogCollector } from '../../src/logs/index.js';
import { BaseServerManager } from '../../src/services/base/base-server-manager.js';
import { ServiceFactory } from '../../src/services/factory.js';
import { OllamaServerManager } from '../../src/services/ollama/ollama-server-manager.js';
import { loadPlugins } from '../../src/services/plugins.js';
import { VllmServerManager } from '../../src/services/vllm/vllm-server-manager.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/plugins/${name}`, import.meta.url));

describe('ServiceFactory', () => {
  it('has the built-in services registered', () => {
    expect(ServiceFactory.listServices()).toEqual(
      expect.arrayContaining(['dummy', 'llamacpp', 'ollama', 'vllm']),
    );
  });

  it('creates each component of a service', () => {
    const m = ServiceFactory.createServerManager('ollama', { health_check: { timeout: 300, interval: 5 } });
    expect(m).toBeInstanceOf(OllamaServerManager);
    expect(m.getHealthCheckEndpoint()).toBe('/api/tags');
    expect(m.healthCheck).toMatchObject({ timeout: 300, interval: 5, enabled: true });
    const c = ServiceFactory.createWorkloadController('vllm', ['node001', 'node002'], 5000, 600);
    expect(c).toBeInstanceOf(BaseWorkloadController);
    expect(c.executors.map((e) => e.url)).toEqual(['http://node001:5000', 'http://node002:5000']);
    const e = ServiceFactory.createWorkloadExecutor('dummy', 0);
    expect(e).toBeInstanceOf(BaseWorkloadExecutor);
    expect(e.getServiceName()).toBe('dummy');
  });

  it('rejects an unknown service with E006 listing the registered ones', () => {
    let err: unknown;
    try {
      ServiceFactory.createServerManager('olama', {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as ConfigValidationError).code).toBe('E006');
    expect((err as Error).message).toMatch(
      /unknown service "olama"; registered services: .*dummy.*llamacpp.*ollama.*vllm/,
    );
    expect(() => ServiceFactory.createWorkloadExecutor('nope')).toThrow(/registered services/);
  });

  it('creates the tailer log collector by kind and by service name; unknown kinds are E006', () => {
    expect(ServiceFactory.createLogCollector('tailer', { outputDir: '/tmp/x' })).toBeInstanceOf(
      TailerLogCollector,
    );
    expect(ServiceFactory.createLogCollector('ollama', { outputDir: '/tmp/x' })).toBeInstanceOf(
      TailerLogCollector,
    );
    expect(() => ServiceFactory.createLogCollector('fluentd', {})).toThrow(ConfigValidationError);
  });

  it('registers a service defined in an outside module (plugin) without core changes', async () => {
    const added = await loadPlugins([fixture('acme-service.mjs')]);
    expect(Object.values(added)).toEqual([['acme']]);
    expect(ServiceFactory.listServices()).toContain('acme');
    const m = ServiceFactory.createServerManager('acme', { service_config: { model: 'x' } });
    expect(m).toBeInstanceOf(BaseServerManager);
    expect(m.getHealthCheckEndpoint()).toBe('/v1/models');
    expect(m.serviceConfig).toEqual({ flavour: 'vanilla', model: 'x' });
    expect(m.baseUrl('n1')).toBe('http://n1:9999');
    expect(ServiceFactory.createWorkloadExecutor('acme', 0).getServiceName()).toBe('acme');
    // loading it again is a no-op
    expect(Object.values(await loadPlugins([fixture('acme-service.mjs')]))).toEqual([['acme']]);
  });

  it('each service declares its capabilities; the components read them from the registration', () => {
    expect(ServiceFactory.getCapabilities('ollama')).toMatchObject({
      apis: ['generate', 'chat'],
      default_api: 'generate',
      protocol: 'ollama',
      default_port: 11434,
      health_path: '/api/tags',
    });
    expect(ServiceFactory.getCapabilities('vllm').metrics_path).toBe('/metrics');
    expect(ServiceFactory.getCapabilities('dummy')).toMatchObject({
      default_model: 'dummy-model',
      default_port: 11500,
    });
    const m = ServiceFactory.createServerManager('llamacpp', {});
    expect([m.getDefaultPort(), m.getDefaultHealthPath(), m.getMetricsPath()]).toEqual([
      8080,
      '/health',
      '/metrics',
    ]);
    expect(ServiceFactory.createServerManager('ollama', {}).getMetricsPath()).toBeUndefined();
  });

  it('refuses a registration without valid capabilities, naming the field (E006)', () => {
    const register = (capabilities: unknown) =>
      ServiceFactory.registerService(
        'broken',
        VllmServerManager,
        BaseWorkloadController,
        BaseWorkloadExecutor,
        {
          capabilities,
        } as never,
      );
    expect(() => register(undefined)).toThrow(/service broken: capabilities: missing/);
    expect(() =>
      register({ apis: ['chat'], default_api: 'chat', protocol: 'grpc', default_port: 1, health_path: '/h' }),
    ).toThrow(/capabilities\.protocol: expected one of openai, ollama/);
    expect(() =>
      register({ apis: [], default_api: 'chat', protocol: 'openai', default_port: 0, health_path: 'h' }),
    ).toThrow(
      /capabilities\.apis: list at least one API.*capabilities\.default_port: .*capabilities\.health_path: expected a URL path/,
    );
    expect(ServiceFactory.listServices()).not.toContain('broken');
  });

  it('knows which services run a per-user hook (closed loop only)', async () => {
    await loadPlugins([fixture('per-user-service.mjs')]);
    expect(ServiceFactory.hasPerUserHook('peruser')).toBe(true);
    expect(ServiceFactory.hasPerUserHook('vllm')).toBe(false);
  });

  it('reports bad plugins as E006 naming the field', async () => {
    await expect(loadPlugins([fixture('bad-capabilities.mjs')], { field: '--plugin' })).rejects.toThrow(
      /--plugin: plugin .*bad-capabilities\.mjs: service badcaps: capabilities\.default_api: 'generate' is not one of the service's apis \(chat\)/,
    );
    await expect(loadPlugins(['does/not/exist.mjs'], { field: '--plugin' })).rejects.toThrow(
      /--plugin: plugin file .*does\/not\/exist.mjs does not exist/,
    );
    await expect(loadPlugins([fixture('no-register.mjs')])).rejects.toMatchObject({
      code: 'E006',
      message: expect.stringMatching(/plugins\[0\]: .*exports no register/),
    });
  });

  it('applies the vLLM config defaults, keeping what the recipe sets', () => {
    const m = new VllmServerManager({
      service_config: { max_model_len: 4096, distributed: { tensor_parallel_size: 4 } },
    });
    expect(m.serviceConfig).toMatchObject({
      max_model_len: 4096,
      gpu_memory_utilization: 0.9,
      enforce_eager: false,
      trust_remote_code: false,
      distributed: { enabled: false, tensor_parallel_size: 4, pipeline_parallel_size: 1 },
    });
    expect(m.getHealthCheckEndpoint()).toBe('/health');
    expect(m.baseUrl('node001')).toBe('http://node001:8000');
    expect(m.baseUrl('http://h:1/')).toBe('http://h:1');
  });

  it('rejects bad health_check values with E006 naming the field', () => {
    expect(() => new VllmServerManager({ health_check: { interval: 'often' } })).toThrow(
      /servers.health_check.interval/,
    );
  });
});
