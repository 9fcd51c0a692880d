/** The chat APIs' `messages` (OpenAI-compatible and Ollama's /api/chat take the same shape). */
import { promptJson } from '../prompt-json.js';
import type { RequestInput } from './types.js';

/** A chat request's `messages` as JSON: a session's conversation so far, then the prompt as the user's. */
export function chatMessages(input: RequestInput): string {
  const user = `{"role":"user","content":${promptJson(input)}}]`;
  const h = input.history;
  return h === undefined || h.length === 0 ? `[${user}` : `${JSON.stringify(h).slice(0, -1)},${user}`;
}
