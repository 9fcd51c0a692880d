/**
 * Incremental client-side output token estimate: counts each chunk with the shared tokenizer, without
 * counting a word twice when it is split across chunks. Equals countTokens(full text). Keeps the text too
 * when the request asked for it (a session turn's reply: `ParseState.reply`).
 */
import { countTokens } from '../../util/tokenizer.js';
import type { ParseState } from './types.js';

function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127;
}

export function addContent(st: ParseState, text: string): void {
  let n = countTokens(text);
  if (st.inWord && n > 0 && isWordCode(text.charCodeAt(0))) n--;
  st.rec.output_tokens_client += n;
  st.inWord = isWordCode(text.charCodeAt(text.length - 1));
  if (st.reply !== undefined) st.reply.push(text);
}
