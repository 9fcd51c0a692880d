/**
 * HellaSwag as published (JSONL rows with `ctx`, or `ctx_a` and `ctx_b`). The prompt is `ctx`, else
 * `ctx_a` followed by `ctx_b`.
 */
import { datasetError } from './file-errors.js';
import { eachJsonLine, readDataset } from './read-file.js';
import type { Row } from './types.js';

export function loadHellaswagRows(path: string): Row[] {
  const rows: Row[] = [];
  eachJsonLine(path, readDataset(path), (v, line) => {
    const o = v as { ctx?: unknown; ctx_a?: unknown; ctx_b?: unknown };
    let prompt: string | undefined;
    if (typeof o === 'object' && o !== null) {
      if (typeof o.ctx === 'string' && o.ctx.trim()) prompt = o.ctx;
      else if (typeof o.ctx_a === 'string' && o.ctx_a.trim())
        prompt = typeof o.ctx_b === 'string' && o.ctx_b ? `${o.ctx_a} ${o.ctx_b}` : o.ctx_a;
    }
    if (!prompt) throw datasetError(path, 'HellaSwag row needs a non-empty "ctx" or "ctx_a" field', line);
    rows.push({ prompt });
  });
  if (rows.length === 0) throw datasetError(path, 'no rows (expected HellaSwag JSONL)');
  return rows;
}
