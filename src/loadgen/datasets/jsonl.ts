/** Any JSONL file whose rows have a string `prompt` and an optional positive integer `max_tokens`. */
import { datasetError } from './file-errors.js';
import { eachJsonLine, readDataset } from './read-file.js';
import type { Row } from './types.js';

export function loadJsonlRows(path: string): Row[] {
  const rows: Row[] = [];
  eachJsonLine(path, readDataset(path), (v, line) => {
    const o = v as { prompt?: unknown; max_tokens?: unknown };
    if (typeof o !== 'object' || o === null || typeof o.prompt !== 'string' || o.prompt.length === 0)
      throw datasetError(path, 'each row needs a non-empty string field "prompt"', line);
    if (o.max_tokens !== undefined && !(Number.isInteger(o.max_tokens) && (o.max_tokens as number) > 0))
      throw datasetError(
        path,
        `"max_tokens" must be a positive integer, got ${typeof o.max_tokens === 'number' ? o.max_tokens : `a ${typeof o.max_tokens}`}`,
        line,
      );
    rows.push({ prompt: o.prompt, maxTokens: o.max_tokens as number | undefined });
  });
  if (rows.length === 0) throw datasetError(path, 'no rows (expected JSON lines with a "prompt" field)');
  return rows;
}
