/**
 * ShareGPT JSON: an array of `{ conversations: [{ from: 'system' | 'human' | 'gpt', value }], system? }`.
 * The prompt is the first human turn; the following reply's token count becomes max_tokens (as vLLM's
 * benchmark does). A multi-turn session replays a whole conversation: every human turn, in order
 * (`loadSharegptConversations`). A conversation's system message (its `system` turns, or the entry's
 * `system` string as LLaMA-Factory's ShareGPT files give it) is kept with it: it is sent before the
 * prompt (docs/load-generation.md#prompts). Entries without a human turn are skipped; a file where none
 * is usable is E006.
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

/** One ShareGPT conversation: its system message and its human turns. */
export interface SharegptConversation {
  system?: string;
  turns: Row[];
}

const isHuman = (t: Turn | undefined): boolean => t?.from === 'human' || t?.from === 'user';
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** A conversation's human turns, each with the following reply's token count as its max_tokens. */
function humanTurns(conv: Turn[]): Row[] {
  const rows: Row[] = [];
  conv.forEach((t, i) => {
    if (!isHuman(t) || !isText(t.value)) return;
    const reply = conv[i + 1];
    const replyTokens =
      !isHuman(reply) && reply?.from !== 'system' && typeof reply?.value === 'string'
        ? countTokens(reply.value)
        : 0;
    rows.push({ prompt: t.value, maxTokens: replyTokens > 0 ? replyTokens : undefined });
  });
  return rows;
}

/**
 * The system message of an entry: its `system` string, then the text of every `system` turn, joined by
 * a blank line (a file normally has one, first); undefined when there is none.
 */
function systemOf(entry: { system?: unknown }, conv: Turn[]): string | undefined {
  const parts = isText(entry.system) ? [entry.system] : [];
  for (const t of conv) if (t?.from === 'system' && isText(t.value)) parts.push(t.value);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * Every conversation with a human turn: its system message and its human turns in order (a multi-turn
 * session replays one), each turn's max_tokens the length of the reply that follows it.
 */
export function loadSharegptConversations(path: string): SharegptConversation[] {
  const data = parseJson(path, readDataset(path));
  if (!Array.isArray(data)) throw datasetError(path, 'ShareGPT file must be a JSON array of conversations');
  const out: SharegptConversation[] = [];
  data.forEach((entry, i) => {
    const conv = (entry as { conversations?: unknown })?.conversations;
    if (!Array.isArray(conv))
      throw datasetError(path, `entry ${i} has no "conversations" array (ShareGPT format)`);
    const turns = humanTurns(conv as Turn[]);
    if (turns.length === 0) return;
    const system = systemOf(entry as { system?: unknown }, conv as Turn[]);
    out.push(system === undefined ? { turns } : { system, turns });
  });
  if (out.length === 0) throw datasetError(path, 'no conversation with a human turn');
  return out;
}

/** The first human turn of every conversation that has one, with its system message (single requests). */
export function loadSharegptRows(path: string): Row[] {
  return loadSharegptConversations(path).map((c) => ({ ...c.turns[0], system: c.system }));
}
