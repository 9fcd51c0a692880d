import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('hpcbench CLI', () => {
  it('prints its version from package.json', async () => {
    const r = await runCli(['--version']);
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout).trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
