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

/*
 * Shapes: the events that start and end a stream (the first, the one with finish_reason, the usage event)
 * come once per request, so a template learned within one request never sees them again; but they repeat
 * from one request to the next with only their values changed (id, created, the text, the finish reason,
 * the counts). A shape is such an event with every plain string body (no quote, backslash or control
 * character) and every small non-negative integer (1–15 digits, no leading zero) made a hole, and all the
 * rest — keys, punctuation, whitespace, literals, other numbers, strings with escapes — kept verbatim. A
 * later event that is those verbatim parts with, in each hole, a plain string body or such an integer is
 * valid JSON that parses to the same structure with only those values changed; the values the client reads
 * (choices[0].text, or the delta's or message's reasoning_content and content; choices[0].finish_reason;
 * usage.prompt_tokens and completion_tokens) are holes whose place is fixed when the shape is learned. An
 * event whose reading could depend on anything else (an `error` key, a repeated key on the way to a value
 * read, a value read whose type is not the one a hole keeps) has no shape. Ollama's NDJSON lines are read
 * the same way (`ollamaShapeOf`): its text lines and its final `done: true` line with counts and durations.
 */

/** What a hole gives the client. */
export const ROLE_NONE = 0;
export const ROLE_TEXT = 1;
export const ROLE_REASONING = 2;
export const ROLE_CONTENT = 3;
export const ROLE_FINISH = 4;
export const ROLE_PROMPT = 5;
export const ROLE_COMPLETION = 6;
/** Ollama's `*_duration` fields (ns). */
export const ROLE_TOTAL_NS = 7;
export const ROLE_LOAD_NS = 8;
export const ROLE_PROMPT_NS = 9;
export const ROLE_EVAL_NS = 10;
const ROLES = 11;

const STR = 0;
const INT = 1;
/** Holes per shape at most (an event with more, e.g. long arrays of numbers, has no shape). */
const MAX_HOLES = 48;

export interface Shape {
  /** The verbatim parts: lits[0] hole 0 lits[1] ... hole n-1 lits[n], each its own flat copy. */
  lits: string[];
  /** Per hole: STR (a string's body, between its quotes) or INT. */
  kinds: number[];
  /** Per role, the hole that gives it, or -1. */
  holeOf: number[];
  /** The verbatim parts' total length: the shortest event that can match. */
  min: number;
  /**
   * Learned from an event with text that did not finish the stream (a first text event): tried only while
   * the request has no template of its own yet, so that a mid-stream event the request's template declined
   * (an escape in its text) is not walked through this shape too.
   */
  opening: boolean;
  /** Ollama: the line's `done` (a literal, the same in every line that matches). */
  done: boolean;
}

// the shape being learned
let bLits: string[] = [];
let bKinds: number[] = [];
let bRoles: number[] = [];
let bFrom = 0;
let bEvent = '';
let bDone = false;

function hole(i0: number, i1: number, kind: number, role: number): boolean {
  if (bKinds.length >= MAX_HOLES) return false;
  bLits.push(bEvent.slice(bFrom, i0));
  bKinds.push(kind);
  bRoles.push(role);
  bFrom = i1;
  return true;
}

/** Whether `s[a, b)` is a string body without quote, backslash or control character. */
function plain(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE || c === 92 || c < 0x20) return false;
  }
  return true;
}

/** Whether `s[a, b)` is an integer a hole keeps: 1–15 digits, no leading zero (exact as a double). */
function isInt(s: string, a: number, b: number): boolean {
  if (b <= a || b - a > 15 || (s.charCodeAt(a) === 48 && b - a > 1)) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isNull(s: string, v: number): boolean {
  return is(s, v, skipValue(s, v), 'null');
}

/** Past the value at v, its plain strings and integers made holes read by no one; NO: too many holes. */
function anyValue(e: string, v: number): number {
  const c = e.charCodeAt(v);
  if (c === QUOTE) {
    const end = skipString(e, v);
    if (plain(e, v + 1, end - 1) && !hole(v + 1, end - 1, STR, ROLE_NONE)) return NO;
    return end;
  }
  if (c === 123) {
    for (let k = firstKey(e, v); k >= 0; ) {
      const end = anyValue(e, valueAt(e, skipString(e, k) - 1));
      if (end === NO) return NO;
      k = nextKey(e, end);
    }
    return lastEnd;
  }
  if (c === 91) {
    let j = skipWs(e, v + 1);
    if (e.charCodeAt(j) === 93) return j + 1;
    for (;;) {
      const end = anyValue(e, j);
      if (end === NO) return NO;
      j = skipWs(e, end);
      if (e.charCodeAt(j) === 93) return j + 1;
      j = skipWs(e, j + 1); // past ','
    }
  }
  const end = skipValue(e, v);
  if (isInt(e, v, end) && !hole(v, end, INT, ROLE_NONE)) return NO;
  return end;
}

/** A value the client reads as a string (or null: nothing), made a hole with `role`; NO if it is neither. */
function stringOrNull(e: string, v: number, role: number): number {
  if (e.charCodeAt(v) === QUOTE) {
    const end = skipString(e, v);
    if (!plain(e, v + 1, end - 1) || !hole(v + 1, end - 1, STR, role)) return NO;
    return end;
  }
  return isNull(e, v) ? v + 4 : NO;
}

/**
 * A message object at m (OpenAI's delta or message, `reasoningKey` 'reasoning_content'; Ollama's message,
 * 'thinking'): its reasoning and content holes (or NO).
 */
function messageShape(e: string, m: number, reasoningKey: string): number {
  let content = false;
  let reasoning = false;
  for (let k = firstKey(e, m); k >= 0; ) {
    const k1 = skipString(e, k) - 1;
    const v = valueAt(e, k1);
    let end: number;
    if (is(e, k + 1, k1, 'content')) {
      if (content) return NO;
      content = true;
      end = stringOrNull(e, v, ROLE_CONTENT);
    } else if (is(e, k + 1, k1, reasoningKey)) {
      if (reasoning) return NO;
      reasoning = true;
      end = stringOrNull(e, v, ROLE_REASONING);
    } else end = anyValue(e, v);
    if (end === NO) return NO;
    k = nextKey(e, end);
  }
  return lastEnd;
}

/** Sets the roles of holes [from, to) to none. */
function unread(from: number, to: number): void {
  for (let h = from; h < to; h++) bRoles[h] = ROLE_NONE;
}

/**
 * The choice object at c. The client reads `text` when it is a string, else `delta` when it is not null,
 * else `message`: the holes of the ones it does not read are read by no one.
 */
function choiceShape(e: string, c: number): number {
  let text = false;
  let finish = false;
  let delta = -1; // holes [delta, deltaTo) or -1: absent or null
  let deltaTo = 0;
  let seenDelta = false;
  let message = -1;
  let messageTo = 0;
  let seenMessage = false;
  for (let k = firstKey(e, c); k >= 0; ) {
    const k1 = skipString(e, k) - 1;
    const v = valueAt(e, k1);
    let end: number;
    if (is(e, k + 1, k1, 'text')) {
      if (text || e.charCodeAt(v) !== QUOTE) return NO; // twice, or not a string (then delta is read)
      text = true;
      end = stringOrNull(e, v, ROLE_TEXT);
    } else if (is(e, k + 1, k1, 'finish_reason')) {
      if (finish) return NO;
      finish = true;
      end = stringOrNull(e, v, ROLE_FINISH);
    } else if (is(e, k + 1, k1, 'delta') || is(e, k + 1, k1, 'message')) {
      const isDelta = e.charCodeAt(k + 1) === 100;
      if (isDelta ? seenDelta : seenMessage) return NO;
      if (isDelta) seenDelta = true;
      else seenMessage = true;
      const from = bKinds.length;
      if (e.charCodeAt(v) === 123) {
        end = messageShape(e, v, 'reasoning_content');
        if (isDelta) {
          delta = from;
          deltaTo = bKinds.length;
        } else {
          message = from;
          messageTo = bKinds.length;
        }
      } else end = isNull(e, v) ? v + 4 : NO;
    } else end = anyValue(e, v);
    if (end === NO) return NO;
    k = nextKey(e, end);
  }
  const close = lastEnd;
  if (text) {
    if (delta >= 0) unread(delta, deltaTo);
    if (message >= 0) unread(message, messageTo);
  } else if (delta >= 0 && message >= 0) unread(message, messageTo);
  return close;
}

/** The usage object at u: prompt_tokens and completion_tokens must be integers a hole keeps. */
function usageShape(e: string, u: number): number {
  let prompt = false;
  let completion = false;
  for (let k = firstKey(e, u); k >= 0; ) {
    const k1 = skipString(e, k) - 1;
    const v = valueAt(e, k1);
    let end: number;
    const isPrompt = is(e, k + 1, k1, 'prompt_tokens');
    if (isPrompt || is(e, k + 1, k1, 'completion_tokens')) {
      if (isPrompt ? prompt : completion) return NO;
      if (isPrompt) prompt = true;
      else completion = true;
      end = skipValue(e, v);
      if (!isInt(e, v, end) || !hole(v, end, INT, isPrompt ? ROLE_PROMPT : ROLE_COMPLETION)) return NO;
    } else end = anyValue(e, v);
    if (end === NO) return NO;
    k = nextKey(e, end);
  }
  return lastEnd;
}

/** The top-level object: `choices` an array (its first element a choice object) or null, `usage` an object or null, no `error`. */
function eventShape(e: string): boolean {
  const o = skipWs(e, 0);
  if (e.charCodeAt(o) !== 123) return false;
  let choices = false;
  let usage = false;
  for (let k = firstKey(e, o); k >= 0; ) {
    const k1 = skipString(e, k) - 1;
    const v = valueAt(e, k1);
    let end: number;
    if (is(e, k + 1, k1, 'error')) return false;
    if (is(e, k + 1, k1, 'choices')) {
      if (choices) return false;
      choices = true;
      if (e.charCodeAt(v) === 91) {
        const c = skipWs(e, v + 1);
        if (e.charCodeAt(c) === 93) end = c + 1;
        else if (e.charCodeAt(c) !== 123) return false;
        else {
          end = choiceShape(e, c);
          if (end === NO) return false;
          // the other choices: read by no one
          for (let j = skipWs(e, end); e.charCodeAt(j) !== 93; j = skipWs(e, end)) {
            end = anyValue(e, skipWs(e, j + 1));
            if (end === NO) return false;
          }
          end = skipWs(e, end) + 1;
        }
      } else end = isNull(e, v) ? v + 4 : NO;
    } else if (is(e, k + 1, k1, 'usage')) {
      if (usage) return false;
      usage = true;
      end = e.charCodeAt(v) === 123 ? usageShape(e, v) : isNull(e, v) ? v + 4 : NO;
    } else end = anyValue(e, v);
    if (end === NO) return false;
    k = nextKey(e, end);
  }
  return true;
}

/** The shape of `event` as `walk` (one of the top-level walks) makes it, or undefined. */
function build(event: string, walk: (e: string) => boolean, opening: boolean): Shape | undefined {
  bLits = [];
  bKinds = [];
  bRoles = [];
  bFrom = 0;
  bEvent = event;
  bDone = false;
  const ok = walk(event);
  bEvent = '';
  if (!ok) return undefined;
  bLits.push(event.slice(bFrom));
  const holeOf: number[] = new Array(ROLES).fill(-1);
  for (let h = 0; h < bRoles.length; h++) if (bRoles[h] !== ROLE_NONE) holeOf[bRoles[h]] = h;
  let min = 0;
  const lits = bLits.map((l) => {
    min += l.length;
    return l.length > 1 ? flat(l) : l;
  });
  return { lits, kinds: bKinds, holeOf, min, opening, done: bDone };
}

/**
 * The shape of the OpenAI `event` (valid JSON, already parsed: its text `text`, finished or not), or
 * undefined when its reading could depend on more than its holes.
 */
export function shapeOf(event: string, text: string, finished: boolean): Shape | undefined {
  return build(event, eventShape, text.length > 0 && !finished);
}

// Ollama's lines: `response` (and `thinking`) when the response is a string, else `message`'s thinking
// and content; `done`; the final line's counts and durations.

const OLLAMA_COUNTS: readonly [string, number][] = [
  ['prompt_eval_count', ROLE_PROMPT],
  ['eval_count', ROLE_COMPLETION],
  ['total_duration', ROLE_TOTAL_NS],
  ['load_duration', ROLE_LOAD_NS],
  ['prompt_eval_duration', ROLE_PROMPT_NS],
  ['eval_duration', ROLE_EVAL_NS],
];

/**
 * An Ollama line: no `error`; `response` a string or null, `thinking` a string or null, `message` an
 * object or null, `done` true or false, the counts and durations integers a hole keeps; none repeated.
 */
function ollamaShape(e: string): boolean {
  const o = skipWs(e, 0);
  if (e.charCodeAt(o) !== 123) return false;
  let seen = 0; // bits: response, thinking, message, done, then the counts
  let response = false;
  let thinking = -1; // the top-level thinking's hole, or -1
  let message = -1; // holes [message, messageTo), or -1: absent or null
  let messageTo = 0;
  for (let k = firstKey(e, o); k >= 0; ) {
    const k1 = skipString(e, k) - 1;
    const v = valueAt(e, k1);
    let bit = 0;
    let end: number;
    if (is(e, k + 1, k1, 'error')) return false;
    if (is(e, k + 1, k1, 'response')) {
      bit = 1;
      response = e.charCodeAt(v) === QUOTE;
      end = stringOrNull(e, v, ROLE_TEXT);
    } else if (is(e, k + 1, k1, 'thinking')) {
      bit = 2;
      if (e.charCodeAt(v) === QUOTE) thinking = bKinds.length;
      end = stringOrNull(e, v, ROLE_REASONING);
    } else if (is(e, k + 1, k1, 'message')) {
      bit = 4;
      if (e.charCodeAt(v) === 123) {
        message = bKinds.length;
        end = messageShape(e, v, 'thinking');
        messageTo = bKinds.length;
      } else end = isNull(e, v) ? v + 4 : NO;
    } else if (is(e, k + 1, k1, 'done')) {
      bit = 8;
      end = skipValue(e, v);
      if (is(e, v, end, 'true')) bDone = true;
      else if (!is(e, v, end, 'false')) return false;
    } else {
      end = NO;
      for (let i = 0; i < OLLAMA_COUNTS.length; i++) {
        const [key, role] = OLLAMA_COUNTS[i];
        if (!is(e, k + 1, k1, key)) continue;
        bit = 16 << i;
        end = skipValue(e, v);
        if (!isInt(e, v, end) || !hole(v, end, INT, role)) return false;
        break;
      }
      if (bit === 0) end = anyValue(e, v);
    }
    if (end === NO || (seen & bit) !== 0) return false;
    seen |= bit;
    k = nextKey(e, end);
  }
  // a string response is read with the top-level thinking; else the message (with its own thinking)
  if (response) {
    if (message >= 0) unread(message, messageTo);
  } else if (thinking >= 0) unread(thinking, thinking + 1);
  return true;
}

/** The shape of an Ollama line (valid JSON, already parsed), or undefined. */
export function ollamaShapeOf(line: string): Shape | undefined {
  return build(line, ollamaShape, false);
}

/** Learned shapes a client keeps; the oldest is replaced once this many are kept. */
const MAX_SHAPES = 8;
/** Parsed events sought in beyond the matched ones before seeking stops. */
const FREE_TRIES = 32;

/**
 * The shapes of one client's events, learned from the events that were parsed, across requests: an
 * event matching one is read from its holes, without `JSON.parse`.
 */
export class Shapes {
  private readonly list: Shape[] = [];
  /** The next to replace once the list is full. */
  private next = 0;
  /** Parsed events a shape was sought in, and events that matched one: seeking stops when it keeps failing. */
  private tries = 0;
  private hits = 0;

  /** The first kept shape `s[a, b)` matches (its holes then in `at`); an opening one only if `opening`. */
  match(s: string, a: number, b: number, opening: boolean): Shape | undefined {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if ((opening || !t.opening) && matchShape(t, s, a, b)) {
        this.hits++;
        return t;
      }
    }
    return undefined;
  }

  /** Whether a parsed event is still worth seeking a shape in. */
  seeking(): boolean {
    return this.tries < FREE_TRIES + this.hits;
  }

  /** Counts a try and keeps its shape, if it had one. */
  learn(t: Shape | undefined): void {
    this.tries++;
    if (t === undefined) return;
    if (this.list.length < MAX_SHAPES) this.list.push(t);
    else this.list[this.next++ % MAX_SHAPES] = t;
  }
}

/** Where the holes of the last match lie: hole h is `s[at[2h], at[2h+1])`. */
export const at = new Int32Array(2 * MAX_HOLES);

/** Whether the event `s[a, b)` has shape `t` (its holes then in `at`). */
export function matchShape(t: Shape, s: string, a: number, b: number): boolean {
  if (b - a < t.min) return false;
  const lits = t.lits;
  const n = t.kinds.length;
  const last = lits[n];
  const end = b - last.length;
  if (s.substring(end, b) !== last) return false; // most misses show at the end
  let i = a;
  for (let h = 0; h < n; h++) {
    const lit = lits[h];
    const j = i + lit.length;
    if (j > end || s.substring(i, j) !== lit) return false;
    i = j;
    if (t.kinds[h] === STR) {
      for (; ; i++) {
        if (i > end) return false; // at end: the last part's opening quote (compared above)
        const c = s.charCodeAt(i);
        if (c === QUOTE) break;
        if (c === 92 || c < 0x20) return false;
      }
    } else {
      const c = s.charCodeAt(i);
      if (c === 48) i++;
      else {
        const d0 = i;
        while (i < end && i - d0 <= 15) {
          const d = s.charCodeAt(i);
          if (d < 48 || d > 57) break;
          i++;
        }
        if (i === d0 || i - d0 > 15) return false;
      }
    }
    at[2 * h] = j;
    at[2 * h + 1] = i;
  }
  return i === end;
}

/** The string in hole `role` of the last match of `t` against `s`, or '' when no hole has it. */
export function holeText(t: Shape, s: string, role: number): string {
  const h = t.holeOf[role];
  return h < 0 ? '' : s.slice(at[2 * h], at[2 * h + 1]);
}

/** Whether hole `role` of the last match of `t` holds a non-empty string (false: no such hole). */
export function holeFilled(t: Shape, role: number): boolean {
  const h = t.holeOf[role];
  return h >= 0 && at[2 * h + 1] > at[2 * h];
}

/** The integer in hole `role` of the last match of `t` against `s`, or undefined when no hole has it. */
export function holeInt(t: Shape, s: string, role: number): number | undefined {
  const h = t.holeOf[role];
  if (h < 0) return undefined;
  let v = 0;
  for (let i = at[2 * h]; i < at[2 * h + 1]; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}
