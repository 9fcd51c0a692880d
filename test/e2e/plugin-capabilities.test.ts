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
});
