/**
 * Open or closed loop is implied by target_rps; the fields of the other loop mean nothing and validate
 * says so at file:line:col, naming what is ignored — in the workload, a suite entry, a sweep axis, and the
 * first version's list form. A service whose executor runs a per-user hook refuses target_rps (E006),
 * at validate and at run, before any server starts.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../src/errors.js';
import { checkRecipeText } from '../../src/recipe/index.js';
import { selfCommand } from '../../src/util/self.js';

const HEAD = 'scenario: t\nworkload:\n  service: dummy\n  duration: 60s\n  prompt_len: 8\n';
const warnings = (text: string) =>
  checkRecipeText(HEAD + text, 'r.yaml')
    .issues.filter((i) => i.severity === 'warning')
    .map((i: ConfigIssue) => `${i.line}:${i.column} ${i.path}: ${i.message}`);

const OPEN = /ignored: target_rps makes (this|every) benchmark.* open loop .*applies to closed loop only/;
const CLOSED =
  /ignored: without target_rps (this|every) benchmark.* is closed loop .*applies to open loop only: set target_rps/;

describe('load fields of the other loop are warned about where they are written', () => {
  it('closed-loop fields beside target_rps', () => {
    const w = warnings('  target_rps: 5\n  clients_per_node: 4\n  sleep_seconds: 1\n');
    expect(w).toEqual([
      expect.stringMatching(/^7:21 workload\.clients_per_node: /),
      expect.stringMatching(/^8:18 workload\.sleep_seconds: /),
    ]);
    for (const line of w) expect(line).toMatch(OPEN);
    expect(w[0]).toMatch(/clients_per_node applies to closed loop only/);
  });

  it('closed-loop fields beside a rate ramp name the ramp fields, not target_rps', () => {
    const w = warnings(
      '  ramp: linear\n  ramp_start_rps: 1\n  ramp_end_rps: 8\n  clients_per_node: 4\n  sleep_seconds: 1\n',
    );
    expect(w).toEqual([
      expect.stringMatching(/^9:21 workload\.clients_per_node: /),
      expect.stringMatching(/^10:18 workload\.sleep_seconds: /),
    ]);
    for (const line of w) {
      expect(line).toMatch(
        /ignored: the rate ramp \(ramp, ramp_start_rps, ramp_end_rps\) makes this benchmark open loop \(requests arrive at the ramp's rate, not from a fixed number of users\)/,
      );
      expect(line).not.toMatch(/target_rps/);
    }
    // entries opened by target_rps and by a ramp: both are named
    const mixed = warnings(
      '  clients_per_node: 4\n  benchmark_suite:\n    - name: a\n      target_rps: 3\n    - name: b\n      ramp: exponential\n      ramp_start_rps: 1\n      ramp_end_rps: 9\n',
    );
    expect(mixed).toEqual([
      expect.stringMatching(
        /^6:21 workload\.clients_per_node: ignored: target_rps or a rate ramp \(ramp, ramp_start_rps, ramp_end_rps\) makes every benchmark it applies to open loop/,
      ),
    ]);
  });

  it('open-loop fields without target_rps', () => {
    const w = warnings('  max_concurrency: 4\n  burstiness: 2\n  request_distribution: constant\n');
    expect(w.map((l) => l.split(': ')[0])).toEqual([
      '6:20 workload.max_concurrency',
      '7:15 workload.burstiness',
      '8:25 workload.request_distribution',
    ]);
    for (const line of w) expect(line).toMatch(CLOSED);
  });

  it('a workload field is warned about only when every benchmark it reaches ignores it', () => {
    // clients_per_node reaches entry b (closed): used; max_concurrency reaches a (open): used
    const mixed =
      '  clients_per_node: 4\n  max_concurrency: 3\n  benchmark_suite:\n    - name: a\n      target_rps: 3\n    - name: b\n';
    expect(warnings(mixed)).toEqual([]);
    // every entry is open loop: the workload's clients_per_node reaches none that uses it
    const allOpen =
      '  clients_per_node: 4\n  benchmark_suite:\n    - name: a\n      target_rps: 3\n    - name: b\n      target_rps: 6\n';
    expect(warnings(allOpen)).toEqual([
      expect.stringMatching(/^6:21 workload\.clients_per_node: .*every benchmark it applies to/),
    ]);
  });

  it('inside suite entries', () => {
    const w = warnings(
      '  benchmark_suite:\n    - name: a\n      target_rps: 3\n      sleep_seconds: 2\n    - name: b\n      max_concurrency: 8\n',
    );
    expect(w).toEqual([
      expect.stringMatching(/^9:22 workload\.benchmark_suite\[0\]\.sleep_seconds: /),
      expect.stringMatching(/^11:24 workload\.benchmark_suite\[1\]\.max_concurrency: /),
    ]);
    expect(w[0]).toMatch(OPEN);
    expect(w[1]).toMatch(CLOSED);
  });

  it('inside sweep lists: a swept target_rps makes every point open loop', () => {
    const w = warnings(
      '  clients_per_node: 4\n  sweep:\n    target_rps: [1, 2]\n    sleep_seconds: [0, 1]\n',
    );
    expect(w).toEqual([
      expect.stringMatching(/^6:21 workload\.clients_per_node: .*every benchmark it applies to/),
      expect.stringMatching(/^9:20 workload\.sweep\.sleep_seconds: /),
    ]);
    const closed = warnings('  sweep:\n    max_concurrency: [1, 2]\n');
    expect(closed).toEqual([expect.stringMatching(/^7:22 workload\.sweep\.max_concurrency: /)]);
    expect(closed[0]).toMatch(CLOSED);
  });

  it("in the first version's format: a concurrency list beside target_rps, at the list", () => {
    const w = warnings('  target_rps: 4\n  concurrency: [1, 2]\n');
    expect(w).toEqual([
      expect.stringMatching(/^7:16 workload\.concurrency: .*concurrency applies to closed loop only/),
    ]);
  });

  it("a suite entry's request_distribution: constant that resets an open-loop workload is no warning", () => {
    const w = warnings(
      '  target_rps: 5\n  request_distribution: poisson\n  benchmark_suite:\n    - name: open\n    - name: closed\n      target_rps: null\n      request_distribution: constant\n',
    );
    expect(w).toEqual([]);
  });
});

describe('a per-user hook (closed loop only) with target_rps', () => {
  const plugin = fileURLToPath(new URL('../fixtures/plugins/per-user-service.mjs', import.meta.url));
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hpcbench-hook-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const hookRecipe = (load: string) =>
    `scenario: hook\nplugins: [${JSON.stringify(plugin)}]\nworkload:\n  service: peruser\n  model: m\n  duration: 60s\n  prompt_len: 8\n${load}servers:\n  endpoints: ["http://127.0.0.1:9"]\n`;
  const cli = async (args: string[]) => {
    const self = selfCommand(...args);
    const r = await execa(self.command, self.args, { reject: false, timeout: 60_000, cwd: dir });
    return { code: r.exitCode, out: `${r.stdout}\n${r.stderr}` };
  };

  it('validate refuses it at the target_rps line with the executor refusal; closed loop is valid', async () => {
    const file = join(dir, 'open.yaml');
    await writeFile(file, hookRecipe('  target_rps: 5\n'));
    const r = await cli(['validate', file]);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(
      `${file}:8:15: error: workload.target_rps: service peruser: the service runs a per-user hook`,
    );
    expect(r.out).toMatch(/which has no open loop: remove target_rps/);
    expect(r.out).toMatch(/E006/);
    const suite = join(dir, 'suite.yaml');
    await writeFile(
      suite,
      hookRecipe('  benchmark_suite:\n    - name: users\n    - name: rate\n      target_rps: 2\n'),
    );
    const s = await cli(['validate', suite]);
    expect(s.code, s.out).toBe(1);
    expect(s.out).toContain(`${suite}:11:19: error: workload.benchmark_suite[1].target_rps: service peruser`);
    const ok = join(dir, 'closed.yaml');
    await writeFile(ok, hookRecipe('  clients_per_node: 2\n'));
    expect((await cli(['validate', ok])).code).toBe(0);
  });

  it('run refuses it before any server or executor starts: no results folder', async () => {
    const file = join(dir, 'open.yaml');
    const results = join(dir, 'results');
    const r = await cli(['run', file, '--results-dir', results]);
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toMatch(/E006/);
    expect(r.out).toMatch(/workload\.target_rps: service peruser: the service runs a per-user hook/);
    await expect(readdir(results)).rejects.toThrow(/ENOENT/);
  });
});
