/**
 * Submitting a run: the results folder is created first (the job writes into it), the recipe and the
 * rendered job script are saved under `slurm/`, `sbatch --parsable` submits it, and `slurm/job.json`
 * records the job id so that `hpcbench cancel RUN_DIR` and `submit --wait` can find it.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { HpcBenchError } from '../../errors.js';
import { RECIPE_ORIGIN_FILE } from '../../orchestrator/recipe-plan.js';
import { resultsDirName } from '../../results-folder/naming.js';
import type { SlurmRecipe } from './recipe-view.js';
import { renderSbatch } from './sbatch.js';

export interface JobRecord {
  jobId: string;
  cluster?: string;
  submittedAt: string;
  recipe: string;
  resultsDir: string;
  script: string;
}

/** `results/<scenario>_<UTC time>` (the results writer's naming), absolute; not created. */
export function defaultResultsDir(scenario: string, now = new Date(), base = 'results'): string {
  return resolve(base, resultsDirName(scenario, now));
}

export interface PrepareOptions {
  recipe: SlurmRecipe;
  recipeFile: string;
  resultsDir: string;
  hpcbench: string[];
  version?: string;
}

/**
 * Creates the results folder with `slurm/recipe.<ext>`, `slurm/recipe-origin.json` (the original's path
 * and folder: relative dataset paths inside the job resolve against that folder, not `slurm/`) and
 * `slurm/job.sbatch`; returns the script path.
 */
export async function prepareJob(o: PrepareOptions): Promise<string> {
  const slurmDir = join(o.resultsDir, 'slurm');
  await mkdir(slurmDir, { recursive: true });
  await copyFile(o.recipeFile, join(slurmDir, `recipe${extname(o.recipeFile) || '.yaml'}`));
  const origin = { recipe: resolve(o.recipeFile), dataset_base_dir: dirname(resolve(o.recipeFile)) };
  await writeFile(join(slurmDir, RECIPE_ORIGIN_FILE), `${JSON.stringify(origin, null, 2)}\n`);
  const script = renderSbatch(o.recipe, {
    resultsDir: o.resultsDir,
    hpcbench: o.hpcbench,
    version: o.version,
    file: o.recipeFile,
  });
  const path = join(slurmDir, 'job.sbatch');
  await writeFile(path, script, { mode: 0o755 });
  return path;
}

/** `sbatch --parsable` prints `JOBID` or `JOBID;CLUSTER`. */
export function parseParsable(stdout: string): { jobId: string; cluster?: string } {
  const line = stdout.trim().split('\n').pop() ?? '';
  const [jobId, cluster] = line.split(';');
  if (!/^\d+(_\d+)?$/.test(jobId))
    throw new HpcBenchError('E004', `sbatch printed no job id: '${stdout.trim()}'`);
  return cluster ? { jobId, cluster } : { jobId };
}

export async function submitJob(
  script: string,
  resultsDir: string,
  recipeFile: string,
  extraArgs: string[] = [],
): Promise<JobRecord> {
  const r = await execa('sbatch', ['--parsable', ...extraArgs, script], { reject: false, cwd: resultsDir });
  if (r.exitCode !== 0 || r.failed) {
    const why = r.stderr?.trim() || (r as { shortMessage?: string }).shortMessage || `exit ${r.exitCode}`;
    throw new HpcBenchError('E004', `sbatch refused the job: ${why}`, {
      hint: `the job script is ${script}`,
    });
  }
  const record: JobRecord = {
    ...parseParsable(r.stdout),
    submittedAt: new Date().toISOString(),
    recipe: basename(recipeFile),
    resultsDir,
    script,
  };
  await writeFile(join(resultsDir, 'slurm', 'job.json'), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

export async function readJobRecord(resultsDir: string): Promise<JobRecord> {
  const file = join(resultsDir, 'slurm', 'job.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JobRecord;
  } catch (err) {
    throw new HpcBenchError('E006', `${file}: not a submitted run (no readable slurm/job.json)`, {
      cause: err,
    });
  }
}
