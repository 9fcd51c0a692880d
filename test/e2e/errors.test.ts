/**
 * E001–E008, each raised by a real condition end to end through `hpcbench orchestrate` / `hpcbench run`:
 * the CLI prints `E00x: message` without a stack trace, exits 1 and (once the run started) records the
 * error in run.json.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagedChild } from '../../src/launch/local/child.js';
import { freePort } from '../../src/launch/local/free-port.js';
import { type CliResult, hasStackTrace, onlyRunDir, readJson, recipe, runCli, Sandbox } from './helpers.js';

let box: Sandbox;
let sim: { port: number };
beforeAll(async () => {
  box = await Sandbox.create();
  sim = await box.startSim();
});
afterAll(async () => {
  await box.close();
});

let n = 0;
async function orchestrate(
  servers: string[],
  clients: string[],
  recipeObj: unknown,
  opts: { token?: string; timeout?: number; whileRunning?: () => Promise<void> } = {},
): Promise<{ res: CliResult; results: string }> {
  const id = `case${++n}`;
  const file = await box.writeRecipe(`${id}.yaml`, recipeObj);
  const results = box.path(`results-${id}`);
  const args = ['orchestrate', '--server-nodes', ...servers, '--client-nodes', ...clients];
  args.push('--workload-config-file', file, '--timeout', String(opts.timeout ?? 3), '--results-dir', results);
  const env = { HPCBENCH_TOKEN: opts.token ?? 'tok' };
  const running = runCli(args, { env, timeout: 120_000 });
  if (opts.whileRunning) await opts.whileRunning();
  return { res: await running, results };
}

function expectCode(res: CliResult, code: string, message: RegExp) {
  expect(res.exitCode, res.all).toBe(1);
  expect(res.stderr).toMatch(new RegExp(`^${code}: `, 'm'));
  expect(res.stderr).toMatch(message);
  expect(hasStackTrace(res.all)).toBe(false);
}

async function expectRunJson(results: string, code: string) {
  const runJson = await readJson(join(await onlyRunDir(results), 'run.json'));
  expect(runJson).toMatchObject({ status: 'failed', exit_code: 1, error: { code } });
}

const fast = (
  scenario: string,
  workload: Record<string, unknown> = {},
  servers: Record<string, unknown> = {},
) =>
  recipe(
    scenario,
    { duration: '1s', warmup: '0s', ...workload },
    {
      servers: { health_check: { timeout: 1, interval: 0.2 }, ...servers },
    },
  );

/** Polls an executor's GET /status until its workload runs. */
async function untilRunning(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const s = await fetch(`${url}/status`)
      .then((r) => r.json() as Promise<{ running: boolean }>)
      .catch(() => undefined);
    if (s?.running) return;
    await sleep(100);
  }
  throw new Error(`executor ${url} never started running`);
}

describe('error codes end to end', () => {
  it('E001: the inference server is down', async () => {
    const port = await freePort();
    const { res, results } = await orchestrate([`127.0.0.1:${port}`], ['127.0.0.1:1'], fast('e001'));
    expectCode(res, 'E001', new RegExp(`127\\.0\\.0\\.1:${port}.*connection refused`));
    await expectRunJson(results, 'E001');
  }, 240_000);

  it('E002: a workload executor is down', async () => {
    const port = await freePort();
    const { res, results } = await orchestrate(
      [`127.0.0.1:${sim.port}`],
      [`127.0.0.1:${port}`],
      fast('e002'),
    );
    expectCode(res, 'E002', /executor.*127\.0\.0\.1.*connection refused/);
    await expectRunJson(results, 'E002');
  }, 240_000);

  it('E003: the model is not served', async () => {
    const { res, results } = await orchestrate(
      [`127.0.0.1:${sim.port}`],
      ['127.0.0.1:1'],
      fast('e003', { model: 'no-such-model' }),
    );
    expectCode(res, 'E003', /no-such-model/);
    await expectRunJson(results, 'E003');
  }, 240_000);

  it('E004: the executor rejects the start (wrong bearer token)', async () => {
    const ex = await box.startExecutor('e004', 'right-token');
    const { res, results } = await orchestrate(
      [`127.0.0.1:${sim.port}`],
      [`127.0.0.1:${ex.port}`],
      fast('e004'),
      {
        token: 'wrong-token',
      },
    );
    expectCode(res, 'E004', /e004.*401|bearer token/);
    await expectRunJson(results, 'E004');
  }, 240_000);

  it('E005: an executor reports metrics that cannot be merged (a seed-version executor without snapshots)', async () => {
    const ready = box.path('v1.ready.json');
    const v1 = new ManagedChild({
      name: 'v1-executor',
      command: process.execPath,
      args: ['-e', V1_EXECUTOR, ready],
      logFile: box.path('v1.log'),
      readyFile: ready,
    });
    box.children.push(v1);
    const { port } = await v1.waitReady(30);
    const { res, results } = await orchestrate(
      [`127.0.0.1:${sim.port}`],
      [`127.0.0.1:${port}`],
      fast('e005'),
    );
    expectCode(res, 'E005', /snapshot/);
    await expectRunJson(results, 'E005');
  }, 240_000);

  it('E006: a bad recipe, before anything starts', async () => {
    const file = await box.writeRecipe(
      'bad.yaml',
      'scenario: bad\nworkload:\n  service: dummy\n  duration: soon\n',
    );
    const res = await runCli(['run', file, '--results-dir', box.path('results-bad')]);
    expectCode(res, 'E006', /workload\.duration/);
    expect(res.stderr).toContain('bad.yaml');
    expect(existsSync(box.path('results-bad'))).toBe(false);
  }, 240_000);

  it('E007: an executor stops answering mid-run (SIGSTOP)', async () => {
    const ex = await box.startExecutor('e007', 'tok');
    try {
      const { res, results } = await orchestrate(
        [`127.0.0.1:${sim.port}`],
        [`127.0.0.1:${ex.port}`],
        fast('e007', { duration: '60s' }),
        {
          whileRunning: async () => {
            await untilRunning(ex.url);
            ex.child.signal('SIGSTOP');
          },
        },
      );
      expectCode(res, 'E007', /127\.0\.0\.1.*no answer within/);
      await expectRunJson(results, 'E007');
    } finally {
      ex.child.signal('SIGCONT');
    }
  }, 240_000);

  it('E008: an executor dies mid-run (connection refused, or reset when a status poll was in flight)', async () => {
    const ex = await box.startExecutor('e008', 'tok');
    const { res, results } = await orchestrate(
      [`127.0.0.1:${sim.port}`],
      [`127.0.0.1:${ex.port}`],
      fast('e008', { duration: '60s' }),
      {
        whileRunning: async () => {
          await untilRunning(ex.url);
          ex.child.signal('SIGKILL');
        },
      },
    );
    expectCode(res, 'E008', /127\.0\.0\.1.*connection (refused|reset)/);
    await expectRunJson(results, 'E008');
  }, 240_000);
});

/** The seed's (v1) executor API: the right JSON shapes, but /metrics without a mergeable snapshot. */
const V1_EXECUTOR = `
const http = require('node:http'); const fs = require('node:fs');
let started = 0;
const m = () => ({ requests_total: 3, errors_total: 0, latency: { avg: 0.1, p50: 0.1, p90: 0.1, p99: 0.1 },
  throughput_rps: 3, elapsed_seconds: started ? (Date.now() - started) / 1000 : 0 });
const srv = http.createServer((req, res) => {
  let body = ''; req.on('data', (c) => (body += c)); req.on('end', () => {
    const send = (o) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(o)); };
    if (req.url === '/health') return send({ service: 'dummy', status: 'ok' });
    if (req.url === '/start') { started = Date.now(); return send({ status: 'started', threads: 1 }); }
    if (req.url === '/status') return send({ running: false, elapsed_seconds: 1, threads_active: 0 });
    if (req.url === '/metrics') return send(m());
    if (req.url === '/stop') return send({ status: 'stopped', final_metrics: m() });
    res.statusCode = 404; send({ error: 'no route' });
  });
}).listen(0, '127.0.0.1', () => {
  fs.writeFileSync(process.argv[1], JSON.stringify({ port: srv.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
`;
