/**
 * `hpcbench orchestrate` against a server that dies mid-run (SIGKILL of the simulator) and one that
 * answers health but hangs on generation. The first: users back off, the benchmark fails with E008 once
 * the server was unreachable for `unreachable_timeout`, the run goes on to the next benchmark (which fails
 * the same way) and exits 1; the records stay small. The second: the benchmark ends `grace_period` after
 * its duration with every request cancelled and counted (failed: no request succeeded), exit 1.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/exit-codes.js';
import { json, scriptedServer } from '../fixtures/net-conditions.js';
import {
  expectCountsMatch,
  onlyRunDir,
  orchestrateOne,
  readJson,
  recipe,
  recordCounts,
  TOKEN,
  useSandbox,
} from './helpers.js';

const sandbox = useSandbox('hpcbench-faults-dead-');

async function requestsSeen(url: string): Promise<number> {
  try {
    const body = (await (await fetch(`${url}/hpcbench/requests`)).json()) as { requests: unknown[] };
    return body.requests.length;
  } catch {
    return 0;
  }
}

describe('server killed mid-run', () => {
  it('benchmark failed E008, the run moves on, exit 1, records bounded', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim-dies', ['--load-ms', '0']);
    const ex = await box.startExecutor('x1', TOKEN);
    const file = await box.writeRecipe(
      'dies.yaml',
      recipe('dies', {
        duration: '8s',
        warmup: '0s',
        clients_per_node: 4,
        gen_tokens: 4,
        unreachable_timeout: '1s',
        benchmark_suite: [{ name: 'first' }, { name: 'second', duration: '3s' }],
      }),
    );
    const running = orchestrateOne(box, `127.0.0.1:${sim.port}`, ex.port, file, 'r-dies');
    for (let i = 0; i < 300 && (await requestsSeen(sim.url)) < 20; i++) await sleep(100);
    expect(await requestsSeen(sim.url)).toBeGreaterThanOrEqual(20);
    process.kill(sim.child.pid as number, 'SIGKILL');
    const res = await running;
    expect(res.exitCode, res.all).toBe(EXIT_CODES.failure);
    const run = await onlyRunDir(box.path('r-dies'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'failed', exit_code: EXIT_CODES.failure });
    expect(runJson.benchmarks.map((b: { status: string }) => b.status)).toEqual(['failed', 'failed']);
    for (const b of runJson.benchmarks)
      expect(b.reason).toMatch(/E008: server http:\/\/127\.0\.0\.1:\d+ unreachable/);
    const first = await readJson(join(run, 'benchmarks', 'first', 'summary.json'));
    expect(first.error.code).toBe('E008');
    for (const name of ['first', 'second']) {
      await expectCountsMatch(run, name);
      const rec = await recordCounts(run, name);
      expect(rec.files.every((f) => f.wholeLines)).toBe(true);
      // a spinning client wrote tens of MB here; backing off, a few hundred KB at most
      expect(rec.bytes).toBeLessThan(512 * 1024);
    }
    expect((await recordCounts(run, 'first')).ok).toBeGreaterThan(0);
  }, 120_000);
});

describe('server hangs on generation', () => {
  it('ends grace_period after duration with every request cancelled and counted: failed, exit 1', async () => {
    const box = sandbox();
    const hung = await scriptedServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      if (req.url === '/v1/models') return json(res, 200, { data: [{ id: 'dummy-model' }] });
      // generation, /metrics and the ground truth: never answered
    });
    try {
      const ex = await box.startExecutor('x2', TOKEN);
      const file = await box.writeRecipe(
        'hang.yaml',
        recipe('hang', { duration: '2s', warmup: '0s', clients_per_node: 3, grace_period: '1s' }),
      );
      const res = await orchestrateOne(box, `127.0.0.1:${hung.port}`, ex.port, file, 'r-hang');
      expect(res.exitCode, res.all).toBe(EXIT_CODES.failure);
      const run = await onlyRunDir(box.path('r-hang'));
      const runJson = await readJson(join(run, 'run.json'));
      expect(runJson).toMatchObject({ status: 'failed', exit_code: EXIT_CODES.failure });
      expect(runJson.benchmarks[0].reason).toMatch(/no request succeeded: 3 sent, 0 failed, 3 cancelled/);
      const rec = await recordCounts(run, 'default');
      expect(rec).toMatchObject({ sent: 3, ok: 0, failed: 0, cancelled: 3 });
    } finally {
      await hung.close();
    }
  }, 120_000);
});
