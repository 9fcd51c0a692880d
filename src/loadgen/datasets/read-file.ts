/** Reads a local dataset file (nothing is ever fetched); missing or unreadable files are E006. */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { DEFAULT_CAPS } from '../../contracts/caps.js';
import { ConfigValidationError } from '../../errors.js';
import { datasetError, jsonSyntax } from './file-errors.js';

/**
 * A dataset's text. Only a regular file of at most `maxBytes` is read: type and size come from the
 * descriptor (opened non-blocking), so a FIFO, /dev/stdin or /dev/zero is refused at once, never read.
 */
export function readDataset(path: string, maxBytes = DEFAULT_CAPS.maxDatasetBytes): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) throw datasetError(path, 'is a directory; give a dataset file');
    if (!st.isFile())
      throw datasetError(path, 'not a regular file (a device, FIFO or socket); a dataset is a regular file');
    if (st.size > maxBytes)
      throw datasetError(path, `${st.size} bytes is above the dataset size limit of ${maxBytes} bytes`);
    return readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof ConfigValidationError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'ENXIO'
            ? 'not a regular file (a socket); a dataset is a regular file'
            : code === 'EACCES'
              ? 'permission denied'
              : `cannot be read (${code ?? 'error'})`;
    throw datasetError(path, `${why} (datasets are local files; nothing is downloaded at run time)`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Calls `onRow(value, line)` for each non-empty JSONL line; malformed JSON is E006 with the line. */
export function eachJsonLine(path: string, text: string, onRow: (v: unknown, line: number) => void): void {
  let line = 0;
  let pos = 0;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    line++;
    const raw = text.slice(pos, end).trim();
    pos = end + 1;
    if (raw) {
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch (err) {
        throw datasetError(path, `malformed JSON: ${jsonSyntax((err as Error).message)}`, line);
      }
      onRow(v, line);
    }
    if (nl < 0) break;
  }
}
