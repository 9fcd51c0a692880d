/**
 * The orchestrator itself SIGKILLed mid-benchmark (`hpcbench run`, local: a simulator and 2 executors).
 * The folder is left at `running`, the second benchmark without summary.json. `hpcbench report RUN_DIR`
 * rebuilds that benchmark from the executors' records files: its summary counts equal the records' counts
 * exactly, the benchmark and the run are `interrupted` with why, the finished first benchmark stays
 * `completed`, the recipe's thresholds for it (one passing, one failing) are judged on the rebuilt figures
 * (summary.json, report.html, the table `report` prints), report.html is written; `check` and `compare` say the run is interrupted. The children the
 * killed run left (listed in launch/pids, or naming the run folder: the watchdog too) are stopped by PID.
 * A multi-turn session run with monitoring (a fake nvidia-smi for GPU power) killed the same way gets its
 * sessions counts, its server view from the monitor's scrapes and the idle baseline of run.json back, and
 * says in `recovery` what the monitor that died with the orchestrator did not write. An open-loop run
 * (`orchestrate` against a simulator and an executor the test started) whose executor cannot keep the
 * rate — one request in flight (--max-concurrency 1), each taking over 100 ms, at 50/s — killed the same
 * way: its rebuilt benchmark gets the load-generator gate a finished one would, judged on the sends due
 * by its last send measured (its dropped_sends exactly those, not the planned window's), and is
 * `invalid (load generator)` in summary.json, summary.md, report.html and the output of `report`, the
 * run still interrupted. A trace replay killed the same way gets them too, its unsent rows counted from
 * the trace file (checked against the digest metrics.json kept of it).
 */
import { createHash } from 'node:crypto';
import { cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { esc } from '../../src/report/html-page.js';
import { selfCommand } from '../../src/util/self.js';
import {
  expectCountsMatch,
  gone,
  readJson,
  recipe,
  recordCounts,
  runCli,
  TOKEN,
  until,
  useSandbox,
} from './helpers.js';

const sandbox = useSandbox('hpcbench-faults-killed-');
const FAKE_GPU_DIR = fileURLToPath(new URL('../monitor/fixtures/fake-gpu', import.meta.url));

async function runDirOf(base: string): Promise<string | undefined> {
  const [run] = await readdir(base).catch(() => [] as string[]);
  return run ? join(base, run) : undefined;
}

async function pidsOf(run: string): Promise<number[]> {
  const text = await readFile(join(run, 'launch', 'pids'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

/** PIDs of the processes whose command line names `text` (every child of the run names its folder). */
async function processesNaming(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    const cmd = await readFile(`/proc/${d}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(text)) found.push(Number(d));
  }
  return found;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, sig);
    } catch {
      // gone already
    }
  }
}

/** Stops what the killed run left: TERM (whole records lines), then KILL what is still there. */
async function stopLeftovers(run: string): Promise<number[]> {
  const pids = [...new Set([...(await pidsOf(run)), ...(await processesNaming(run))])];
  for (const p of pids) signal(p, 'SIGTERM');
  for (const p of await gone(pids, 15_000)) signal(p, 'SIGKILL');
  const left = await gone([...pids, ...(await processesNaming(run))], 10_000);
  return left;
}

/** Lines of each records file of a benchmark. */
async function recordLines(run: string, bench: string): Promise<number[]> {
  const dir = join(run, 'benchmarks', bench);
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => /^records-.*\.jsonl$/.test(f));
  return Promise.all(
    files.map(async (f) => (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean).length),
  );
}

/**
 * Runs `file` (benchmarks `first`, then `second`) and SIGKILLs the orchestrator once `second` measures on
 * both executors; stops what it left. Returns the run folder.
 */
async function killMidSecond(file: string, base: string, env?: Record<string, string>): Promise<string> {
  const self = selfCommand('run', file, '--results-dir', base);
  const cli = execa(self.command, self.args, { reject: false, all: true, ...(env ? { env } : {}) });
  let run: string | undefined;
  try {
    run = await until('the second benchmark measuring on both executors', async () => {
      const r = await runDirOf(base);
      if (!r) return undefined;
      const lines = await recordLines(r, 'second');
      return lines.length === 2 && lines.every((n) => n >= 20) ? r : undefined;
    });
  } finally {
    cli.kill('SIGKILL');
    await cli;
    const r = run ?? (await runDirOf(base));
    if (r) expect(await stopLeftovers(r)).toEqual([]);
  }
  return run as string;
}

/** Every record of a benchmark. */
async function allRecords(run: string, bench: string): Promise<Record<string, unknown>[]> {
  const dir = join(run, 'benchmarks', bench);
  const files = (await readdir(dir)).filter((f) => /^records-.*\.jsonl$/.test(f));
  const out: Record<string, unknown>[] = [];
  for (const f of files)
    for (const l of (await readFile(join(dir, f), 'utf8')).split('\n')) if (l) out.push(JSON.parse(l)); // whole lines: the executors were stopped with TERM
  return out;
}

describe('the orchestrator SIGKILLed mid-benchmark', () => {
  it('hpcbench report rebuilds the unfinished benchmark from the records files; the run is interrupted', async () => {
    const box = sandbox();
    const file = await box.writeRecipe(
      'killed.yaml',
      recipe('killed', {
        warmup: '0s',
        gen_tokens: 8,
        thresholds: ['e2e.p99 < 60s'],
        benchmark_suite: [
          { name: 'first', duration: '2s' },
          { name: 'second', duration: '120s', thresholds: ['ttft.p50 < 0.01ms'] },
        ],
      }),
    );
    const base = box.path('r-killed');
    const runDir = await killMidSecond(file, base);
    const before = await readJson(join(runDir, 'run.json'));
    expect(before.status).toBe('running');
    expect(before.benchmarks.map((b: { status: string }) => b.status)).toEqual(['completed', 'running']);
    const started = await readJson(join(runDir, 'benchmarks', 'second', 'metrics.json'));
    expect(started.status).toBe('running');
    expect(started.executors.map((e: { index: number; count: number }) => [e.index, e.count])).toEqual([
      [0, 2],
      [1, 2],
    ]);

    // the same folder as if its orchestrator had run on another host (a Slurm batch node): report cannot
    // tell whether it still runs, leaves it as it is and says what to do; --recover recovers it
    const copy = box.path('elsewhere');
    await cp(runDir, copy, { recursive: true });
    await writeFile(
      join(copy, 'run.json'),
      JSON.stringify({ ...before, orchestrator: { ...before.orchestrator, host: 'batch-node-elsewhere' } }),
    );
    const unsure = await runCli(['report', copy]);
    expect(unsure.exitCode, unsure.all).toBe(0);
    expect(unsure.stderr).toMatch(
      /^note: .*ran on batch-node-elsewhere, not this host.*hpcbench report --recover RUN_DIR/m,
    );
    expect((await readJson(join(copy, 'run.json'))).status).toBe('running');
    const forced = await runCli(['report', '--recover', copy]);
    expect(forced.stderr).toMatch(/^recovered: .*another host\) is gone \(--recover\)/m);
    expect((await readJson(join(copy, 'run.json'))).status).toBe('interrupted');
    await expectCountsMatch(copy, 'second');

    // before the report, check already says the run did not complete
    const early = await runCli(['check', runDir, '--threshold', 'error_rate < 1%']);
    expect(early.stdout).toMatch(
      /note: the run is interrupted \(run\.json says running but its orchestrator is gone/,
    );

    const rep = await runCli(['report', runDir]);
    expect(rep.exitCode, rep.all).toBe(0);
    expect(rep.stderr).toMatch(
      /^recovered: run\.json said running but its orchestrator \(pid \d+ on .+\) ended/m,
    );
    expect(rep.stderr).toMatch(/rebuilt from the records files: second/);
    expect((await stat(join(runDir, 'report.html'))).size).toBeGreaterThan(0);

    const rec = await recordCounts(runDir, 'second');
    expect(rec.files).toHaveLength(2);
    expect(rec.files.every((f) => f.wholeLines)).toBe(true);
    expect(rec.ok).toBeGreaterThanOrEqual(40);
    const summary = await expectCountsMatch(runDir, 'second');
    expect(summary.status).toBe('interrupted');
    expect(summary.reason).toMatch(
      /orchestrator stopped mid-benchmark.*rebuilt from 2 executor records file/,
    );
    expect(summary.latency_ms.e2e.count).toBe(rec.ok);
    expect(summary.parameters.executors).toBe(2);
    // the recipe's thresholds for it (the workload's, then its entry's), judged on the rebuilt figures
    expect(
      summary.thresholds.map((t: { condition: string; pass: boolean }) => [t.condition, t.pass]),
    ).toEqual([
      ['e2e.p99 < 60s', true],
      ['ttft.p50 < 0.01ms', false],
    ]);
    expect(summary.thresholds[1].actual).toBe(summary.latency_ms.ttft.p50);
    expect(summary.recovery.join('\n')).toMatch(
      /^thresholds: evaluated on the rebuilt figures: 1 of 2 failed \(ttft\.p50 < 0\.01ms: [\d.]+ms\)$/m,
    );
    expect(rep.stdout).toMatch(/^second +ttft\.p50 < 0\.01ms +[\d.]+ms +FAIL$/m);
    expect(rep.stdout).toMatch(/^thresholds: 1 of 3 failed$/m);
    expect(rep.stdout).toMatch(
      /^note: the run is interrupted: the thresholds of second were evaluated by hpcbench report on the rebuilt figures/m,
    );

    const after = await readJson(join(runDir, 'run.json'));
    expect(after).toMatchObject({
      status: 'interrupted',
      interrupted_phase: 'benchmark second',
      recovered: { by: 'hpcbench report', benchmarks: ['second'] },
    });
    expect(after.reason).toMatch(/ended without finishing the run/);
    expect(after.benchmarks.map((b: { status: string }) => b.status)).toEqual(['completed', 'interrupted']);
    // the finished benchmark is kept as it was
    await expectCountsMatch(runDir, 'first');
    const runSummary = await readJson(join(runDir, 'summary.json'));
    expect(runSummary.status).toBe('interrupted');
    expect(runSummary.thresholds).toEqual({ failed: 1, passed: 2 });
    const first = await readJson(join(runDir, 'benchmarks', 'first', 'summary.json'));
    expect(runSummary.totals.total_requests).toBe(first.requests.sent + summary.requests.sent);
    const html = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(html).toMatch(/interrupted/);
    // report.html says near the top that the run was rebuilt, with each of the recovery lines
    expect(html).toContain('<h2>Recovered run</h2>');
    expect(summary.recovery.length).toBeGreaterThan(0);
    for (const line of summary.recovery) expect(html).toContain(`<li>${esc(`second: ${line}`)}</li>`);
    // its Thresholds section: the failed one, and no claim of a completed run's exit 99
    expect(html).toContain('thresholds: 1 of 3 failed (the run is interrupted: judged on what it measured)');
    expect(html).not.toContain('(exit 99)');

    // check and compare say so
    const check = await runCli(['check', runDir, '--threshold', 'error_rate < 1%', '--json']);
    const checked = JSON.parse(check.stdout);
    expect(checked.status).toBe('interrupted');
    expect(checked.benchmarks.map((b: { status: string }) => b.status)).toEqual(['completed', 'interrupted']);
    const cmp = await runCli(['compare', runDir, runDir, '--resamples', '200']);
    expect(cmp.stdout).toMatch(/note: the baseline .* is interrupted \(.*ended without finishing the run/);
    expect(cmp.stdout).toMatch(
      /benchmark second \(bootstrap of the records; baseline interrupted, run interrupted\)/,
    );

    // a second report leaves the recovered folder as it is
    const again = await runCli(['report', runDir]);
    expect(again.stderr).not.toMatch(/recovered:/);
    expect((await readJson(join(runDir, 'benchmarks', 'second', 'summary.json'))).requests).toEqual(
      summary.requests,
    );
  }, 240_000);

  it('a session run with monitoring: sessions, the server view and the idle baseline rebuilt, the rest said', async () => {
    const box = sandbox();
    const file = await box.writeRecipe(
      'killed-sessions.yaml',
      recipe(
        'killed-sessions',
        {
          warmup: '0s',
          api: 'chat',
          gen_tokens: 8,
          session: { turns: 3, think_time: '20ms' },
          benchmark_suite: [
            { name: 'first', duration: '2s' },
            { name: 'second', duration: '120s' },
          ],
        },
        {
          monitoring: { enabled: true, interval: 0.5 },
          servers: { health_check: { timeout: 20, interval: 0.2 } },
        },
      ),
    );
    const runDir = await killMidSecond(file, box.path('r-killed-sessions'), {
      PATH: `${FAKE_GPU_DIR}${delimiter}${process.env.PATH}`,
      FAKE_GPU_POWER: '300,150',
    });
    const before = await readJson(join(runDir, 'run.json'));
    expect(before.status).toBe('running');
    // measured before the first benchmark, kept in run.json at once
    expect(before.idle_baseline.gpu_power_w).toBeCloseTo(450, 0);

    const rep = await runCli(['report', runDir]);
    expect(rep.exitCode, rep.all).toBe(0);
    expect(rep.stderr).toMatch(
      /^recovery: second: client figures: rebuilt from 2 executor records file\(s\), the multi-turn session counts with them$/m,
    );
    const summary = await expectCountsMatch(runDir, 'second');
    // the sessions: begun = first turns recorded, completed = last planned turns ended ok
    const recs = await allRecords(runDir, 'second');
    expect(recs.every((r) => r.turns === 3)).toBe(true);
    const started = recs.filter((r) => r.turn === 1).length;
    const completed = recs.filter((r) => r.status === 'ok' && r.turn === r.turns).length;
    expect(completed).toBeGreaterThan(0);
    expect(summary.sessions).toEqual({ started, completed });
    expect(summary.per_turn.map((t: { turn: number }) => t.turn)).toEqual([1, 2, 3]);
    // the server view from the monitor's scrapes of the simulator's /metrics
    expect(summary.server_metrics.window.start_trigger).toBe('monitor-scrape');
    expect(summary.server_metrics.counters.generation_tokens).toBeGreaterThan(0);
    const lines = summary.recovery.join('\n');
    expect(lines).toMatch(/^server_metrics: rebuilt from the monitor’s server scrapes/m);
    // the monitor died with the orchestrator while the executors went on: the energy of the window is
    // not on disk and the summary says so (or, had its samples reached the end, it is rebuilt)
    if (summary.energy) expect(lines).toMatch(/^energy: rebuilt from the monitor CSVs/m);
    else
      expect(lines).toMatch(
        /^energy: not rebuilt: the monitors’ power samples end at .* \(they stopped with the orchestrator\)/m,
      );
    // the finished benchmark keeps its own, measured by the run
    const first = await readJson(join(runDir, 'benchmarks', 'first', 'summary.json'));
    expect(first.recovery).toBeUndefined();
    expect(first.energy.idle).toEqual(before.idle_baseline);
  }, 240_000);

  it('an open-loop executor that cannot keep the rate: the recovered benchmark is invalid (load generator)', async () => {
    const box = sandbox();
    // every request takes 4 decode steps of 30 ms, and the executor holds one in flight: it sends at most
    // about 8 of the 50 requests/s asked, however fast the machine (a slower one sends fewer)
    const sim = await box.startSim('sim-behind', ['--load-ms', '0', '--decode-step-ms', '30']);
    const ex = await box.startSelf(
      'executor-behind',
      [
        ...['executor', '--service', 'dummy', '--host', '127.0.0.1', '--port', '0', '--node', 'behind'],
        ...['--records-dir', box.path('.'), '--max-concurrency', '1'],
      ],
      { HPCBENCH_TOKEN: TOKEN },
    );
    const file = await box.writeRecipe(
      'behind.yaml',
      recipe('behind', {
        warmup: '0s',
        duration: '120s',
        target_rps: 50,
        request_distribution: 'constant',
        gen_tokens: 4,
        ignore_eos: true,
      }),
    );
    const base = box.path('r-behind');
    const self = selfCommand(
      ...['orchestrate', '--server-nodes', `127.0.0.1:${sim.port}`],
      ...['--client-nodes', `127.0.0.1:${ex.port}`, '--workload-config-file', file],
      ...['--quiet', '--results-dir', base],
    );
    const cli = execa(self.command, self.args, { reject: false, all: true, env: { HPCBENCH_TOKEN: TOKEN } });
    let runDir: string | undefined;
    try {
      runDir = await until('the benchmark measuring', async () => {
        const r = await runDirOf(base);
        const lines = r ? await recordLines(r, 'default') : [];
        return r && lines.length === 1 && lines[0] >= 10 ? r : undefined;
      });
    } finally {
      cli.kill('SIGKILL');
      await cli;
    }
    // the executor went on sending after the orchestrator died; stopped by SIGTERM, it writes its records
    process.kill(ex.child.pid as number, 'SIGTERM');
    await ex.child.exited;
    const run = runDir as string;
    expect(await processesNaming(run)).toEqual([]);
    expect((await readJson(join(run, 'run.json'))).status).toBe('running');

    // the executor's measurement start, kept in metrics.json while the benchmark runs
    const started = await readJson(join(run, 'benchmarks', 'default', 'metrics.json'));
    const w: number = started.executors[0].window_start;

    const rep = await runCli(['report', run]);
    expect(rep.exitCode, rep.all).toBe(0);
    const summary = await expectCountsMatch(run, 'default');
    expect(summary.status).toBe('interrupted');

    // the sends due by the last one measured: constant arrivals every 20 ms from the measurement start;
    // those after the latest one recorded and before the last send were due and never sent
    const measured = (await allRecords(run, 'default')).filter((r) => !r.warmup) as {
      scheduled: number;
      sent: number;
    }[];
    const lastScheduled = Math.max(...measured.map((r) => r.scheduled));
    const lastSend = Math.max(...measured.map((r) => r.sent));
    let unsent = 0;
    for (let k = 0; w + (k / 50) * 1000 < lastSend; k++)
      if (w + (k / 50) * 1000 > lastScheduled + 1e-3) unsent++;
    expect(unsent).toBeGreaterThan(summary.requests.sent);
    expect(summary.dropped_sends).toBe(unsent);
    // not the planned window's 6,000 arrivals: only those due by the last send measured
    expect(summary.requests.sent + summary.dropped_sends).toBeLessThanOrEqual(
      ((lastSend - w) / 1000) * 50 + 1,
    );
    expect(summary.recovery).toContain(
      `dropped_sends: rebuilt: ${unsent} of the ${summary.requests.sent + unsent} arrivals due by its executor’s last send measured (${new Date(lastSend).toISOString()}, ${((lastSend - w) / 1000).toFixed(1)} s into the measurement) had not been sent; those scheduled after it were not due yet by then (the measurement ends there) and are not counted`,
    );

    // the gate a finished benchmark gets: its sent share and schedule lag both fail
    const gate = summary.load_generator;
    expect(gate).toMatchObject({ valid: false, label: 'invalid (load generator)', requested_rps: 50 });
    expect(gate.sent_share).toBeCloseTo(summary.requests.sent / (summary.requests.sent + unsent), 9);
    expect(gate.reasons[0]).toMatch(
      new RegExp(`^sent ${summary.requests.sent} of ${summary.requests.sent + unsent} scheduled sends \\(`),
    );
    expect(gate.reasons[1]).toMatch(/^schedule lag p99 \d+\.\d ms above max_schedule_lag 50 ms$/);
    expect(summary.reason).toMatch(/; invalid \(load generator\): sent \d+ of \d+ scheduled sends/);
    expect(summary.recovery.join('\n')).toMatch(
      /^load_generator: judged on the rebuilt figures up to the last send measured, [\d.]+% of the sends due by then made: invalid \(load generator\): /m,
    );
    expect(rep.stdout).toContain(
      `load_generator: default: invalid (load generator): ${gate.reasons.join('; ')}\n`,
    );
    expect(rep.stdout).toMatch(
      /^note: the run is interrupted: the load generator of default was judged by hpcbench report on the rebuilt figures/m,
    );
    // every output says it; the run stays interrupted
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson.status).toBe('interrupted');
    expect(runJson.benchmarks[0].status).toBe('interrupted');
    const runSummary = await readJson(join(run, 'summary.json'));
    expect(runSummary.status).toBe('interrupted');
    expect(runSummary.benchmarks[0].load_generator).toEqual(gate);
    const md = await readFile(join(run, 'summary.md'), 'utf8');
    expect(md).toContain('| default | interrupted, invalid (load generator) |');
    expect(md).toContain('warning: benchmark default interrupted, invalid (load generator): sent ');
    const html = await readFile(join(run, 'report.html'), 'utf8');
    expect(html).toContain('<td>interrupted, invalid (load generator)</td>');
  }, 240_000);

  it('a trace replay whose executor cannot keep the trace’s times: dropped rows counted from the trace file', async () => {
    const box = sandbox();
    const sim = await box.startSim('sim-trace', ['--load-ms', '0', '--decode-step-ms', '30']);
    // the trace: 50 rows/s for 120 s, unevenly (odd rows 5 ms late), 4 output tokens each
    const times = Array.from({ length: 6000 }, (_, k) => 20 * k + (k % 2) * 5);
    const text = `${times.map((t) => JSON.stringify({ timestamp: t, input_length: 16, output_length: 4 })).join('\n')}\n`;
    const tracePath = box.path('trace.jsonl');
    await writeFile(tracePath, text);
    // one request in flight, each 4 decode steps of 30 ms: at most about 8 of the 50 rows/s are sent
    const ex = await box.startSelf(
      'executor-trace',
      [
        ...['executor', '--service', 'dummy', '--host', '127.0.0.1', '--port', '0', '--node', 'replayer'],
        ...['--records-dir', box.path('.'), '--dataset-dir', box.path('.'), '--max-concurrency', '1'],
      ],
      { HPCBENCH_TOKEN: TOKEN },
    );
    const file = await box.writeRecipe(
      'trace.yaml',
      recipe('trace', {
        warmup: '0s',
        duration: '120s',
        clients_per_node: undefined,
        trace: tracePath,
        ignore_eos: true,
      }),
    );
    const base = box.path('r-trace');
    const self = selfCommand(
      ...['orchestrate', '--server-nodes', `127.0.0.1:${sim.port}`],
      ...['--client-nodes', `127.0.0.1:${ex.port}`, '--workload-config-file', file],
      ...['--quiet', '--results-dir', base],
    );
    const cli = execa(self.command, self.args, { reject: false, all: true, env: { HPCBENCH_TOKEN: TOKEN } });
    let runDir: string | undefined;
    try {
      runDir = await until('the trace replay measuring', async () => {
        const r = await runDirOf(base);
        const lines = r ? await recordLines(r, 'default') : [];
        return r && lines.length === 1 && lines[0] >= 10 ? r : undefined;
      });
    } finally {
      cli.kill('SIGKILL');
      await cli;
    }
    process.kill(ex.child.pid as number, 'SIGTERM');
    await ex.child.exited;
    const run = runDir as string;
    expect(await processesNaming(run)).toEqual([]);
    expect((await readJson(join(run, 'run.json'))).status).toBe('running');
    // the trace file's digest, kept in metrics.json from the benchmark's start
    const started = await readJson(join(run, 'benchmarks', 'default', 'metrics.json'));
    const sha256 = createHash('sha256').update(text).digest('hex');
    expect(started.trace).toEqual({ path: tracePath, sha256 });
    const w: number = started.executors[0].window_start;

    const rep = await runCli(['report', run]);
    expect(rep.exitCode, rep.all).toBe(0);
    const summary = await expectCountsMatch(run, 'default');
    expect(summary.status).toBe('interrupted');
    // the rows after the latest one recorded and before the last send were due and never sent
    const measured = (await allRecords(run, 'default')).filter((r) => !r.warmup) as {
      scheduled: number;
      sent: number;
    }[];
    const lastScheduled = Math.max(...measured.map((r) => r.scheduled));
    const lastSend = Math.max(...measured.map((r) => r.sent));
    const unsent = times.filter((t) => w + t > lastScheduled + 1e-3 && w + t < lastSend).length;
    expect(unsent).toBeGreaterThan(summary.requests.sent);
    expect(summary.dropped_sends).toBe(unsent);
    const due = times.filter((t) => w + t < lastSend).length;
    expect(summary.requested_rps).toBeCloseTo(due / ((lastSend - w) / 1000), 6);
    expect(summary.recovery).toContain(
      `trace: the rows of ${tracePath} replayed, the file the benchmark started with (sha256 ${sha256.slice(0, 12)}…, metrics.json trace)`,
    );
    expect(summary.recovery).toContain(
      `dropped_sends: rebuilt: ${unsent} of the ${summary.requests.sent + unsent} arrivals due by its executor’s last send measured (${new Date(lastSend).toISOString()}, ${((lastSend - w) / 1000).toFixed(1)} s into the measurement) had not been sent; those scheduled after it were not due yet by then (the measurement ends there) and are not counted`,
    );
    const gate = summary.load_generator;
    expect(gate).toMatchObject({ valid: false, label: 'invalid (load generator)' });
    expect(gate.sent_share).toBeCloseTo(summary.requests.sent / (summary.requests.sent + unsent), 9);
    expect(gate.reasons[0]).toMatch(
      new RegExp(`^sent ${summary.requests.sent} of ${summary.requests.sent + unsent} scheduled sends \\(`),
    );
    expect(rep.stdout).toContain(
      `load_generator: default: invalid (load generator): ${gate.reasons.join('; ')}\n`,
    );
    const md = await readFile(join(run, 'summary.md'), 'utf8');
    expect(md).toContain('| default | interrupted, invalid (load generator) |');
    expect((await readJson(join(run, 'run.json'))).status).toBe('interrupted');
  }, 240_000);
});
