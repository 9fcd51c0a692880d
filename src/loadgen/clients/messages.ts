/** The chat APIs' `messages` (OpenAI-compatible and Ollama's /api/chat take the same shape). */
import { promptJson, systemJson } from '../prompt-json.js';
import type { RequestInput } from './types.js';

/**
 * A chat request's `messages` as JSON: the prompt's system message (when it has one), a session's
 * conversation so far, then the prompt as the user's.
 */
export function chatMessages(input: RequestInput): string {
  const head = input.system === undefined ? '[' : `[{"role":"system","content":${systemJson(input)}},`;
  const user = `{"role":"user","content":${promptJson(input)}}]`;
  const h = input.history;
  return h === undefined || h.length === 0
    ? `${head}${user}`
    : `${head}${JSON.stringify(h).slice(1, -1)},${user}`;
}
