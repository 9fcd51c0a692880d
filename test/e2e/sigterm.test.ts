/**
 * SIGTERM mid-run: `hpcbench run` stops the workload, keeps what was measured, writes the results
 * (status interrupted), stops every child process and exits non-zero (143).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfCommand } from '../../src/util/self.js';
import { readJson, recipe, Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create();
});
afterAll(async () => {
  await box.close();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until the run measures: run.json names the executors and the first benchmark runs, and the
 * executors' GET /status report completed requests. Returns the run folder.
 */
async function waitForRequests(base: string, deadline: number): Promise<string> {
  while (Date.now() < deadline) {
    const [run] = await readdir(base).catch(() => [] as string[]);
    const runJson = run
      ? await readFile(join(base, run, 'run.json'), 'utf8').then(JSON.parse, () => undefined)
      : undefined;
    if (runJson?.benchmarks?.[0]?.status === 'running') {
      let ok = 0;
      for (const ep of runJson.client_endpoints as string[]) {
        const url = ep.startsWith('http') ? ep : `http://${ep}`;
        const s = (await fetch(`${url}/status`).then(
          (r) => r.json(),
          () => undefined,
        )) as { requests_ok?: number } | undefined;
        ok += s?.requests_ok ?? 0;
      }
      if (ok > 0) return join(base, run);
    }
    await sleep(200);
  }
  throw new Error('the run never measured a request');
}

describe('SIGTERM during hpcbench run', () => {
  it('keeps partial results, stops its children and exits 143', async () => {
    const file = await box.writeRecipe('long.yaml', recipe('long', { duration: '120s', warmup: '0s' }));
    const self = selfCommand('run', file, '--results-dir', box.path('results'), '--quiet');
    const cli = execa(self.command, self.args, { reject: false, all: true });
    let run: string;
    try {
      run = await waitForRequests(box.path('results'), Date.now() + 90_000);
      await sleep(1500);
      cli.kill('SIGTERM');
    } catch (err) {
      cli.kill('SIGKILL');
      throw err;
    }
    const res = await cli;
    expect(res.exitCode, res.all).toBe(143);
    expect(res.all).toMatch(/interrupted/);
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'interrupted', exit_code: 143 });
    expect(runJson.benchmarks[0].status).toBe('interrupted');
    expect(Date.parse(runJson.ended_at) - Date.parse(runJson.started_at)).toBeLessThan(100_000);
    const name = runJson.benchmarks[0].name;
    const metrics = await readJson(join(run, 'benchmarks', name, 'metrics.json'));
    expect(metrics.status).toBe('interrupted');
    expect(metrics.aggregate.total_requests).toBeGreaterThan(0);
    const records = (await readdir(join(run, 'benchmarks', name))).filter((f) => f.startsWith('records-'));
    expect(records.length).toBe(2);
    const lines = (await readFile(join(run, 'benchmarks', name, records[0]), 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    const summary = await readJson(join(run, 'summary.json'));
    expect(summary.status).toBe('interrupted');
    for (const pid of Object.values(runJson.pids as Record<string, number>)) expect(alive(pid)).toBe(false);
  }, 240_000);

  it('SIGKILL of hpcbench itself: the watchdog stops the orphaned children', async () => {
    const file = await box.writeRecipe('killed.yaml', recipe('killed', { duration: '120s', warmup: '0s' }));
    const base = box.path('results-killed');
    const self = selfCommand('run', file, '--results-dir', base, '--quiet');
    const cli = execa(self.command, self.args, { reject: false });
    let run: string;
    try {
      run = await waitForRequests(base, Date.now() + 90_000);
    } finally {
      cli.kill('SIGKILL');
    }
    await cli;
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson.status).toBe('running'); // nothing could be written after SIGKILL
    const pids = Object.values(runJson.pids as Record<string, number>);
    expect(pids).toHaveLength(3);
    const deadline = Date.now() + 30_000;
    while (pids.some(alive) && Date.now() < deadline) await sleep(250);
    expect(pids.filter(alive)).toEqual([]);
  }, 240_000);
});
