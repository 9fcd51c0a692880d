/**
 * Trace files for trace replay, read as published:
 *   - Mooncake JSONL: one request per line, `timestamp` (ms since the first request), `input_length`,
 *     `output_length` (tokens) and `hash_ids` (one id per block of `block_tokens` prompt tokens; equal ids
 *     = equal blocks, so requests sharing leading ids share a prefix).
 *   - BurstGPT CSV: a header naming `Timestamp` (seconds), `Request tokens`, `Response tokens` (also
 *     `Model`, `Total tokens`, `Log Type`, which are not used); rows with 0 response tokens (requests that
 *     failed in the original service) are skipped.
 * Rows are sorted by time (stable); offsets are from the first row. Prompts are synthesised to the
 * trace's lengths: block id `h` is the text `h<h>` + seeded words, the same for every request naming it;
 * tokens past the blocks are the request's own. A bad row is E006 naming file:line, the field and what is
 * allowed.
 */

import { MOONCAKE_BLOCK_TOKENS, type TraceFormat } from '../../contracts/index.js';
import { splitCsvLine } from '../../util/csv-line.js';
import { generateText } from '../../util/tokenizer.js';
import { datasetError } from './file-errors.js';
import { eachJsonLine, readDataset } from './read-file.js';
import type { Prompt, PromptSet } from './types.js';

export interface TraceRow {
  /** Milliseconds after the trace's first request. */
  at: number;
  input: number;
  output: number;
  hashIds?: number[];
  /** Line in the file (for messages). */
  line: number;
}

const INT = 'a whole number';

function wholeAtLeast(path: string, line: number, field: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw datasetError(
      path,
      `"${field}" must be ${INT} >= ${min}, got ${typeof v === 'number' ? v : v === undefined ? 'nothing' : `a ${typeof v}`}`,
      line,
    );
  return v;
}

function mooncakeRows(path: string, text: string): TraceRow[] {
  const rows: TraceRow[] = [];
  eachJsonLine(path, text, (v, line) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw datasetError(
        path,
        'each line must be a JSON object {"timestamp", "input_length", "output_length", "hash_ids"}',
        line,
      );
    const o = v as Record<string, unknown>;
    if (typeof o.timestamp !== 'number' || !Number.isFinite(o.timestamp) || o.timestamp < 0)
      throw datasetError(path, '"timestamp" must be a number of milliseconds >= 0', line);
    const input = wholeAtLeast(path, line, 'input_length', o.input_length, 1);
    const output = wholeAtLeast(path, line, 'output_length', o.output_length, 1);
    let hashIds: number[] | undefined;
    if (o.hash_ids !== undefined) {
      if (!Array.isArray(o.hash_ids) || !o.hash_ids.every((h) => Number.isInteger(h) && h >= 0))
        throw datasetError(path, '"hash_ids" must be a list of whole numbers >= 0 (block ids)', line);
      hashIds = o.hash_ids as number[];
    }
    rows.push({ at: o.timestamp, input, output, hashIds, line });
  });
  return rows;
}

/** One CSV line's cells, trimmed. */
const csvFields = (line: string): string[] => splitCsvLine(line).map((f) => f.trim());

const BURSTGPT_COLUMNS = ['Timestamp', 'Request tokens', 'Response tokens'] as const;

function burstgptRows(path: string, text: string): TraceRow[] {
  const lines = text.split('\n');
  const head = csvFields((lines[0] ?? '').replace(/^\uFEFF/, '').replace(/\r$/, ''));
  const col = Object.fromEntries(BURSTGPT_COLUMNS.map((c) => [c, head.indexOf(c)])) as Record<
    (typeof BURSTGPT_COLUMNS)[number],
    number
  >;
  const missing = BURSTGPT_COLUMNS.filter((c) => col[c] < 0);
  if (missing.length > 0)
    throw datasetError(
      path,
      `the header must name the columns ${BURSTGPT_COLUMNS.join(', ')} (BurstGPT CSV: Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type); missing: ${missing.join(', ')}`,
      1,
    );
  const rows: TraceRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    if (!raw.trim()) continue;
    const line = i + 1;
    const f = csvFields(raw);
    const number = (c: (typeof BURSTGPT_COLUMNS)[number]): number => {
      const s = f[col[c]];
      const n = s === undefined || s === '' ? Number.NaN : Number(s);
      if (!Number.isFinite(n))
        throw datasetError(
          path,
          `column "${c}" must be a number, got ${s ? `"${s.slice(0, 20)}"` : 'nothing'}`,
          line,
        );
      return n;
    };
    const ts = number('Timestamp');
    if (ts < 0) throw datasetError(path, 'column "Timestamp" must be seconds >= 0', line);
    const input = number('Request tokens');
    const output = number('Response tokens');
    if (!Number.isInteger(input) || input < 1)
      throw datasetError(path, `column "Request tokens" must be ${INT} >= 1, got ${input}`, line);
    if (!Number.isInteger(output) || output < 0)
      throw datasetError(path, `column "Response tokens" must be ${INT} >= 0, got ${output}`, line);
    if (output === 0) continue; // failed in the original service
    rows.push({ at: ts * 1000, input, output, line });
  }
  return rows;
}

/** The rows of a trace file, sorted by time, offsets from the first; E006 for a bad file. */
export function loadTraceRows(path: string, format: TraceFormat): TraceRow[] {
  const text = readDataset(path);
  const rows = format === 'burstgpt' ? burstgptRows(path, text) : mooncakeRows(path, text);
  if (rows.length === 0)
    throw datasetError(
      path,
      format === 'burstgpt'
        ? 'no request rows (expected BurstGPT CSV rows with Response tokens > 0)'
        : 'no rows (expected Mooncake JSON lines {"timestamp", "input_length", "output_length", "hash_ids"})',
    );
  rows.sort((a, b) => a.at - b.at);
  const t0 = rows[0].at;
  for (const r of rows) r.at -= t0;
  return rows;
}

/** Text of `n` tokens starting with the one-token `marker`, then words of `stream`. */
function marked(marker: string, n: number, stream: number): string {
  return n <= 1 ? marker : `${marker} ${generateText(n - 1, stream)}`;
}

/**
 * Row `index`'s prompt: its `hash_ids` blocks in order (block `h`: `h<h>` then seeded words, cut at the
 * prompt's length), then tokens of its own (`t<index>` then words) up to `input` tokens.
 */
export function tracePrompt(row: TraceRow, index: number, blockTokens: number, seed: number): Prompt {
  const parts: string[] = [];
  let left = row.input;
  for (const h of row.hashIds ?? []) {
    if (left <= 0) break;
    const n = Math.min(blockTokens, left);
    parts.push(marked(`h${h}`, n, (seed + h * 7919) % 1_000_003));
    left -= n;
  }
  if (left > 0) parts.push(marked(`t${index}`, left, (seed + index) % 1_000_003));
  return { prompt: parts.join(' '), maxTokens: row.output, promptTokens: row.input };
}

/** A trace's requests as a prompt set (prompt i = row i), with the rows for a replay. */
export interface TracePromptSet extends PromptSet {
  readonly rows: readonly TraceRow[];
}

export function tracePrompts(
  rows: TraceRow[],
  blockTokens = MOONCAKE_BLOCK_TOKENS,
  seed = 0,
): TracePromptSet {
  return {
    rows,
    size: rows.length,
    get: (i) => {
      const j = i % rows.length;
      return tracePrompt(rows[j], j, blockTokens, seed);
    },
  };
}
