import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixtureRecipe } from '../helpers/originals.js';

const SUITE = fixtureRecipe('suite-slurm.yaml');

describe('hpcbench sbatch', () => {
  it('prints the job script and, with --plan, the steps on the given nodes', async () => {
    const r = await runCli(['sbatch', SUITE, '--results-dir', '/scratch/r', '--plan', 'mel[2001-2004]']);
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(r.stdout).toContain('#SBATCH --nodes=4');
    expect(r.stdout).toContain('#SBATCH --output=/scratch/r/slurm/job-%j.out');
    expect(r.stdout).toMatch(/^HPCBENCH=\(.*node.* .*entry\.js\)$/m);
    expect(r.stdout).toContain('srun --overlap -N1 -n1 -w mel2001 --job-name=server-mel2001');
    expect(r.stdout).toContain('-w mel2003 --job-name=executor-mel2003');
  });
  it('gives E006 naming the file and field for a recipe it cannot use', async () => {
    const r = await runCli(['sbatch', fixtureRecipe('bad/invalid.yaml')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^E006: .*invalid\.yaml/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('cancel of an unknown run folder is E006', async () => {
    const r = await runCli(['cancel', '/nonexistent/run']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/E006: .*not a submitted run/);
  });
});
