/**
 * The events of one OpenAI stream mostly differ only in their text: `{"id":"cmpl-0",...,"choices":[{
 * "index":0,"text":"X","logprobs":null,"finish_reason":null}]}`. After an event was parsed with
 * `JSON.parse`, `templateOf` finds where its text's string token lies (a structural walk over the
 * now-known-valid JSON, exact rather than a search) and keeps the text before and after it. A later event
 * that is exactly that prefix + a plain string body (no quote, backslash or control character) + that
 * suffix parses, by construction, to the same object with only that string changed: `fromTemplate` gives
 * its text without parsing, and the template's other fields (finish_reason, usage) still hold. Anything
 * else — another shape, an escape, a changed field — is parsed with `JSON.parse` as before, and becomes
 * the next template when it can. Two shapes are templated: `choices[0].text` (completions) and
 * `choices[0].delta.content` with no `text` or `reasoning_content` beside it (chat).
 */

export interface SseTemplate {
  /** The event's text up to and including the opening quote of its text token. */
  prefix: string;
  /** From the closing quote of the text token to the end of the event. */
  suffix: string;
  /** What the rest of the event says: it is the same in every event that matches. */
  finished: boolean;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
}

const QUOTE = 34;

/** Past the string token whose opening quote is at i (valid JSON: no validation). */
function skipString(s: string, i: number): number {
  for (i++; ; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) i++;
    else if (c === QUOTE) return i + 1;
  }
}

function skipWs(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
    i++;
  }
}

/** Past the value at i (valid JSON). */
function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return skipString(s, i);
  if (c !== 123 && c !== 91) {
    // number or literal: up to the next delimiter
    for (;;) {
      const d = s.charCodeAt(i);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 9 || d === 10 || d === 13 || Number.isNaN(d))
        return i;
      i++;
    }
  }
  let depth = 0;
  for (;;) {
    const d = s.charCodeAt(i);
    if (d === QUOTE) {
      i = skipString(s, i);
      continue;
    }
    if (d === 123 || d === 91) depth++;
    else if (d === 125 || d === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
}

/**
 * The members of the object at i: `onKey(keyStart, keyEnd, valueStart)` for each (key without quotes),
 * returning false to stop. Returns false when stopped.
 */
function members(s: string, i: number, onKey: (k0: number, k1: number, v: number) => boolean): boolean {
  i = skipWs(s, i + 1);
  if (s.charCodeAt(i) === 125) return true;
  for (;;) {
    const k0 = i + 1;
    const k1 = skipString(s, i) - 1;
    i = skipWs(s, k1 + 1);
    const v = skipWs(s, i + 1); // past ':'
    if (!onKey(k0, k1, v)) return false;
    i = skipWs(s, skipValue(s, v));
    if (s.charCodeAt(i) === 125) return true;
    i = skipWs(s, i + 1); // past ','
  }
}

const is = (s: string, k0: number, k1: number, key: string) =>
  k1 - k0 === key.length && s.startsWith(key, k0);

/** Where the text token of `event` (valid JSON, already parsed) starts and ends, or undefined. */
function textToken(event: string): [number, number] | undefined {
  let i = skipWs(event, 0);
  if (event.charCodeAt(i) !== 123) return undefined;
  let choices = -1;
  let ok = members(event, i, (k0, k1, v) => {
    if (!is(event, k0, k1, 'choices')) return true;
    if (choices >= 0) return false; // twice: JSON.parse keeps the last; not templated
    choices = v;
    return true;
  });
  if (!ok || choices < 0 || event.charCodeAt(choices) !== 91) return undefined;
  i = skipWs(event, choices + 1);
  if (event.charCodeAt(i) !== 123) return undefined;
  let text = -1;
  let delta = -1;
  let other = false;
  ok = members(event, i, (k0, k1, v) => {
    const t = is(event, k0, k1, 'text');
    const d = !t && is(event, k0, k1, 'delta');
    if (!t && !d) {
      if (is(event, k0, k1, 'message')) other = true;
      return true;
    }
    if (t ? text >= 0 : delta >= 0) return false;
    if (t) text = v;
    else delta = v;
    return true;
  });
  if (!ok) return undefined;
  if (text >= 0) {
    if (delta >= 0 || other || event.charCodeAt(text) !== QUOTE) return undefined;
    return [text, skipString(event, text)];
  }
  if (delta < 0 || event.charCodeAt(delta) !== 123) return undefined;
  let content = -1;
  ok = members(event, delta, (k0, k1, v) => {
    if (is(event, k0, k1, 'reasoning_content')) return false;
    if (!is(event, k0, k1, 'content')) return true;
    if (content >= 0) return false;
    content = v;
    return true;
  });
  if (!ok || content < 0 || event.charCodeAt(content) !== QUOTE) return undefined;
  return [content, skipString(event, content)];
}

/**
 * The template of a parsed event whose text was `text` (and whose other fields gave `finished` and the
 * usage counts), or undefined when its shape is not templated.
 */
export function templateOf(
  event: string,
  text: string,
  finished: boolean,
  promptTokens: number | undefined,
  completionTokens: number | undefined,
): SseTemplate | undefined {
  const at = textToken(event);
  if (!at) return undefined;
  const [a, b] = at;
  // the token must spell the text plainly (no escapes), so that its body is the text
  if (b - a - 2 !== text.length || !event.startsWith(text, a + 1)) return undefined;
  const prefix = flat(event.slice(0, a + 1));
  const suffix = flat(event.slice(b - 1));
  if (prefix === undefined || suffix === undefined) return undefined;
  return {
    prefix,
    suffix,
    finished,
    promptTokens,
    completionTokens,
  };
}

/**
 * A copy of `s` in its own memory: `slice` gives a view into the whole network piece, and V8 compares such
 * views char by char through a slow path (≈1 µs per 110-char compare with `startsWith`, ≈0.1 µs for
 * `substring(...) ===` against a flat copy). Undefined if the UTF-8 round trip would change it.
 */
function flat(s: string): string | undefined {
  const c = Buffer.from(s, 'utf8').toString('utf8');
  return c === s ? c : undefined;
}

/** The text of the event `s[a, b)` when it matches the template, else undefined. */
export function fromTemplate(t: SseTemplate, s: string, a: number, b: number): string | undefined {
  const m0 = a + t.prefix.length;
  const m1 = b - t.suffix.length;
  if (m1 < m0 || s.substring(a, m0) !== t.prefix || s.substring(m1, b) !== t.suffix) return undefined;
  for (let i = m0; i < m1; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE || c === 92 || c < 0x20) return undefined;
  }
  return s.slice(m0, m1);
}
