/** reporting.*: pdf and include produce nothing of their own, and validation says so (warnings, not errors). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateRecipeFile } from '../../src/recipe/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-reporting-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const recipe = (reporting: string) =>
  `scenario: r\nworkload:\n  service: dummy\n  duration: 10s\n  warmup: 2s\nreporting:\n${reporting}`;

describe('reporting', () => {
  it('pdf and include get warnings naming the field; a plain list of formats none', async () => {
    const file = join(dir, 'r.yaml');
    await writeFile(file, recipe('  formats: [html, pdf]\n  include: [performance_graphs]\n'));
    const issues = await validateRecipeFile(file, { env: {} });
    expect(issues.every((i) => i.severity === 'warning')).toBe(true);
    expect(issues.map((i) => i.path)).toEqual(['reporting.formats[1]', 'reporting.include']);
    expect(issues[0].message).toMatch(/no PDF is written: print report\.html/);
    expect(issues[1].message).toMatch(/has no effect/);
    await writeFile(file, recipe('  formats: [json, csv]\n  output_directory: out\n'));
    expect(await validateRecipeFile(file, { env: {} })).toEqual([]);
    await writeFile(file, recipe('  formats: [docx]\n'));
    const bad = await validateRecipeFile(file, { env: {} });
    expect(bad[0]).toMatchObject({ severity: 'error' });
    expect(bad[0].message).toMatch(/json, md, csv, html or pdf/);
  });
});
