/** Splits streamed text into complete lines (LF or CRLF), keeping the incomplete tail in `st.buf`. */
import type { ParseState } from './types.js';

export function feedLines(
  st: ParseState,
  chunk: string,
  onLine: (st: ParseState, line: string) => void,
): void {
  const text = st.buf.length ? st.buf + chunk : chunk;
  let pos = 0;
  for (;;) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break;
    const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (end > pos) onLine(st, text.slice(pos, end));
    pos = nl + 1;
  }
  st.buf = pos < text.length ? text.slice(pos) : '';
}

/** Parses the remaining tail as a last line (a body that does not end with a newline). */
export function flushLines(st: ParseState, onLine: (st: ParseState, line: string) => void): void {
  const rest = st.buf.trim();
  st.buf = '';
  if (rest) onLine(st, rest);
}
