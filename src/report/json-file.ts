/**
 * Small file helpers for the results folder: every JSON file is written to a temporary name and renamed
 * into place, so a run killed at any moment leaves either the previous or the new complete file; a
 * failed write (disk full) removes its temporary file.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let counter = 0;

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${++counter}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    // disk full or unwritable: no half-written temporary file is left behind
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
