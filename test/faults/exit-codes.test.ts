/**
 * Honest status and one exit-code table (docs/errors.md#exit-codes): `orchestrate` and `run` exit with
 * the code run.json's `exit_code` holds. A simulator answering every request with HTTP 500 makes the
 * benchmark and the run `failed` (exit 1); 30% of 500s is `degraded` under the default max_error_rate
 * (0.05) and `completed` under a suite entry's max_error_rate 0.6 (run degraded: exit 3).
 * The records files hold exactly the measured counts (sent = ok + failed + cancelled).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/exit-codes.js';
import {
  expectCountsMatch,
  localRecipe,
  onlyRunDir,
  orchestrateOne,
  readJson,
  recipe,
  runCli,
  TOKEN,
  useSandbox,
} from './helpers.js';

const sandbox = useSandbox('hpcbench-faults-');

describe('exit codes follow the run status (orchestrate)', () => {
  it('every request failing: benchmark and run failed, exit 1 = run.json exit_code', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim-fail', ['--error-rate', '1', '--load-ms', '0']);
    const ex = await box.startExecutor('x1', TOKEN);
    const file = await box.writeRecipe('fail.yaml', recipe('fail', { duration: '1s', warmup: '0s' }));
    const res = await orchestrateOne(box, `127.0.0.1:${sim.port}`, ex.port, file, 'r-fail');
    expect(res.exitCode, res.all).toBe(EXIT_CODES.failure);
    expect(res.all).toMatch(/benchmark default failed: no request succeeded: \d+ sent/);
    const run = await onlyRunDir(box.path('r-fail'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'failed', exit_code: EXIT_CODES.failure });
    expect(runJson.reason).toMatch(/no request succeeded/);
    expect(runJson.benchmarks[0]).toMatchObject({ status: 'failed' });
    const summary = await expectCountsMatch(run, 'default');
    expect(summary.requests.sent).toBeGreaterThan(0);
    expect(summary.requests.ok).toBe(0);
  }, 120_000);

  it('30% errors: degraded under the default limit, completed under max_error_rate 0.6; exit 3', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim-some', ['--error-rate', '0.3', '--load-ms', '0', '--seed', '7']);
    const ex = await box.startExecutor('x2', TOKEN);
    const file = await box.writeRecipe(
      'some.yaml',
      recipe('some', {
        duration: '2s',
        warmup: '0s',
        clients_per_node: 4,
        gen_tokens: 4,
        benchmark_suite: [{ name: 'strict' }, { name: 'lenient', max_error_rate: 0.6 }],
      }),
    );
    const res = await orchestrateOne(box, `127.0.0.1:${sim.port}`, ex.port, file, 'r-some');
    expect(res.exitCode, res.all).toBe(EXIT_CODES.degraded);
    const run = await onlyRunDir(box.path('r-some'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'degraded', exit_code: EXIT_CODES.degraded });
    expect(runJson.benchmarks.map((b: { status: string }) => b.status)).toEqual(['degraded', 'completed']);
    expect(runJson.benchmarks[0].reason).toMatch(/error rate \d+\.\d% above max_error_rate 5\.0%/);
    for (const b of ['strict', 'lenient']) {
      const s = await expectCountsMatch(run, b);
      expect(s.requests.ok).toBeGreaterThan(0);
      expect(s.requests.failed).toBeGreaterThan(0);
    }
  }, 120_000);
});

describe('orchestration.on_failure', () => {
  it('stop: the benchmarks after a failed one are skipped with the reason; run failed, exit 1', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim-stop', ['--error-rate', '1', '--load-ms', '0']);
    const ex = await box.startExecutor('x3', TOKEN);
    const suite = {
      duration: '1s',
      warmup: '0s',
      benchmark_suite: [{ name: 'first' }, { name: 'second' }, { name: 'third' }],
    };
    const file = await box.writeRecipe(
      'stop.yaml',
      recipe('stop', suite, { orchestration: { ...recipe('x').orchestration, on_failure: 'stop' } }),
    );
    const res = await orchestrateOne(box, `127.0.0.1:${sim.port}`, ex.port, file, 'r-stop');
    expect(res.exitCode, res.all).toBe(EXIT_CODES.failure);
    const run = await onlyRunDir(box.path('r-stop'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'failed', exit_code: EXIT_CODES.failure });
    const why = 'skipped: benchmark first failed and orchestration.on_failure is stop';
    expect(runJson.benchmarks).toEqual([
      { name: 'first', status: 'failed', reason: expect.stringMatching(/^no request succeeded/) },
      { name: 'second', status: 'skipped', reason: why },
      { name: 'third', status: 'skipped', reason: why },
    ]);
    const summary = await readJson(join(run, 'summary.json'));
    expect(summary.benchmarks.map((b: { status: string; reason: string }) => [b.status, b.reason])).toEqual([
      ['failed', expect.stringMatching(/^no request succeeded/)],
      ['skipped', why],
      ['skipped', why],
    ]);
    await expectCountsMatch(run, 'first');
    expect(await readdir(join(run, 'benchmarks'))).toEqual(['first']);

    // the default (continue) runs every benchmark
    const go = await box.writeRecipe('go.yaml', recipe('go', suite));
    const all = await orchestrateOne(box, `127.0.0.1:${sim.port}`, ex.port, go, 'r-go');
    expect(all.exitCode, all.all).toBe(EXIT_CODES.failure);
    const goJson = await readJson(join(await onlyRunDir(box.path('r-go')), 'run.json'));
    expect(goJson.benchmarks.map((b: { status: string }) => b.status)).toEqual([
      'failed',
      'failed',
      'failed',
    ]);
  }, 120_000);
});

describe('exit codes follow the run status (run)', () => {
  it('a degraded local run exits 3 and writes exit_code 3', async () => {
    const box = sandbox();
    const file = await box.writeRecipe(
      'local.yaml',
      localRecipe(
        'local',
        { duration: '2s', warmup: '0s', clients_per_node: 2, gen_tokens: 4 },
        { error_rate: 0.3, load_ms: 0, seed: 3 },
      ),
    );
    const res = await runCli(['run', file, '--quiet', '--results-dir', box.path('r-local')], {
      timeout: 90_000,
    });
    expect(res.exitCode, res.all).toBe(EXIT_CODES.degraded);
    expect(res.stdout).toMatch(/^default\s+degraded/m);
    const run = await onlyRunDir(box.path('r-local'));
    expect(await readJson(join(run, 'run.json'))).toMatchObject({ status: 'degraded', exit_code: 3 });
    await expectCountsMatch(run, 'default');
  }, 120_000);
});
