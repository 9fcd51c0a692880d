/**
 * An executor killed (SIGKILL) mid-benchmark: the other executor runs the benchmark to its end, the
 * benchmark is `degraded` with the loss named, the killed executor's measurements are rebuilt from its
 * records file (counts and percentiles equal those of its records) and merged with the survivor's, and
 * the next benchmark runs on the survivor alone. The run is degraded: exit 3. With the only executor
 * killed the run ends on E008, and both `orchestrate` and `run` print the summary table (the failed row,
 * the skipped note) before the error line.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/exit-codes.js';
import { selfCommand } from '../../src/util/self.js';
import {
  expectCountsMatch,
  localRecipe,
  onlyRunDir,
  orchestrate,
  readJson,
  readLines,
  recipe,
  recordCounts,
  TOKEN,
  until,
  untilOk,
  useSandbox,
} from './helpers.js';

const sandbox = useSandbox('hpcbench-faults-lost-');

/** The value at percentile `p` of `values` (the smallest with at least p% at or below it). */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The summary table (the failed row, the skipped note) is printed before the E008 line. */
function expectTablesBeforeError(all: string, executor: string) {
  const row = all.search(/^first\s+failed/m);
  const skipped = all.indexOf(`warning: benchmark second skipped: no executor left: ${executor} lost`);
  const error = all.search(/^E008: /m);
  expect(row, all).toBeGreaterThanOrEqual(0);
  expect(skipped, all).toBeGreaterThan(row);
  expect(error, all).toBeGreaterThan(skipped);
}

describe('an executor killed mid-benchmark', () => {
  it('the benchmark is degraded with the loss named, every measured request counted; the run goes on', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim', ['--load-ms', '0']);
    const [a, b] = await Promise.all([box.startExecutor('keep', TOKEN), box.startExecutor('dies', TOKEN)]);
    const file = await box.writeRecipe(
      'lost.yaml',
      recipe('lost', {
        duration: '8s',
        warmup: '0s',
        gen_tokens: 8,
        benchmark_suite: [{ name: 'first' }, { name: 'second', duration: '2s' }],
      }),
    );
    const running = orchestrate(box, {
      servers: [`127.0.0.1:${sim.port}`],
      clients: [`127.0.0.1:${a.port}`, `localhost:${b.port}`],
      file,
      results: 'r-lost',
    });
    await untilOk(b.url, 40);
    process.kill(b.child.pid as number, 'SIGKILL');
    const res = await running;
    expect(res.exitCode, res.all).toBe(EXIT_CODES.degraded);
    const run = await onlyRunDir(box.path('r-lost'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'degraded', exit_code: EXIT_CODES.degraded });
    expect(runJson.benchmarks.map((x: { status: string }) => x.status)).toEqual(['degraded', 'completed']);
    expect(await readFile(join(run, 'logs', 'orchestrator.log'), 'utf8')).toMatch(
      /warning: the next benchmarks run on the 1 executor\(s\) left \(lost: localhost/,
    );

    const dir = join(run, 'benchmarks', 'first');
    const summary = await readJson(join(dir, 'summary.json'));
    expect(summary.status).toBe('degraded');
    expect(summary.reason).toMatch(
      /executor\(s\) lost: localhost \(.*connection refused\), its measurements rebuilt from its records file/,
    );
    // both executors' records are counted: the survivor's from its /metrics, the killed one's rebuilt
    const rec = await recordCounts(run, 'first');
    expect(rec.files.map((f) => f.name)).toEqual(['records-127.0.0.1.jsonl', 'records-localhost.jsonl']);
    await expectCountsMatch(run, 'first');
    expect(summary.requests.ok).toBeGreaterThan(0);

    // the killed executor's row: its counts and percentiles are those of its records file
    const metrics = await readJson(join(dir, 'metrics.json'));
    const killed = metrics.per_client.find((c: { node: string }) => c.node === 'localhost');
    const records = (await readLines(join(dir, 'records-localhost.jsonl'))).map((l) => JSON.parse(l));
    const measured = records.filter((r) => !r.warmup);
    const ok = measured.filter((r) => r.status === 'ok');
    expect(ok.length).toBeGreaterThan(5);
    expect(killed.summary.requests.sent).toBe(measured.length);
    expect(killed.summary.requests.ok).toBe(ok.length);
    const e2e = ok.map((r) => (r.last_token ?? r.end) - r.sent);
    for (const [p, key] of [
      [50, 'p50'],
      [90, 'p90'],
      [99, 'p99'],
    ] as const) {
      const exact = exactPercentile(e2e, p);
      // HdrHistogram keeps 3 significant digits (integer microseconds)
      expect(Math.abs(killed.summary.latency_ms.e2e[key] - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.001);
    }
    expect(killed.summary.tokens.output).toBe(ok.reduce((n, r) => n + r.output_tokens, 0));

    // the next benchmark ran on the survivor alone
    const second = await expectCountsMatch(run, 'second');
    expect(second.status).toBe('completed');
    expect(second.parameters.executors).toBe(1);
    expect((await recordCounts(run, 'second')).files.map((f) => f.name)).toEqual(['records-127.0.0.1.jsonl']);
    expect(second.requests.ok).toBeGreaterThan(0);
  }, 120_000);

  it('the only executor killed: failed with E008, its records counted, the rest skipped (no executor left)', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim-only', ['--load-ms', '0']);
    const ex = await box.startExecutor('only', TOKEN);
    const file = await box.writeRecipe(
      'only.yaml',
      recipe('only', {
        duration: '30s',
        warmup: '0s',
        gen_tokens: 8,
        benchmark_suite: [{ name: 'first' }, { name: 'second', duration: '2s' }],
      }),
    );
    const running = orchestrate(box, {
      servers: [`127.0.0.1:${sim.port}`],
      clients: [`127.0.0.1:${ex.port}`],
      file,
      results: 'r-only',
    });
    await untilOk(ex.url, 40);
    process.kill(ex.child.pid as number, 'SIGKILL');
    const res = await running;
    expect(res.exitCode, res.all).toBe(EXIT_CODES.failure);
    expect(res.stderr).toMatch(/^E008: .*127\.0\.0\.1.*connection refused/m);
    expectTablesBeforeError(res.all, '127.0.0.1');
    const run = await onlyRunDir(box.path('r-only'));
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({
      status: 'failed',
      exit_code: EXIT_CODES.failure,
      error: { code: 'E008' },
    });
    expect(runJson.benchmarks).toEqual([
      {
        name: 'first',
        status: 'failed',
        reason: expect.stringMatching(/executor\(s\) lost: 127\.0\.0\.1 .*rebuilt from its records file/),
      },
      { name: 'second', status: 'skipped', reason: 'skipped: no executor left: 127.0.0.1 lost' },
    ]);
    // what it measured before the kill is reported, not total_requests 0
    const summary = await expectCountsMatch(run, 'first');
    expect(summary.requests.ok).toBeGreaterThan(5);
    const metrics = await readJson(join(run, 'benchmarks', 'first', 'metrics.json'));
    expect(metrics.aggregate.total_requests).toBe(summary.requests.sent);
  }, 120_000);

  it('hpcbench run, its only executor killed: the summary table, then the E008 line', async () => {
    const box = sandbox();
    const file = await box.writeRecipe(
      'run-only.yaml',
      localRecipe(
        'run-only',
        {
          duration: '30s',
          warmup: '0s',
          gen_tokens: 8,
          benchmark_suite: [{ name: 'first' }, { name: 'second', duration: '2s' }],
        },
        { load_ms: 0 },
      ),
    );
    const base = box.path('r-run-only');
    const self = selfCommand('run', file, '--quiet', '--results-dir', base);
    const cli = execa(self.command, self.args, { reject: false, all: true, timeout: 90_000 });
    try {
      const runJson = await until('the executor measuring', async () => {
        const [dir] = await readdir(base).catch(() => [] as string[]);
        const j = dir && (await readJson(join(base, dir, 'run.json')).catch(() => undefined));
        return j?.benchmarks?.[0]?.status === 'running' ? j : undefined;
      });
      await untilOk(runJson.client_endpoints[0], 40);
      const [, pid] = Object.entries(runJson.pids).find(([name]) => name.startsWith('executor on')) ?? [];
      process.kill(pid as number, 'SIGKILL');
    } catch (err) {
      cli.kill('SIGKILL');
      throw err;
    }
    const res = await cli;
    expect(res.exitCode, String(res.all)).toBe(EXIT_CODES.failure);
    expectTablesBeforeError(String(res.all), 'client-1');
    await expectCountsMatch(await onlyRunDir(base), 'first');
  }, 120_000);

  it('a trace replay whose trace file changed before the loss: the lost one’s unsent rows not counted, dropped_sends null', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim-trace', ['--load-ms', '0']);
    // names of their own: the file's sandbox keeps the first test's ready files (keep, dies)
    const [a, b] = await Promise.all([
      box.startExecutor('keep-trace', TOKEN),
      box.startExecutor('dies-trace', TOKEN),
    ]);
    // 20 rows/s for 60 s, rows i, i+2, ... to each executor
    const rows = (shift: number) =>
      Array.from({ length: 1200 }, (_, k) =>
        JSON.stringify({ timestamp: 50 * k + (k ? shift : 0), input_length: 16, output_length: 4 }),
      ).join('\n');
    const tracePath = box.path('trace.jsonl');
    await writeFile(tracePath, `${rows(0)}\n`);
    const sha256 = createHash('sha256')
      .update(`${rows(0)}\n`)
      .digest('hex');
    const file = await box.writeRecipe(
      'trace.yaml',
      recipe('lost-trace', {
        duration: '8s',
        warmup: '0s',
        clients_per_node: undefined,
        trace: tracePath,
        ignore_eos: true,
        thresholds: ['dropped_sends < 1'],
      }),
    );
    const running = orchestrate(box, {
      servers: [`127.0.0.1:${sim.port}`],
      clients: [`127.0.0.1:${a.port}`, `localhost:${b.port}`],
      file,
      results: 'r-trace',
    });
    await Promise.race([
      untilOk(b.url, 10),
      running.then((r) => {
        throw new Error(`orchestrate ended before the kill: ${r.all}`);
      }),
    ]);
    // edited while it runs (every row but the first 5 ms later), then an executor is lost
    const edited = `${rows(5)}\n`;
    await writeFile(tracePath, edited);
    process.kill(b.child.pid as number, 'SIGKILL');
    const res = await running;
    const run = await onlyRunDir(box.path('r-trace'));
    const dir = join(run, 'benchmarks', 'default');
    const summary = await readJson(join(dir, 'summary.json'));
    expect(summary.status, res.all).toBe('degraded');
    await expectCountsMatch(run, 'default');
    // the live rebuild checks the file against the digest kept at the start, as hpcbench report does
    const why = `the trace file ${tracePath} is not the one replayed: its sha256 is ${createHash('sha256').update(edited).digest('hex').slice(0, 12)}… now, ${sha256.slice(0, 12)}… when the benchmark started (metrics.json trace)`;
    expect(await readFile(join(run, 'logs', 'orchestrator.log'), 'utf8')).toContain(
      `warning: default: dropped_sends: not rebuilt: ${why}`,
    );
    const metrics = await readJson(join(dir, 'metrics.json'));
    expect(metrics.snapshot.dropped_sends_uncounted).toEqual([`localhost: ${why}`]);
    // not counted is not 0: the threshold on it has no value and fails; the gate does not judge the share
    expect(summary.dropped_sends).toBeNull();
    expect(summary.thresholds).toMatchObject([{ condition: 'dropped_sends < 1', actual: null, pass: false }]);
    expect(summary.load_generator.sent_share).toBeNull();
    if (summary.load_generator.valid)
      expect(summary.load_generator.label).toBe(
        `valid (sent share not judged: the unsent arrivals could not be counted for localhost: ${why})`,
      );
    // benchmarks.csv: an empty cell (the quoted label before it holds commas: split on the unquoted ones)
    const csv = (await readFile(join(run, 'benchmarks.csv'), 'utf8'))
      .split('\n')
      .map((l) => l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/));
    expect(csv[1][csv[0].indexOf('dropped_sends')]).toBe('');
    expect(await readFile(join(run, 'summary.md'), 'utf8')).toContain('not counted');
  }, 120_000);
  it('an open loop’s lost executor with no records file: dropped_sends null, not the survivor’s count', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim-gone', ['--load-ms', '0']);
    const [a, b] = await Promise.all([box.startExecutor('keep', TOKEN), box.startExecutor('dies', TOKEN)]);
    const file = await box.writeRecipe(
      'gone.yaml',
      recipe('lost-gone', {
        duration: '8s',
        warmup: '0s',
        target_rps: 20,
        request_distribution: 'constant',
        gen_tokens: 4,
        ignore_eos: true,
      }),
    );
    const running = orchestrate(box, {
      servers: [`127.0.0.1:${sim.port}`],
      clients: [`127.0.0.1:${a.port}`, `localhost:${b.port}`],
      file,
      results: 'r-gone',
    });
    await untilOk(b.url, 10);
    process.kill(b.child.pid as number, 'SIGKILL');
    // its records file gone too (as on a node whose folder the orchestrator does not see): nothing to rebuild
    const run = await onlyRunDir(box.path('r-gone'));
    const dir = join(run, 'benchmarks', 'default');
    await rm(join(dir, 'records-localhost.jsonl'), { force: true });
    const res = await running;
    const summary = await readJson(join(dir, 'summary.json'));
    expect(summary.status, res.all).toBe('degraded');
    expect(summary.reason).toMatch(/executor\(s\) lost: localhost \(.*connection refused\)$/);
    const metrics = await readJson(join(dir, 'metrics.json'));
    expect(metrics.per_client.map((c: { node: string }) => c.node)).toEqual(['127.0.0.1']);
    expect(metrics.snapshot.dropped_sends_uncounted).toEqual([
      expect.stringMatching(/^localhost: lost \(.*\), its records not rebuilt$/),
    ]);
    expect(summary.dropped_sends).toBeNull();
    expect(summary.load_generator.sent_share).toBeNull();
    // timeseries.csv: no window counts it as 0 either
    const [head, ...rows] = (await readFile(join(dir, 'timeseries.csv'), 'utf8')).trimEnd().split('\n');
    const col = head.split(',').indexOf('dropped_sends');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.split(',')[col])).toEqual(rows.map(() => ''));
  }, 120_000);
});
