/**
 * What the executor or the job-script renderer would refuse, `hpcbench validate` refuses first (E006 with
 * file:line:col), through the same code: the workload contract's schemas and the one Slurm time parser.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSbatch, signalLead } from '../../src/launch/slurm/sbatch.js';
import { parseRecipeText } from '../../src/recipe/index.js';
import { selfCommand } from '../../src/util/self.js';
import { parseSlurmTime } from '../../src/util/slurm-time.js';
import { fixtureRecipe } from '../helpers/originals.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-parity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function validate(name: string, text: string) {
  const file = join(dir, name);
  await writeFile(file, text);
  const self = selfCommand('validate', file);
  const r = await execa(self.command, self.args, { reject: false, timeout: 60_000 });
  return { file, code: r.exitCode, out: `${r.stdout}\n${r.stderr}` };
}

/** A complete Slurm fixture recipe with its time limit replaced (line 23). */
const slurm = (time: string) =>
  readFileSync(fixtureRecipe('suite-slurm.yaml'), 'utf8').replace(
    'time_limit: "00:30:00"',
    `time_limit: "${time}"`,
  );

describe('validate refuses what the executor would', () => {
  it('an inverted length distribution, at its line and column', async () => {
    const r = await validate(
      'inv.yaml',
      'scenario: t\nworkload:\n  service: dummy\n  duration: 60s\n  gen_tokens: {dist: uniform, min: 64, max: 8}\n',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${r.file}:5:`);
    expect(r.out).toMatch(/workload\.gen_tokens\.max: min must not exceed max/);
    expect(r.out).toMatch(/E006/);
  });
});

describe('Slurm time limit: one parser for schema, renderer and signal lead', () => {
  it('every form sbatch accepts, in seconds; the rest refused', () => {
    expect(parseSlurmTime('90')).toBe(5400);
    expect(parseSlurmTime('90:30')).toBe(5430);
    expect(parseSlurmTime('02:00:00')).toBe(7200);
    expect(parseSlurmTime('1-00')).toBe(86400);
    expect(parseSlurmTime('1-02:30')).toBe(86400 + 9000);
    expect(parseSlurmTime('1-00:00:00')).toBe(86400);
    expect(parseSlurmTime('1000:00:00')).toBe(3_600_000);
    for (const bad of ['90 minutes', '1:60:00', '1-24:00:00', '', '1-', '::'])
      expect(parseSlurmTime(bad)).toBeUndefined();
  });

  it('validate accepts 1-00:00:00 and 1000:00:00 (as sbatch does), and the renderer renders them', async () => {
    for (const time of ['1-00:00:00', '1000:00:00']) {
      const r = await validate('ok.yaml', slurm(time));
      expect(r.code, r.out).toBe(0);
      const { recipe } = parseRecipeText(slurm(time), 'ok.yaml');
      const script = renderSbatch(recipe, { resultsDir: '/r', hpcbench: ['hb'] });
      expect(script).toContain(`#SBATCH --time=${time}`);
    }
    expect(signalLead('1-00:00:00')).toBe(120);
    expect(signalLead('02')).toBe(30);
  });

  it('validate refuses a time sbatch would not read, at its line', async () => {
    const r = await validate('bad.yaml', slurm('90 minutes'));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${r.file}:23:`);
    expect(r.out).toMatch(/orchestration\.job_config\.time_limit: expected a Slurm time limit: MM, MM:SS/);
  });
});
