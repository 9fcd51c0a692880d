/** `hpcbench run` details: slurm recipes point to `hpcbench submit`, --quiet, monitoring into the results folder. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfCommand } from '../../src/util/self.js';
import { hasStackTrace, onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

describe('hpcbench run', () => {
  it('refuses a mode: slurm recipe with a pointer to hpcbench submit (E006, nothing started)', async () => {
    const res = await runCli(['run', 'examples/vllm-slurm.yaml', '--results-dir', box.path('r-slurm')]);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(
      /^E006: .*orchestration\.mode is 'slurm'.*hpcbench submit examples\/vllm-slurm\.yaml/m,
    );
    expect(res.stderr).toContain('--local');
    expect(hasStackTrace(res.all)).toBe(false);
    await expect(readdir(box.path('r-slurm'))).rejects.toThrow();
  });

  it('--quiet prints no progress; monitoring from the recipe writes CSVs into the results folder', async () => {
    const file = await box.writeRecipe(
      'mon.yaml',
      recipe(
        'mon',
        { duration: '2s', warmup: '0s' },
        {
          monitoring: { enabled: true, interval: 0.5 },
          servers: { health_check: { timeout: 20, interval: 0.2 } },
        },
      ),
    );
    const res = await runCli(['run', file, '--quiet', '--results-dir', box.path('r-mon')], {
      timeout: 180_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    expect(res.stderr).not.toMatch(/benchmark 1\/1|✓ server-health/);
    // the summary table still prints (its status column appears only when a benchmark is not completed)
    expect(res.stdout).toMatch(/^default\s+\d+ users?\s/m);
    const run = await onlyRunDir(box.path('r-mon'));
    expect(await readdir(join(run, 'monitor'))).toEqual(
      expect.arrayContaining(['server-1-server.csv', 'client-1-client.csv', 'client-2-client.csv']),
    );
    expect(await readdir(run)).toContain('benchmark_metrics.csv');
    const runJson = await readJson(join(run, 'run.json'));
    expect(Object.keys(runJson.pids)).toHaveLength(3);
  }, 240_000);

  it('servers.command: starts the command with {host} and {port} filled in, and stops it at the end', async () => {
    const self = selfCommand('serve', 'dummy', '--host', '{host}', '--port', '{port}');
    const command = [self.command, ...self.args].map((a) => JSON.stringify(a)).join(' ');
    const file = await box.writeRecipe(
      'cmd.yaml',
      recipe(
        'cmd',
        { duration: '2s', warmup: '0s' },
        { servers: { command, health_check: { timeout: 60, interval: 0.2 } } },
      ),
    );
    const res = await runCli(['run', file, '--quiet', '--results-dir', box.path('r-cmd')], {
      timeout: 180_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('r-cmd'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson.server_endpoints[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const log = await readFile(join(run, 'logs', 'server-1-server.log'), 'utf8');
    expect(log).toContain(runJson.server_endpoints[0].replace('http://', ''));
    const metrics = await readJson(join(run, 'benchmarks', runJson.benchmarks[0].name, 'metrics.json'));
    expect(metrics.aggregate.total_requests).toBeGreaterThan(0);
    // the whole process group was stopped: nothing answers on the server's port any more
    await expect(fetch(`${runJson.server_endpoints[0]}/health`)).rejects.toThrow();
  }, 240_000);

  it('a servers.command that exits: E001 names the exited server and its log', async () => {
    const file = await box.writeRecipe(
      'cmdfail.yaml',
      recipe(
        'cmdfail',
        {},
        { servers: { command: 'echo no such server; exit 3', health_check: { timeout: 2, interval: 0.2 } } },
      ),
    );
    const res = await runCli(['run', file, '--quiet', '--results-dir', box.path('r-cmdfail')], {
      timeout: 180_000,
    });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/^E001: .*server-1 \(dummy\) exited \(code 3\); see .*server-1-server\.log/m);
    expect(hasStackTrace(res.all)).toBe(false);
  }, 240_000);

  it('servers.service_config reaches the simulated server (measured ITL follows decode_step_ms)', async () => {
    const file = await box.writeRecipe(
      'sc.yaml',
      recipe(
        'sc',
        { duration: '2s', warmup: '0s', clients_per_node: 1, gen_tokens: 20 },
        {
          servers: {
            service_config: { decode_step_ms: 40, load_ms: 0 },
            health_check: { timeout: 60, interval: 0.2 },
          },
        },
      ),
    );
    const res = await runCli(['run', file, '--quiet', '--results-dir', box.path('r-sc')], {
      timeout: 180_000,
    });
    expect(res.exitCode, res.all).toBe(0);
    const run = await onlyRunDir(box.path('r-sc'));
    const summary = await readJson(join(run, 'benchmarks', 'default', 'summary.json'));
    expect(summary.latency_ms.itl.p50).toBeGreaterThan(30);
    expect(summary.latency_ms.itl.p50).toBeLessThan(80);
  }, 240_000);
});

describe('hpcbench run: every request failed', () => {
  it('the benchmark and the run are failed with the reason, exit 1 = run.json exit_code (error_rate: 1)', async () => {
    const file = await box.writeRecipe(
      'allfail.yaml',
      recipe(
        'allfail',
        { duration: '2s', warmup: '0s' },
        { servers: { service_config: { error_rate: 1 }, health_check: { timeout: 20, interval: 0.2 } } },
      ),
    );
    const res = await runCli(['run', file, '--results-dir', box.path('r-allfail')], { timeout: 180_000 });
    expect(res.exitCode, res.all).toBe(1);
    expect(res.stdout).toMatch(/^default\s+failed/m);
    expect(res.all).toMatch(
      /benchmark default failed: no request succeeded: \d+ sent, \d+ failed, \d+ cancelled \(http_500 ×\d+\) — see records/,
    );
    const run = await onlyRunDir(box.path('r-allfail'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson.status).toBe('failed');
    expect(runJson.exit_code).toBe(1);
    expect(runJson.benchmarks[0]).toMatchObject({ name: 'default', status: 'failed' });
    expect(await readFile(join(run, 'summary.md'), 'utf8')).toMatch(
      /warning: benchmark default failed: no request succeeded/,
    );
  }, 240_000);
});
