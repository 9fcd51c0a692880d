/** Naming and creating the results folder: `results/<scenario>_<UTC time YYYYmmddTHHMMSSZ>/`. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigValidationError } from '../errors.js';
import { safeName } from '../util/names.js';

/** `20261128T105501Z` for a date (UTC). */
export function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export function resultsDirName(scenario: string, date: Date): string {
  return `${safeName(scenario)}_${utcStamp(date)}`;
}

/**
 * Creates `<base>/<scenario>_<stamp>/` and returns its path. Two runs started in the same second get
 * `-2`, `-3`, ... suffixes rather than sharing a folder.
 */
export async function createResultsDir(base: string, scenario: string, date = new Date()): Promise<string> {
  try {
    return await makeRunDir(base, scenario, date);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigValidationError(
      `cannot create the results folder under ${base}: ${why}`,
      [
        {
          severity: 'error',
          path: '--results-dir',
          message: `${base} must be a folder this user can write to`,
        },
      ],
      { cause: err },
    );
  }
}

async function makeRunDir(base: string, scenario: string, date: Date): Promise<string> {
  await mkdir(base, { recursive: true });
  const name = resultsDirName(scenario, date);
  for (let i = 1; ; i++) {
    const dir = join(base, i === 1 ? name : `${name}-${i}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
