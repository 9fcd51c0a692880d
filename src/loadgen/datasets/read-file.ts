/** Reads a local dataset file (nothing is ever fetched); missing or unreadable files are E006. */
import { readFileSync } from 'node:fs';
import { datasetError } from './file-errors.js';

export function readDataset(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : String(err);
    throw datasetError(path, `${why} (datasets are local files; nothing is downloaded at run time)`);
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
        throw datasetError(path, `malformed JSON: ${(err as Error).message}`, line);
      }
      onRow(v, line);
    }
    if (nl < 0) break;
  }
}
