/**
 * Reading a recipe for the Slurm commands and checking the fields they need, with E006 errors that
 * name the file and the field. (Full validation is `hpcbench validate`.)
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigValidationError } from '../../errors.js';
import type { SlurmRecipe } from './recipe-view.js';

export async function loadSlurmRecipe(file: string): Promise<SlurmRecipe> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigValidationError(`cannot read recipe ${file}: ${(err as Error).message}`, [], {
      cause: err,
    });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigValidationError(`${file}: not valid YAML/JSON: ${(err as Error).message}`, [], {
      cause: err,
    });
  }
  const r = doc as Partial<SlurmRecipe> | null;
  const problems: { path: string; message: string }[] = [];
  if (!r || typeof r !== 'object') problems.push({ path: '', message: 'must be a mapping' });
  else {
    if (typeof r.scenario !== 'string' || !r.scenario)
      problems.push({ path: 'scenario', message: 'required: a name' });
    if (typeof r.workload?.service !== 'string')
      problems.push({ path: 'workload.service', message: 'required: a service name' });
  }
  if (problems.length) {
    throw new ConfigValidationError(
      `${file}: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`,
      problems.map((p) => ({ severity: 'error' as const, file, ...p })),
    );
  }
  return r as SlurmRecipe;
}
