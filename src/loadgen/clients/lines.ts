/**
 * Splits streamed text into complete lines (LF or CRLF) without copying them: each non-empty line is handed
 * over as `text[a, b)` (blank lines are stepped over); the incomplete tail is kept in `st.buf` for the next
 * piece.
 */
import type { ParseState } from './types.js';

/** Called with one line, `text[a, b)` (no line ending). */
export type OnLine = (st: ParseState, text: string, a: number, b: number) => void;

export function feedLines(st: ParseState, chunk: string, onLine: OnLine): void {
  const text = st.buf.length ? st.buf + chunk : chunk;
  let pos = 0;
  for (;;) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break;
    const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (end > pos) onLine(st, text, pos, end);
    pos = nl + 1;
    // blank lines (the SSE event separator) skipped here, without another search; within bounds (a
    // charCodeAt past the end makes V8 call it instead of inlining it from then on)
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 10) pos++;
      else if (c === 13 && pos + 1 < text.length && text.charCodeAt(pos + 1) === 10) pos += 2;
      else break;
    }
  }
  st.buf = pos < text.length ? text.slice(pos) : '';
}

/** Parses the remaining tail as a last line (a body that does not end with a newline). */
export function flushLines(st: ParseState, onLine: OnLine): void {
  const rest = st.buf.trim();
  st.buf = '';
  if (rest) onLine(st, rest, 0, rest.length);
}
