/**
 * Signals at every phase of `hpcbench run` (local): SIGTERM while waiting for a server that never gets
 * healthy, SIGINT during launch and during warmup, SIGKILL during launch. Each run ends (well before
 * any of its timeouts), writes run.json (status interrupted, the phase it was in, exit_code = the
 * process's 130/143), keeps what was measured and leaves no child process behind (the PIDs the
 * watchdog was given, from launch/pids).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/exit-codes.js';
import { selfCommand } from '../../src/util/self.js';
import { refusedPort } from '../fixtures/net-conditions.js';
import { gone, readJson, recipe, until, useSandbox } from './helpers.js';

const sandbox = useSandbox('hpcbench-faults-sig-');

function start(file: string, base: string) {
  const self = selfCommand('run', file, '--results-dir', base);
  const cli = execa(self.command, self.args, { reject: false, all: true });
  let out = '';
  cli.all?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { cli, output: () => out };
}

async function runDirOf(base: string): Promise<string | undefined> {
  const [run] = await readdir(base).catch(() => [] as string[]);
  return run ? join(base, run) : undefined;
}

/** PIDs of the processes whose command line contains `text` (every child of a run names its folder). */
async function processesNaming(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const cmd = await readFile(`/proc/${d}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(text)) found.push(Number(d));
  }
  return found;
}

async function pidsOf(run: string): Promise<number[]> {
  const text = await readFile(join(run, 'launch', 'pids'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

describe('signals at every phase of hpcbench run', () => {
  it('SIGTERM while waiting for server health: the wait was visible; ends at once, run.json interrupted', async () => {
    const box = sandbox();
    const port = await refusedPort();
    const file = await box.writeRecipe(
      'health.yaml',
      recipe(
        'health',
        { duration: '5s', warmup: '0s' },
        {
          orchestration: { mode: 'local', node_allocation: { clients: { nodes: 1 } } },
          servers: { endpoints: [`http://127.0.0.1:${port}`], health_check: { timeout: 300, interval: 0.5 } },
        },
      ),
    );
    const base = box.path('r-health');
    const { cli, output } = start(file, base);
    try {
      await until('the wait line', async () =>
        /waiting for dummy health/.test(output()) ? true : undefined,
      );
    } catch (err) {
      cli.kill('SIGKILL');
      throw err;
    }
    expect(output()).toMatch(
      new RegExp(`http://127\\.0\\.0\\.1:${port} \\(connection refused\\) — \\d+s of 300s`),
    );
    cli.kill('SIGTERM');
    const res = await cli;
    expect(res.exitCode, res.all).toBe(EXIT_CODES.sigterm);
    expect(res.all).toMatch(/during server-health/);
    const run = (await runDirOf(base)) as string;
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({
      status: 'interrupted',
      exit_code: EXIT_CODES.sigterm,
      interrupted_phase: 'server-health',
    });
    expect(runJson.benchmarks[0].status).toBe('interrupted');
    expect(await gone(await pidsOf(run))).toEqual([]);
  }, 120_000);

  it('SIGINT during launch: run.json written (interrupted, exit 130), no child left', async () => {
    const box = sandbox();
    const file = await box.writeRecipe('launch.yaml', recipe('launch', { duration: '30s', warmup: '0s' }));
    const base = box.path('r-launch');
    const { cli } = start(file, base);
    let run: string;
    try {
      run = await until('a spawned child', async () => {
        const r = await runDirOf(base);
        return r && (await pidsOf(r)).length > 0 ? r : undefined;
      });
    } catch (err) {
      cli.kill('SIGKILL');
      throw err;
    }
    cli.kill('SIGINT');
    const res = await cli;
    expect(res.exitCode, res.all).toBe(EXIT_CODES.sigint);
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'interrupted', exit_code: EXIT_CODES.sigint });
    expect(typeof runJson.interrupted_phase).toBe('string');
    expect(await gone(await pidsOf(run))).toEqual([]);
  }, 120_000);

  it('SIGINT during warmup: interrupted in warmup, no "all requests failed" verdict', async () => {
    const box = sandbox();
    const file = await box.writeRecipe('warm.yaml', recipe('warm', { duration: '5s', warmup: '60s' }));
    const base = box.path('r-warm');
    const { cli, output } = start(file, base);
    let run: string;
    try {
      run = await until('the warmup', async () => {
        const r = await runDirOf(base);
        const j = r && (await readJson(join(r, 'run.json')).catch(() => undefined));
        return j?.benchmarks?.[0]?.status === 'running' && /▶ benchmark/.test(output()) ? r : undefined;
      });
      await sleep(1500);
    } catch (err) {
      cli.kill('SIGKILL');
      throw err;
    }
    cli.kill('SIGINT');
    const res = await cli;
    expect(res.exitCode, res.all).toBe(EXIT_CODES.sigint);
    expect(res.all).not.toMatch(/requests failed|no request succeeded/);
    expect(res.stdout).toMatch(/^default\s+interrupted/m);
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({ status: 'interrupted', exit_code: EXIT_CODES.sigint });
    expect(runJson.interrupted_phase).toMatch(/^benchmark default \((starting|warmup)\)$/);
    expect(await gone(await pidsOf(run))).toEqual([]);
  }, 120_000);

  it('SIGKILL during launch: the watchdog, started before the first child, stops every child', async () => {
    const box = sandbox();
    const file = await box.writeRecipe('kill.yaml', recipe('kill', { duration: '30s', warmup: '0s' }));
    const base = box.path('r-kill');
    const { cli } = start(file, base);
    let run: string;
    try {
      run = await until('a spawned child', async () => {
        const r = await runDirOf(base);
        return r && (await pidsOf(r)).length > 0 ? r : undefined;
      });
    } finally {
      cli.kill('SIGKILL');
    }
    await cli;
    // the launcher may have spawned more children before the kill: all are in the file
    const pids = await pidsOf(run);
    expect(pids.length).toBeGreaterThan(0);
    expect(await gone(pids, 30_000)).toEqual([]);
    // also a child hpcbench was killed while spawning (forked, never in the PID file): none names the run
    expect(await gone(await processesNaming(run), 30_000)).toEqual([]);
  }, 120_000);
});
