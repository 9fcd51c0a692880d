/**
 * ShareGPT JSON: an array of `{ conversations: [{ from: 'human' | 'gpt', value }] }`. The prompt is the first
 * human turn; the following gpt turn's token count becomes max_tokens (as vLLM's benchmark does).
 * Entries without a human turn are skipped; a file where none is usable is E006.
 */

import { jsonErrorOffset } from '../../util/json-error.js';
import { countTokens } from '../../util/tokenizer.js';
import { datasetError, jsonSyntax, lineAt } from './file-errors.js';
import { readDataset } from './read-file.js';
import type { Row } from './types.js';

interface Turn {
  from?: unknown;
  value?: unknown;
}

/** Line of a JSON.parse error: from `position N`, else from the excerpt V8 quotes around the bad token. */
function errorLine(text: string, msg: string): number | undefined {
  const at = jsonErrorOffset(text, msg);
  return at === undefined ? undefined : lineAt(text, at);
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    throw datasetError(path, `malformed JSON: ${jsonSyntax(msg)}`, errorLine(text, msg));
  }
}

export function loadSharegptRows(path: string): Row[] {
  const data = parseJson(path, readDataset(path));
  if (!Array.isArray(data)) throw datasetError(path, 'ShareGPT file must be a JSON array of conversations');
  const rows: Row[] = [];
  data.forEach((entry, i) => {
    const conv = (entry as { conversations?: unknown })?.conversations;
    if (!Array.isArray(conv))
      throw datasetError(path, `entry ${i} has no "conversations" array (ShareGPT format)`);
    const h = conv.findIndex(
      (t: Turn) => (t?.from === 'human' || t?.from === 'user') && typeof t.value === 'string',
    );
    if (h < 0 || !(conv[h] as Turn).value) return;
    const reply = conv[h + 1] as Turn | undefined;
    const replyTokens = typeof reply?.value === 'string' ? countTokens(reply.value) : 0;
    rows.push({
      prompt: (conv[h] as Turn).value as string,
      maxTokens: replyTokens > 0 ? replyTokens : undefined,
    });
  });
  if (rows.length === 0) throw datasetError(path, 'no conversation with a human turn');
  return rows;
}
