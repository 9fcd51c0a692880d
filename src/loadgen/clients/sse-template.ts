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

/** Past the object or array whose opening bracket was passed, `depth` levels deep at i (valid JSON). */
function skipNested(s: string, i: number, depth: number): number {
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

/** Past the value at i (valid JSON). */
function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return skipString(s, i);
  if (c === 123 || c === 91) return skipNested(s, i + 1, 1);
  // number or literal: up to the next delimiter
  for (;;) {
    const d = s.charCodeAt(i);
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 9 || d === 10 || d === 13 || Number.isNaN(d))
      return i;
    i++;
  }
}

/*
 * An object's members are walked in place, without callbacks: `firstKey` gives the opening quote of its
 * first key (-1: empty), `valueAt` where the value of the key ending at k1 starts, `nextKey` the next
 * key's quote after the value ending at i (-1: the object ended; `lastEnd` is then just past its `}`).
 */
let lastEnd = 0;

function firstKey(s: string, open: number): number {
  const i = skipWs(s, open + 1);
  if (s.charCodeAt(i) !== 125) return i;
  lastEnd = i + 1;
  return -1;
}

/** k1: the key's closing quote. */
function valueAt(s: string, k1: number): number {
  return skipWs(s, skipWs(s, k1 + 1) + 1); // past ':'
}

function nextKey(s: string, i: number): number {
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== 125) return skipWs(s, i + 1); // past ','
  lastEnd = i + 1;
  return -1;
}

/**
 * Whether `s[k0, k1)` is `key`, compared code by code (`s` is a view into a network piece, on which V8's
 * `startsWith` takes a slow path).
 */
function is(s: string, k0: number, k1: number, key: string): boolean {
  if (k1 - k0 !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (s.charCodeAt(k0 + i) !== key.charCodeAt(i)) return false;
  return true;
}

/** Not templated (a result of the walks below). */
const NO = -1;

/**
 * The text token of the choice object at c: its opening quote, with the token's end in `tokenEnd` and
 * the object's end in `lastEnd`; NO when the choice is not templated.
 */
let tokenEnd = 0;

function choiceToken(e: string, c: number): number {
  let text = NO;
  let delta = NO;
  let deltaEnd = 0;
  let other = false;
  for (let k = firstKey(e, c); k >= 0; ) {
    const k1 = skipString(e, k) - 1;
    const v = valueAt(e, k1);
    let end: number;
    if (is(e, k + 1, k1, 'text')) {
      if (text !== NO) return NO; // twice: JSON.parse keeps the last; not templated
      text = v;
      end = skipValue(e, v);
    } else if (is(e, k + 1, k1, 'delta')) {
      if (delta !== NO || e.charCodeAt(v) !== 123) return NO;
      delta = deltaContent(e, v);
      if (delta === NO) return NO;
      deltaEnd = tokenEnd;
      end = lastEnd;
    } else {
      if (is(e, k + 1, k1, 'message')) other = true;
      end = skipValue(e, v);
    }
    k = nextKey(e, end);
  }
  if (text !== NO) {
    if (delta !== NO || other || e.charCodeAt(text) !== QUOTE) return NO;
    tokenEnd = skipString(e, text);
    return text;
  }
  tokenEnd = deltaEnd;
  return delta;
}

/** The `content` token of the delta object at d (end in `tokenEnd`, the object's in `lastEnd`), or NO. */
function deltaContent(e: string, d: number): number {
  let content = NO;
  for (let k = firstKey(e, d); k >= 0; ) {
    const k1 = skipString(e, k) - 1;
    const v = valueAt(e, k1);
    if (is(e, k + 1, k1, 'reasoning_content')) return NO;
    if (is(e, k + 1, k1, 'content')) {
      if (content !== NO || e.charCodeAt(v) !== QUOTE) return NO;
      content = v;
    }
    k = nextKey(e, skipValue(e, v));
  }
  if (content === NO) return NO;
  tokenEnd = skipString(e, content);
  return content;
}

/**
 * Where the text token of `event` (valid JSON, already parsed) starts and ends, or undefined: one walk
 * over the event, into `choices[0]` (and its `delta`) where it lies.
 */
function textToken(event: string): [number, number] | undefined {
  const o = skipWs(event, 0);
  if (event.charCodeAt(o) !== 123) return undefined;
  let a = NO;
  let b = 0;
  let choices = false;
  for (let k = firstKey(event, o); k >= 0; ) {
    const k1 = skipString(event, k) - 1;
    const v = valueAt(event, k1);
    let end: number;
    if (is(event, k + 1, k1, 'choices')) {
      if (choices || event.charCodeAt(v) !== 91) return undefined;
      choices = true;
      const c = skipWs(event, v + 1);
      if (event.charCodeAt(c) !== 123) return undefined;
      a = choiceToken(event, c);
      if (a === NO) return undefined;
      b = tokenEnd;
      end = skipNested(event, lastEnd, 1); // the rest of the array
    } else end = skipValue(event, v);
    k = nextKey(event, end);
  }
  return a === NO ? undefined : [a, b];
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
  if (!is(event, a + 1, b - 1, text)) return undefined;
  return {
    prefix: flat(event.slice(0, a + 1)),
    suffix: flat(event.slice(b - 1)),
    finished,
    promptTokens,
    completionTokens,
  };
}

/**
 * A copy of `s` in its own memory: `slice` gives a view into the whole network piece, and V8 compares such
 * views char by char through a slow path (≈1 µs per 110-char compare with `startsWith`, ≈0.1 µs for
 * `substring(...) ===` against a flat copy). Joining two halves makes a new string that V8 copies into one
 * flat string of its own on the first read (a UTF-8 round trip through a Buffer did the same at twice the
 * cost).
 */
function flat(s: string): string {
  const h = s.length >> 1;
  const c = s.slice(0, h) + s.slice(h);
  c.charCodeAt(0);
  return c;
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
