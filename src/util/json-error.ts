/**
 * Where a JSON.parse error is: V8 says `at position N`, or (for an unexpected token) quotes an excerpt of
 * the text around it; the offset is found from either. `undefined` when neither is in the message.
 */
export function jsonErrorOffset(text: string, message: string): number | undefined {
  const pos = /position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const ex = /^Unexpected token '(.)', (?:\.\.\.)?"([\s\S]*)"(?:\.\.\.)? is not valid JSON$/.exec(message);
  if (!ex) return /Unexpected end of JSON input/.test(message) ? text.length : undefined;
  const at = text.indexOf(ex[2]);
  return at < 0 ? undefined : at + Math.max(0, ex[2].indexOf(ex[1]));
}
