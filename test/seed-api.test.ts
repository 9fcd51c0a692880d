/**
 * The seed's API as the spec writes it: the configuration types are exported, and `Monitor` and
 * `LogSource` take the seed's snake_case keys (an unknown key is E006 naming it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DistributedConfig,
  Monitor,
  parseLoggingConfig,
  type RayConfig,
  type ResourceConfig,
  type ServiceConfig,
  TailerLogCollector,
  toLogSource,
  VllmServerManager,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hpcbench-seed-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const e006 = (fn: () => unknown): Error & { code?: string } => {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected an error');
};

describe('configuration types of the spec', () => {
  it('ServiceConfig / DistributedConfig / RayConfig type a vLLM service_config; defaults fill the rest', () => {
    const ray: RayConfig = { dashboard_port: 8300, num_gpus_per_node: 4 };
    const distributed: DistributedConfig = { enabled: true, tensor_parallel_size: 4, ray };
    const serviceConfig: ServiceConfig = { gpu_layers: 0, distributed };
    const m = new VllmServerManager({ service_config: serviceConfig });
    expect(m.serviceConfig.distributed).toEqual({
      enabled: true,
      backend: 'ray',
      tensor_parallel_size: 4,
      pipeline_parallel_size: 1,
      ray: { dashboard_port: 8300, num_gpus_per_node: 4 },
    });
    const resources: ResourceConfig = { gpus: 1, cpus_per_task: 4, mem_gb: 32 };
    expect(resources.gpus).toBe(1);
  });
});

describe('Monitor', () => {
  it("takes the seed's output_file / interval / metrics and writes the CSV there", async () => {
    const file = join(dir, 'seed-metrics.csv');
    const m = new Monitor({
      output_file: file,
      interval: 0.05,
      metrics: ['cpu', 'ram'],
      onWarning: () => {},
    } as never);
    expect(m.outputFile).toBe(file);
    expect(m.interval).toBe(0.05);
    await m.start();
    await new Promise((r) => setTimeout(r, 200));
    await m.stop();
    expect(readFileSync(file, 'utf8').split('\n')[0]).toMatch(/^timestamp,.*cpu_percent.*ram_used_MB/);
  });

  it('prometheus_pushgateway_url is the Pushgateway URL (validated as such); unknown keys are E006', () => {
    const bad = e006(() => new Monitor({ prometheus_pushgateway_url: 'pushgateway:9091' }));
    expect(bad.code).toBe('E006');
    expect(bad.message).toMatch(/prometheusPushgatewayUrl/);
    const m = new Monitor({
      prometheus_pushgateway_url: 'http://127.0.0.1:9091',
      prometheus_push_interval: 5,
    });
    expect(m.outputFile).toBe('metrics.csv');
    const typo = e006(() => new Monitor({ output: 'x.csv' } as never));
    expect(typo.code).toBe('E006');
    expect(typo.message).toMatch(/Monitor: output: unknown key "output"; allowed: outputFile, .*output_file/);
    const both = e006(() => new Monitor({ outputFile: 'a.csv', output_file: 'b.csv' } as never));
    expect(both.message).toMatch(/"output_file" and "outputFile" are the same option/);
  });
});

describe('LogSource', () => {
  it("container_name is the seed's spelling of containerName; collection works with either", async () => {
    expect(toLogSource({ node: 'n1', component: 'server', container_name: 'ollama' })).toEqual({
      node: 'n1',
      component: 'server',
      containerName: 'ollama',
    });
    const log = join(dir, 'server.log');
    writeFileSync(log, 'one\ntwo\n');
    const c = new TailerLogCollector({
      outputDir: join(dir, 'out'),
      logging: parseLoggingConfig({ flush_interval: 0.1 }),
      pollIntervalMs: 20,
    });
    await c.startCollection([{ node: 'n1', component: 'server', container_name: 'ollama', path: log }]);
    await new Promise((r) => setTimeout(r, 300));
    const result = await c.stopCollection();
    expect(result.sources['n1/server/ollama']).toMatchObject({ containerName: 'ollama', stdout: 2 });
  });

  it('an unknown key or a missing container name is E006 naming it, before collection starts', async () => {
    const unknown = e006(() => toLogSource({ node: 'n', component: 'c', container: 'x' } as never));
    expect(unknown.code).toBe('E006');
    expect(unknown.message).toMatch(
      /LogSource: container: unknown key "container"; allowed: .*container_name/,
    );
    const missing = e006(() => toLogSource({ node: 'n', component: 'c' } as never));
    expect(missing.message).toMatch(/LogSource: containerName is required/);
    const c = new TailerLogCollector({ outputDir: join(dir, 'never'), logging: parseLoggingConfig({}) });
    await expect(
      c.startCollection([{ node: 'n', component: 'c', name: 'x' } as never]),
    ).rejects.toMatchObject({
      code: 'E006',
    });
    expect(c.isReady()).toBe(false);
  });
});
