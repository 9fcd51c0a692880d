/** `hpcbench validate` and `hpcbench schema` through the real CLI. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfCommand } from '../../src/util/self.js';

const ORIGINAL = '/work/shared/reference/original';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const self = selfCommand(...args);
  const r = await execa(self.command, self.args, { reject: false, timeout: 60_000 });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('hpcbench validate', () => {
  it('reports every problem of every file at once, errors → E006 and exit 1', async () => {
    const missing = join(dir, 'nope.yaml');
    const r = await cli(
      'validate',
      `${ORIGINAL}/test_recipes/errors_only.yaml`,
      `${ORIGINAL}/test_recipes/invalid.yaml`,
      missing,
      `${ORIGINAL}/test_recipes/perfect.yaml`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/errors_only\.yaml:8:16: error: orchestration\.total_nodes: 10 does not match/);
    expect(r.stdout).toMatch(
      /errors_only\.yaml:28:13: error: workload\.duration: expected a duration such as '30s'/,
    );
    expect(r.stdout).toMatch(/invalid\.yaml:2:\d+: error: invalid YAML/);
    expect(r.stdout).toContain(`${missing}: error: cannot read recipe ${missing}: no such file`);
    expect(r.stdout).toMatch(/perfect\.yaml: valid$/m);
    expect(r.stderr).toMatch(/^E006: 12 error\(s\) in 3 of 4 recipe file\(s\)/m);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
  });

  it('warnings alone exit 0; unknown keys say "did you mean"', async () => {
    const file = join(dir, 'typo.yaml');
    await writeFile(file, 'scenario: t\nworkload:\n  service: dummy\n  duration: 20s\n  warmpu: 5s\n');
    const r = await cli('validate', file, `${ORIGINAL}/test_recipes/ollama_test.yaml`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `${file}:5:3: warning: workload.warmpu: unknown key "warmpu", ignored; did you mean "warmup"?`,
    );
    expect(r.stdout).toMatch(/ollama_test\.yaml:36:15: warning: workload\.target_rps: /);
  });

  it('--service adds names registered elsewhere; --json prints the issues', async () => {
    const file = join(dir, 'triton.yaml');
    await writeFile(
      file,
      'scenario: t\nworkload: {service: triton, model: m, duration: 1m, prompt_len: 8}\n',
    );
    expect((await cli('validate', file)).code).toBe(1);
    const r = await cli('validate', file, '--service', 'triton', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ file, issues: [] }]);
  });
});

describe('hpcbench schema', () => {
  it('prints the JSON Schema with every section and the documented defaults', async () => {
    const r = await cli('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'scenario',
        'orchestration',
        'resources',
        'workload',
        'servers',
        'artifacts',
        'logging',
        'monitoring',
        'reporting',
        'binds',
        'environment',
      ]),
    );
    expect(schema.required).toEqual(['scenario', 'workload']);
    expect(schema.properties.orchestration.properties.mode.enum).toEqual(['local', 'slurm']);
    expect(schema.properties.workload.properties.warmup.default).toBe('30s');
  });
});
