/**
 * Paths in a `POST /start` body are confined to folders fixed when the executor starts: `records_path`
 * to the records folders, a dataset (`prompts.path`) to the dataset folders. Both are resolved through
 * symlinks (realpath of the file, or of its deepest existing folder for a records file not yet written),
 * so `..` and links that lead out are refused; a dataset must also be a regular file under the size cap.
 * Messages name the field and the allowed folders, never a file's content.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

export interface Confinement {
  /** Folders records files may be written in (and below). */
  recordsDirs: string[];
  /** Folders datasets may be read from (and below). */
  datasetDirs: string[];
  /** Bytes of one dataset file at most. */
  maxDatasetBytes: number;
}

export type Confined = { ok: true; path: string } | { ok: false; error: string };

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function realDirs(dirs: string[]): string[] {
  return dirs.map((d) => {
    const abs = resolve(d);
    return existsSync(abs) ? realpathSync(abs) : abs;
  });
}

/** Realpath of `path`, following every existing part; the parts not yet created are appended. */
function realOf(path: string): string {
  let head = resolve(path);
  const rest: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) break;
    rest.unshift(basename(head));
    head = up;
  }
  return join(realpathSync(head), ...rest);
}

function refusal(field: string, path: string, dirs: string[], flag: string): Confined {
  const allowed = dirs.length ? dirs.join(', ') : '(none)';
  return {
    ok: false,
    error: `${field}: ${path} is outside the folders this executor was started with (${flag}: ${allowed}); symlinks and .. leading out are refused`,
  };
}

/** The records file, if it lies in a records folder (through symlinks). */
export function confineRecords(path: string, c: Confinement): Confined {
  const dirs = realDirs(c.recordsDirs);
  const real = realOf(path);
  if (!dirs.some((d) => inside(real, d)))
    return refusal('records_path', path, c.recordsDirs, '--records-dir');
  if (existsSync(real) && !statSync(real).isFile())
    return { ok: false, error: `records_path: ${path} exists and is not a regular file` };
  return { ok: true, path: real };
}

/** The dataset file, if it lies in a dataset folder (through symlinks) and is a regular file under the cap. */
export function confineDataset(path: string, c: Confinement): Confined {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    // say where it would have to be before saying it is missing: the answer must not reveal which files exist
    const dirs = realDirs(c.datasetDirs);
    if (!dirs.some((d) => inside(realOf(abs), d)))
      return refusal('prompts.path', path, c.datasetDirs, '--dataset-dir');
    return { ok: false, error: `prompts.path: ${path}: file not found` };
  }
  const real = realpathSync(abs);
  if (!realDirs(c.datasetDirs).some((d) => inside(real, d)))
    return refusal('prompts.path', path, c.datasetDirs, '--dataset-dir');
  const st = statSync(real);
  if (!st.isFile())
    return { ok: false, error: `prompts.path: ${path} is not a regular file (a dataset is a regular file)` };
  if (st.size > c.maxDatasetBytes)
    return {
      ok: false,
      error: `prompts.path: ${path} is ${st.size} bytes, above this executor's dataset cap of ${c.maxDatasetBytes} bytes (--max-dataset-bytes)`,
    };
  return { ok: true, path: real };
}
