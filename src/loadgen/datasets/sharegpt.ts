/**
 * ShareGPT JSON: an array of `{ conversations: [{ from: 'human' | 'gpt', value }] }`. The prompt is the first
 * human turn; the following gpt turn's token count becomes max_tokens (as vLLM's benchmark does). A
 * multi-turn session replays a whole conversation: every human turn, in order (`loadSharegptConversations`).
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

/** A conversation's human turns, each with the following gpt turn's token count as its max_tokens. */
function humanTurns(conv: Turn[]): Row[] {
  const rows: Row[] = [];
  conv.forEach((t, i) => {
    if ((t?.from !== 'human' && t?.from !== 'user') || typeof t.value !== 'string' || !t.value) return;
    const reply = conv[i + 1];
    const replyTokens =
      reply?.from !== 'human' && reply?.from !== 'user' && typeof reply?.value === 'string'
        ? countTokens(reply.value)
        : 0;
    rows.push({ prompt: t.value, maxTokens: replyTokens > 0 ? replyTokens : undefined });
  });
  return rows;
}

/**
 * Every conversation with a human turn, as its human turns in order (a multi-turn session replays one):
 * each turn's max_tokens is the length of the gpt reply that follows it.
 */
export function loadSharegptConversations(path: string): Row[][] {
  const data = parseJson(path, readDataset(path));
  if (!Array.isArray(data)) throw datasetError(path, 'ShareGPT file must be a JSON array of conversations');
  const out: Row[][] = [];
  data.forEach((entry, i) => {
    const conv = (entry as { conversations?: unknown })?.conversations;
    if (!Array.isArray(conv))
      throw datasetError(path, `entry ${i} has no "conversations" array (ShareGPT format)`);
    const turns = humanTurns(conv as Turn[]);
    if (turns.length > 0) out.push(turns);
  });
  if (out.length === 0) throw datasetError(path, 'no conversation with a human turn');
  return out;
}

/** The first human turn of every conversation that has one (single-request prompts). */
export function loadSharegptRows(path: string): Row[] {
  return loadSharegptConversations(path).map((c) => c[0]);
}
