/**
 * A plugin service declares its capabilities in its registration (test/fixtures/plugins/acme-service.mjs:
 * the OpenAI chat API only, on port 9999, health /v1/models), and hpcbench acts on them end to end:
 * `validate` refuses an API it does not declare at the field's line with the list it does, `run` drives it
 * with its default API (chat) through its executors, and a plugin with missing or invalid capabilities is
 * refused naming the plugin file and the field.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, onlyRunDir, readJson, readLines, recipe, runCli, Sandbox } from './helpers.js';

const plugin = (name: string) => fileURLToPath(new URL(`../fixtures/plugins/${name}`, import.meta.url));
const ACME = plugin('acme-service.mjs');
let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

const acmeRecipe = (api: string | undefined, extra: Record<string, unknown> = {}) =>
  `scenario: acme
plugins: [${JSON.stringify(ACME)}]
workload:
  service: acme
  model: dummy-model
  duration: 2s
${api ? `  api: ${api}\n` : ''}servers:
  endpoints: ["http://127.0.0.1:9999"]
${Object.entries(extra)
  .map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`)
  .join('')}`;

describe('a plugin service declaring its capabilities', () => {
  it('validate refuses an api the plugin does not declare, at its line, listing the ones it does', async () => {
    const file = await box.writeRecipe('acme-completions.yaml', acmeRecipe('completions'));
    const r = await runCli(['validate', file]);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all).toContain(`${file}:7:8`);
    expect(r.all).toMatch(/E006/);
    expect(r.all).toMatch(/workload\.api: acme speaks 'chat' \(the OpenAI API\), not 'completions'/);
    expect(hasStackTrace(r.all)).toBe(false);
    const ok = await runCli(['validate', await box.writeRecipe('acme-chat.yaml', acmeRecipe('chat'))]);
    expect(ok.exitCode, ok.all).toBe(0);
  });

  it('run drives it with its default api (chat) through its executors', async () => {
    const sim = await box.startSim();
    const file = await box.writeRecipe(
      'acme-run.yaml',
      recipe(
        'acme',
        { service: 'acme', duration: '2s', warmup: '0s', clients_per_node: 1, prompt_len: 8, gen_tokens: 4 },
        { plugins: [ACME], servers: { endpoints: [sim.url], health_check: { timeout: 20, interval: 0.2 } } },
      ),
    );
    const res = await runCli(['run', file, '--results-dir', box.path('results'), '--quiet'], {
      timeout: 120_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('results'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson.status).toBe('completed');
    const [bench] = runJson.benchmarks;
    const dir = join(run, 'benchmarks', bench.name);
    const files = (await readdir(dir)).filter((f) => /^records-.*\.jsonl$/.test(f));
    expect(files).toHaveLength(2);
    const records = (await Promise.all(files.map((f) => readLines(join(dir, f)))))
      .flat()
      .map((l) => JSON.parse(l));
    expect(records.length).toBeGreaterThan(0);
    expect(new Set(records.map((r) => r.api))).toEqual(new Set(['chat']));
    expect(records.every((r) => r.status === 'ok')).toBe(true);
    // the simulator saw OpenAI chat requests only
    const truth = (await (await fetch(`${sim.url}/hpcbench/requests`)).json()) as {
      requests: { protocol: string; endpoint: string }[];
    };
    expect(truth.requests.length).toBeGreaterThan(0);
    expect(new Set(truth.requests.map((t) => `${t.protocol} ${t.endpoint}`))).toEqual(
      new Set(['openai /v1/chat/completions']),
    );
  }, 180_000);

  it('a plugin with invalid or missing capabilities is E006 naming the plugin file and the field', async () => {
    for (const [name, field] of [
      [
        'bad-capabilities.mjs',
        /capabilities\.default_api: 'generate' is not one of the service's apis \(chat\)/,
      ],
      [
        'no-capabilities.mjs',
        /capabilities: missing: declare \{apis, default_api, protocol, default_port, health_path\}/,
      ],
    ] as const) {
      const file = await box.writeRecipe(
        `${name}.yaml`,
        `scenario: bad\nplugins: [${JSON.stringify(plugin(name))}]\nworkload:\n  service: dummy\n  duration: 2s\n`,
      );
      const r = await runCli(['validate', file]);
      expect(r.exitCode, r.all).toBe(1);
      expect(r.all).toMatch(/E006/);
      expect(r.all).toContain(`plugin ${plugin(name)}`);
      expect(r.all).toMatch(field);
      expect(hasStackTrace(r.all)).toBe(false);
    }
  });

  it('a server manager without parseServiceConfig is E006 at validate and run, naming the file and the method', async () => {
    const file = await box.writeRecipe(
      'no-parse-config.yaml',
      acmeRecipe(undefined)
        .replace(ACME, plugin('no-parse-config.mjs'))
        .replace('service: acme', 'service: noparse'),
    );
    for (const args of [
      ['validate', file],
      ['run', file, '--results-dir', box.path('results-noparse'), '--quiet'],
    ]) {
      const r = await runCli(args);
      expect(r.exitCode, r.all).toBe(1);
      expect(r.all).toMatch(/E006/);
      expect(r.all).toContain(`${file}:2:11`);
      expect(r.all).toContain(
        `plugin ${plugin('no-parse-config.mjs')}: service noparse: the server manager class M does not implement parseServiceConfig`,
      );
      expect(r.all).not.toMatch(/internal error|is not a function/);
      expect(hasStackTrace(r.all)).toBe(false);
    }
  });
});

/** The rules hpcbench used to decide by service name are what a service declares: a plugin gets them. */
describe('a plugin declaring the service rules (test/fixtures/plugins/tiny-service.mjs)', () => {
  const TINY = plugin('tiny-service.mjs');
  const tinyRecipe = (service: 'tiny' | 'acme', workload: string, extra = '') =>
    `scenario: rules
plugins: [${JSON.stringify(service === 'tiny' ? TINY : ACME)}]
environment:
  TINY_SLOTS: 2
workload:
  service: ${service}
  model: m
  duration: 20s
  warmup: 0s
${workload}servers:
  endpoints: ["http://127.0.0.1:9998"]
${extra}`;

  it('validate warns at its declared plausible rate (× its slots variable) and batching concurrency', async () => {
    const open = await runCli([
      'validate',
      await box.writeRecipe('tiny-rate.yaml', tinyRecipe('tiny', '  target_rps: 5\n')),
    ]);
    expect(open.exitCode, open.all).toBe(0);
    // 2 req/s per slot × TINY_SLOTS 2 = 4/s per server
    expect(open.all).toMatch(
      /:10:15: warning: workload\.target_rps: 5 requests\/s over 1 tiny server\(s\) is 5\/s each: implausible for tiny \(about 4\/s per server at most: tiny serves TINY_SLOTS requests at a time\)/,
    );
    const under = await runCli([
      'validate',
      await box.writeRecipe('tiny-under.yaml', tinyRecipe('tiny', '  target_rps: 4\n')),
    ]);
    expect(under.all).not.toMatch(/implausible/);
    const closed = await runCli([
      'validate',
      await box.writeRecipe('tiny-closed.yaml', tinyRecipe('tiny', '  clients_per_node: 2\n')),
    ]);
    expect(closed.all).toMatch(
      /warning: workload\.clients_per_node: .*2 concurrent requests for 1 tiny server\(s\).*needs at least 16 per server/,
    );
    // it is simulated: no prompt-length warning; acme declares none of this: none of these warnings
    expect(closed.all).not.toMatch(/no prompt_len or dataset/);
    const acme = await runCli([
      'validate',
      await box.writeRecipe('acme-rules.yaml', tinyRecipe('acme', '  api: chat\n  target_rps: 500\n')),
    ]);
    expect(acme.all).not.toMatch(/implausible|continuous-batching/);
    expect(acme.all).toMatch(/no prompt_len or dataset/);
  });

  it('a Slurm recipe needs no artifacts for a service declaring needs_artifacts: false', async () => {
    const slurm = `orchestration:
  mode: slurm
partition: batch
account: acct
resources:
  servers: {gpus: 0, cpus_per_task: 1, mem_gb: 1}
  clients: {gpus: 0, cpus_per_task: 1, mem_gb: 1}
`;
    const tiny = await runCli([
      'validate',
      await box.writeRecipe('tiny-slurm.yaml', tinyRecipe('tiny', '  clients_per_node: 16\n', slurm)),
    ]);
    expect(tiny.all).not.toMatch(/artifacts/);
    const acme = await runCli([
      'validate',
      await box.writeRecipe('acme-slurm.yaml', tinyRecipe('acme', '  api: chat\n', slurm)),
    ]);
    expect(acme.exitCode, acme.all).toBe(1);
    expect(acme.all).toMatch(/E006/);
    expect(acme.all).toMatch(/artifacts: required for orchestration\.mode slurm with service acme/);
  });

  it('run sends its per-request config (gpu_layers as num_gpu) and scrapes its declared status page', async () => {
    const sim = await box.startSim('sim-tiny');
    const file = await box.writeRecipe(
      'tiny-run.yaml',
      recipe(
        'tiny',
        { service: 'tiny', duration: '3s', warmup: '0s', clients_per_node: 1, prompt_len: 8, gen_tokens: 4 },
        {
          plugins: [TINY],
          servers: {
            endpoints: [sim.url],
            service_config: { gpu_layers: 7 },
            health_check: { timeout: 20, interval: 0.2 },
          },
          monitoring: { enabled: true, interval: 1 },
        },
      ),
    );
    const res = await runCli(['run', file, '--results-dir', box.path('results-tiny'), '--quiet'], {
      timeout: 120_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('results-tiny'));
    const [bench] = (await readJson(join(run, 'run.json'))).benchmarks;
    const metrics = await readJson(join(run, 'benchmarks', bench.name, 'metrics.json'));
    expect(metrics.spec.num_gpu).toBe(7);
    const dir = join(run, 'benchmarks', bench.name);
    const files = (await readdir(dir)).filter((f) => /^records-.*\.jsonl$/.test(f));
    const records = (await Promise.all(files.map((f) => readLines(join(dir, f)))))
      .flat()
      .map((l) => JSON.parse(l));
    expect(records.length).toBeGreaterThan(0);
    expect(new Set(records.map((r) => r.api))).toEqual(new Set(['generate']));
    // the server-metrics scraper sampled /api/ps (format ollama_ps): the simulator's loaded model
    const scraped = (await readdir(join(run, 'monitor'))).filter((f) => /^server-.*\.jsonl$/.test(f));
    expect(scraped).toHaveLength(1);
    const rows = (await readLines(join(run, 'monitor', scraped[0]))).map((l) => JSON.parse(l));
    expect(rows.some((r) => r.metric === 'ollama_model_size_bytes')).toBe(true);
    expect(rows.every((r) => r.metric.startsWith('ollama_'))).toBe(true);
  }, 180_000);
});
