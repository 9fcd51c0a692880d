/**
 * `hpcbench report` recovering a run whose orchestrator is gone (src/orchestrator/recover.ts) says what it
 * did: run.json's reason and phase tell a run stopped before its first benchmark, or with an unfinished
 * benchmark that had not started, from one whose figures were rebuilt (that case: test/faults/orchestrator-killed).
 * Its orchestrator is gone when its PID no longer exists or now belongs to a process started after the run;
 * identified by its boot and start (run.json's boot_id, start_ticks), also when its PID is alive here in
 * another boot or another process (a folder copied from another machine of the same name). A live
 * orchestrator identified that way is never recovered, not even with --recover; one named by a PID
 * alone (an older hpcbench's run.json) is with --recover.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recoverRun } from '../../src/orchestrator/recover.js';
import { orchestratorState, processIdentity, type RunRecord } from '../../src/results-folder/index.js';

/** The pid of a process that has ended. */
const gonePid = (): number => spawnSync(process.execPath, ['-e', '']).pid as number;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function runFolder(
  benchmarks: { name: string; status: string }[],
  orchestrator: RunRecord['orchestrator'] = { host: hostname(), pid: gonePid() },
): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-recover-'));
  const run = {
    hpcbench_version: '0',
    scenario: 's',
    run_id: 'r',
    mode: 'local',
    server_nodes: [],
    client_nodes: [],
    server_endpoints: [],
    client_endpoints: [],
    started_at: new Date().toISOString(),
    status: 'running',
    orchestrator,
    benchmarks,
  };
  await writeFile(join(dir, 'run.json'), JSON.stringify(run));
  for (const b of benchmarks) await mkdir(join(dir, 'benchmarks', b.name), { recursive: true });
  return dir;
}

const runJson = async (d: string) => JSON.parse(await readFile(join(d, 'run.json'), 'utf8'));

describe('recovering a run whose orchestrator is gone', () => {
  it('stopped before its first benchmark: interrupted, nothing claimed rebuilt', async () => {
    const d = await runFolder([
      { name: 'a', status: 'pending' },
      { name: 'b', status: 'pending' },
    ]);
    const r = await recoverRun(d);
    expect(r.recovered).toBe(true);
    expect(r.rebuilt).toEqual([]);
    const run = await runJson(d);
    expect(run.status).toBe('interrupted');
    expect(run.interrupted_phase).toBe('before the first benchmark');
    expect(run.reason).toContain('before its first benchmark');
    expect(run.reason).not.toContain('rebuilt');
    expect(run.benchmarks.map((b: { status: string }) => b.status)).toEqual(['interrupted', 'interrupted']);
  });

  it('an unfinished benchmark that had not started: its phase named, nothing claimed rebuilt', async () => {
    const d = await runFolder([
      { name: 'a', status: 'running' },
      { name: 'b', status: 'pending' },
    ]);
    const r = await recoverRun(d);
    expect(r.rebuilt).toEqual([]);
    const run = await runJson(d);
    expect(run.status).toBe('interrupted');
    expect(run.interrupted_phase).toBe('benchmark a');
    expect(run.reason).toContain('no figures to rebuild');
    expect(run.reason).not.toContain('were rebuilt');
    expect(run.benchmarks[0].reason).toContain('it had not started');
  });
});

describe('whether the orchestrator run.json names still runs', () => {
  const linux = existsSync('/proc/self/stat');
  const runOf = (startedAt: string): RunRecord =>
    ({
      status: 'running',
      started_at: startedAt,
      orchestrator: { host: hostname(), pid: process.pid },
      benchmarks: [],
    }) as unknown as RunRecord;

  it.skipIf(!linux)('its PID alive in a node process started after the run began: a reused PID, gone', () => {
    // this test's own process (node) started long after a run begun in 2000: not that run's orchestrator
    expect(orchestratorState(runOf('2000-01-01T00:00:00.000Z'))).toBe('gone');
  });

  it('its PID alive in a process started before the run began: alive', () => {
    expect(orchestratorState(runOf(new Date().toISOString()))).toBe('alive');
  });
});

describe('an orchestrator identified by its boot and start', () => {
  const linux = existsSync('/proc/sys/kernel/random/boot_id');
  const me = processIdentity();
  /** run.json naming this test's own process (alive) as its orchestrator, with `identity`. */
  const naming = (identity: object) => ({ host: hostname(), pid: process.pid, ...identity });
  const pending = [{ name: 'a', status: 'pending' }];

  it.skipIf(!linux)('the orchestrator records them: this boot, its start', () => {
    expect(me.boot_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isInteger(me.start_ticks)).toBe(true);
  });

  it.skipIf(!linux)('this very process: alive, and not recovered even with --recover', async () => {
    const d = await runFolder(pending, naming(me));
    for (const force of [false, true]) {
      const r = await recoverRun(d, () => {}, force);
      expect(r.recovered).toBe(false);
      expect(r.note).toContain(`kill ${process.pid}`);
    }
    expect((await runJson(d)).status).toBe('running');
  });

  it.skipIf(!linux)(
    'a folder copied from another machine of this name: its PID alive here is not its orchestrator',
    async () => {
      // another boot id (another machine, or this one before a reboot): gone, recovered without --recover
      const d = await runFolder(pending, naming({ ...me, boot_id: '00000000-0000-4000-8000-000000000000' }));
      const r = await recoverRun(d);
      expect(r.recovered).toBe(true);
      const run = await runJson(d);
      expect(run.status).toBe('interrupted');
      expect(run.reason).toContain('ended without finishing the run');
    },
  );

  it.skipIf(!linux)('the same boot, its PID held by a process started at another tick: reused, gone', () => {
    const run = { status: 'running', benchmarks: [], started_at: new Date().toISOString() };
    const at = (ticks: number) =>
      orchestratorState({
        ...run,
        orchestrator: naming({ ...me, start_ticks: ticks }),
      } as unknown as RunRecord);
    expect(at(me.start_ticks as number)).toBe('alive');
    // the PID check alone says alive (a node process started before the run began): the start says not
    expect(at((me.start_ticks as number) - 1)).toBe('gone');
  });

  it('named by its PID alone (an older run.json), alive here: left as it is; --recover recovers it', async () => {
    const d = await runFolder(pending, naming({}));
    const r = await recoverRun(d);
    expect(r.recovered).toBe(false);
    expect(r.note).toContain('--recover');
    expect((await runJson(d)).status).toBe('running');
    const forced = await recoverRun(d, () => {}, true);
    expect(forced.recovered).toBe(true);
    const run = await runJson(d);
    expect(run.status).toBe('interrupted');
    expect(run.reason).toContain('taken for another process');
  });
});
