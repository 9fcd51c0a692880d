/**
 * The events that open and close OpenAI streams read through shapes learned across requests
 * (src/loadgen/clients/sse-template.ts, `shapeOf`/`matchShape`): through one client, request after request,
 * the text pieces, the finish and the usage counts are those of parsing every event with JSON.parse (the
 * reading restated below), and once a shape is learned the events that have it are not parsed at all; any
 * other event — another shape, an escape, a number a hole does not keep, an error — is parsed as before.
 * Likewise Ollama's NDJSON lines (its text lines and the final `done: true` line with counts and durations).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ollamaProtocol } from '../../src/loadgen/clients/ollama.js';
import { openAiProtocol } from '../../src/loadgen/clients/openai.js';
import { matchShape, ollamaShapeOf, shapeOf } from '../../src/loadgen/clients/sse-template.js';
import { newParseState } from '../../src/loadgen/clients/types.js';
import { newRecord } from '../../src/loadgen/record.js';
import { spec } from './client-helpers.js';

type Obj = Record<string, unknown>;

interface Read {
  pieces: string[];
  prompt: number | undefined;
  completion: number | undefined;
  finished: boolean;
  error: string | undefined;
}

/** openai.ts's reading of a stream's events, each parsed with JSON.parse (as before shapes). */
function reference(events: string[]): Read {
  const r: Read = { pieces: [], prompt: undefined, completion: undefined, finished: false, error: undefined };
  for (const e of events) {
    const b = JSON.parse(e);
    if (b.error !== undefined && b.error !== null) {
      r.error = 'server_error';
      continue;
    }
    const c = b.choices?.[0];
    let text = '';
    if (c && typeof c.text === 'string') text = c.text;
    else {
      const m = c?.delta ?? c?.message;
      if (m) text = (m.reasoning_content ?? '') + (m.content ?? '');
    }
    if (text.length > 0) r.pieces.push(text);
    if (c?.finish_reason) r.finished = true;
    const u = b.usage;
    if (u) {
      if (typeof u.prompt_tokens === 'number') r.prompt = u.prompt_tokens;
      if (typeof u.completion_tokens === 'number') r.completion = u.completion_tokens;
    }
  }
  return r;
}

type Ex = ReturnType<typeof openAiProtocol>['exchange'];

/** One request through `ex`: the events as SSE (`eol` between lines), fed in pieces of `size` characters. */
function read(ex: Ex, events: string[], size = Number.POSITIVE_INFINITY, eol = '\n'): Read {
  return readSse(ex, `${events.map((e) => `data: ${e}${eol}${eol}`).join('')}data: [DONE]${eol}${eol}`, size);
}

function readSse(ex: Ex, sse: string, size: number): Read {
  const rec = newRecord({
    id: 'x',
    benchmark: 'b',
    executor: 'e',
    warmup: false,
    api: 'chat',
    stream: true,
    scheduled: 0,
    prompt_tokens_client: 1,
  });
  const st = newParseState(rec, []);
  const n = Math.min(size, sse.length);
  for (let i = 0; i < sse.length; i += n) ex.feed(st, sse.slice(i, i + n));
  ex.finish(st);
  if (!st.error) expect(st.done).toBe(true);
  return {
    pieces: st.reply ?? [],
    prompt: rec.prompt_tokens_server,
    completion: rec.output_tokens_server,
    finished: st.finished,
    error: st.error,
  };
}

const completion = (id: string, text: unknown, extra: Obj = {}, top: Obj = {}) =>
  JSON.stringify({
    id,
    object: 'text_completion',
    created: 1764700000,
    model: 'm',
    choices: [{ index: 0, text, logprobs: null, finish_reason: null, stop_reason: null, ...extra }],
    ...top,
  });
const chat = (id: string, delta: Obj, extra: Obj = {}, top: Obj = {}) =>
  JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: 1764700000,
    model: 'm',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...extra }],
    ...top,
  });
const usageEvent = (id: string, prompt: unknown, done: unknown, extra: Obj = {}) =>
  JSON.stringify({
    id,
    object: 'text_completion',
    created: 1764700000,
    model: 'm',
    choices: [],
    usage: { prompt_tokens: prompt, total_tokens: 1, completion_tokens: done, ...extra },
  });

/** A completions stream: texts, the last one with `finish`, then the usage (separate, in the last, or none). */
function stream(
  id: string,
  texts: string[],
  finish: unknown,
  usage: 'separate' | 'last' | 'none',
  prompt: unknown = 16,
): string[] {
  const n = texts.length;
  const events = texts.map((t, i) =>
    i < n - 1
      ? completion(id, t)
      : completion(
          id,
          t,
          { finish_reason: finish },
          usage === 'last' ? { usage: { prompt_tokens: prompt, completion_tokens: n } } : {},
        ),
  );
  if (usage === 'separate') events.push(usageEvent(id, prompt, n));
  return events;
}

let parses = 0;
afterEach(() => vi.restoreAllMocks());
function countParses(): void {
  const orig = JSON.parse;
  parses = 0;
  vi.spyOn(JSON, 'parse').mockImplementation((s: string) => {
    parses++;
    return orig(s);
  });
}

/** Reads every stream through one client: each as JSON.parse reads it; returns the parses per stream. */
function readAll(api: 'completions' | 'chat', streams: string[][], size?: number, eol?: string): number[] {
  const ex = openAiProtocol(spec('http://127.0.0.1:1'), api, true).exchange;
  const out: number[] = [];
  for (const events of streams) {
    const want = reference(events);
    countParses();
    const got = read(ex, events, size, eol);
    out.push(parses);
    vi.restoreAllMocks();
    expect(got).toEqual(want);
  }
  return out;
}

describe('finishing events read through shapes across requests', () => {
  for (const usage of ['separate', 'last', 'none'] as const) {
    it(`usage ${usage}: the finish reason, the last text and the counts of every request, parsed once`, () => {
      const streams = [
        stream('cmpl-0', [' a', ' b', ' c'], 'length', usage, 16),
        stream('cmpl-1', [' d', ' e', ' f'], 'stop', usage, 7),
        // numbers of other widths, another finish reason, a longer and a non-ASCII last text, another id
        stream('cmpl-a0b1c2d3e4f5', [' g', ' h', ' ünd 服务器 🚦'], 'length', usage, 123456),
        stream('x', [' i', ' j', ' k', ' l', ' m', ' n', ' o', ' p', ' q', ' r', ' s'], 'stop', usage, 0),
        stream('cmpl-2', [' t', ' u', ''], 'length', usage, 999999999999999),
        stream('cmpl-3', [' v', ' w'], 'stop', usage, 10),
      ];
      const parsed = readAll('completions', streams);
      // the first request learns the shapes (its first, finishing and usage events); after that none is
      // parsed, except a finishing event with an empty text (whose first event shape is the same: read)
      expect(parsed[0]).toBeGreaterThan(0);
      expect(parsed.slice(1)).toEqual([0, 0, 0, 0, 0]);
    });
  }

  it('chat: role event, reasoning then content, the finishing event and the usage event', () => {
    const s = (id: string, prompt: number, finish: string) => [
      chat(id, { role: 'assistant', content: '' }),
      chat(id, { reasoning_content: 'think' }),
      chat(id, { reasoning_content: ' more' }),
      chat(id, { content: 'Hello' }),
      chat(id, { content: ' world' }),
      chat(id, { content: '!' }, { finish_reason: finish }),
      JSON.stringify({ id, choices: [], usage: { prompt_tokens: prompt, completion_tokens: 5 } }),
    ];
    const parsed = readAll('chat', [
      s('chatcmpl-1', 3, 'stop'),
      s('chatcmpl-22', 30000, 'length'),
      s('chatcmpl-333', 8, 'stop'),
    ]);
    expect(parsed.slice(1)).toEqual([0, 0]);
  });

  it('a finishing event with reasoning and content in one delta: both texts, in that order', () => {
    const s = (id: string, r: string, c: string, done: number) => [
      chat(id, { content: 'a' }),
      chat(
        id,
        { reasoning_content: r, content: c },
        { finish_reason: 'stop' },
        { usage: { prompt_tokens: 2, completion_tokens: done } },
      ),
    ];
    const parsed = readAll('chat', [
      s('c-1', 'r1', 'c1', 1),
      s('c-2', 'rr2', 'cc2', 22),
      s('c-3', '', 'x', 333),
    ]);
    expect(parsed.slice(1)).toEqual([0, 0]);
  });

  it('fields the client does not read have holes too; the ones it reads are the right ones', () => {
    // text beside a delta (text is read), a message beside a delta (the delta is read), a second choice
    const s = (id: string, t: string, other: string, n: number) => [
      completion(id, t, { delta: { content: other } }),
      completion(id, t, { finish_reason: 'stop', message: { content: other } }),
      JSON.stringify({
        id,
        choices: [
          { index: 0, delta: { content: t }, message: { content: other }, finish_reason: 'length' },
          { index: 1, text: other, finish_reason: 'stop' },
        ],
        usage: {
          prompt_tokens: n,
          completion_tokens: n + 1,
          prompt_tokens_details: { cached_tokens: n + 2 },
        },
      }),
    ];
    const parsed = readAll('completions', [
      s('a', 'x', 'y', 1),
      s('bb', 'xx', 'yy', 22),
      s('c', ' z', 'w', 3),
    ]);
    expect(parsed.slice(1)).toEqual([0, 0]);
  });
});

describe('events whose shape changed are parsed, with the same results', () => {
  it('between requests: a field added, a value of another type, a number a hole does not keep, an error', () => {
    const base = stream('cmpl-0', [' a', ' b'], 'stop', 'separate');
    const variants: string[][] = [
      // the finishing event: stop_reason a string, finish_reason null (not finished), another key order
      [completion('c', ' a'), completion('c', ' b', { finish_reason: 'stop', stop_reason: 'eos' })],
      [completion('c', ' a'), completion('c', ' b', { finish_reason: null }), usageEvent('c', 1, 2)],
      [completion('c', ' a'), completion('c', ' b', { finish_reason: 7 }), usageEvent('c', 1, 2)],
      [completion('c', ' a'), completion('c', ' b', { finish_reason: '' }), usageEvent('c', 1, 2)],
      // the usage event: counts that are no integer a hole keeps, or not numbers, an added key, null
      [...base.slice(0, 2), usageEvent('c', 1.5, 2)],
      [...base.slice(0, 2), usageEvent('c', -1, 2)],
      [...base.slice(0, 2), usageEvent('c', 1e21, 2)],
      [...base.slice(0, 2), usageEvent('c', 1000000000000000, 2)],
      [...base.slice(0, 2), usageEvent('c', '12', 2)],
      [...base.slice(0, 2), usageEvent('c', 1, null)],
      [...base.slice(0, 2), usageEvent('c', 1, 2, { extra: 1 })],
      [...base.slice(0, 2), JSON.stringify({ id: 'c', choices: [], usage: null })],
      // a created that is not an integer, an error beside the same fields, choices not an array
      [
        completion('c', ' a'),
        completion('c', ' b', { finish_reason: 'stop' }).replace('1764700000', '17647.5'),
      ],
      [
        completion('c', ' a'),
        completion('c', ' b', { finish_reason: 'stop' }, { error: { message: 'boom' } }),
      ],
      [
        completion('c', ' a'),
        usageEvent('c', 1, 2).replace('"choices":[]', '"choices":{"0":{"text":"q","finish_reason":"stop"}}'),
      ],
      // the shape again after all that: still read
      stream('cmpl-7', [' c', ' d'], 'length', 'separate', 5),
    ];
    const parsed = readAll('completions', [base, ...variants]);
    // parsed: every variant but those still of the learned shapes (a null finish reason is the first
    // event's shape again, read by the request's template; an empty one is a plain string in its hole)
    expect(parsed.slice(1).map((n) => n > 0)).toEqual([
      true,
      false,
      true,
      false,
      ...new Array(11).fill(true),
      false,
    ]);
  });

  it('within a request: a finishing event of another shape after shaped ones, and a shape after a parsed one', () => {
    const a = stream('c-1', [' a', ' b'], 'stop', 'separate');
    const b = [
      completion('c-2', ' a'),
      completion('c-2', ' b'),
      completion('c-2', ' c', { finish_reason: 'stop', logprobs: { tokens: [' c'] } }),
      usageEvent('c-2', 4, 3),
    ];
    const c = [
      completion('c-3', ' a', {}, { usage: null }),
      completion('c-3', ' b', { finish_reason: 'stop' }),
      usageEvent('c-3', 9, 2),
    ];
    const parsed = readAll('completions', [a, b, c, a]);
    expect(parsed[1]).toBe(1); // only the finishing event with logprobs
    expect(parsed.at(-1)).toBe(0);
  });

  it('escapes: in the text, the finish reason or an id, parsed (and a plain one after them read)', () => {
    const streams = [
      stream('c-1', [' a', ' b'], 'stop', 'last'),
      stream('c-2', [' a', 'say "hi"\n'], 'stop', 'last'),
      stream('c-3', [' a', 'back\\slash'], 'stop', 'last'),
      stream('c-4', [' a', ' b'], 'st"op', 'last'),
      stream('c-5', [' a', '\u0001'], 'stop', 'last'),
      [completion('c\\6', ' a'), completion('c\\6', ' b', { finish_reason: 'stop' })],
      [
        completion('c-7', ' a'),
        JSON.stringify(JSON.parse(completion('c-7', ' b', { finish_reason: 'stop' }))).replace(
          '" b"',
          '"\\u0020b"',
        ),
      ],
      stream('c-8', [' a', ' b'], 'length', 'last', 12),
    ];
    const parsed = readAll('completions', streams);
    expect(parsed.slice(1, -1).every((n) => n > 0)).toBe(true);
    expect(parsed.at(-1)).toBe(0);
  });

  it('blank lines, CRLF and comment lines between events, fed in pieces of any size', () => {
    const s = (id: string, n: number) => [...stream(id, [' a', ' b', ' c'], 'stop', 'separate', n)];
    for (const size of [1, 2, 7, 50]) {
      readAll('completions', [s('a', 1), s('bb', 22), s('c', 333)], size, '\r\n');
      readAll('completions', [s('a', 1), s('bb', 22)], size, '\n\n\n');
    }
    // comment and blank lines around the events, a last line without its line ending
    const ex = openAiProtocol(spec('http://127.0.0.1:1'), 'completions', true).exchange;
    for (const [id, n] of [
      ['z', 5],
      ['zz', 55],
    ] as const) {
      const events = s(id, n);
      const sse = `: ping\n\n\r\n${events.map((e) => `data: ${e}\r\n\n\n: ping\n`).join('')}\r\n\ndata: [DONE]`;
      for (const size of [1, 3, sse.length]) expect(readSse(ex, sse, size)).toEqual(reference(events));
    }
  });
});

describe('shapeOf and matchShape', () => {
  it('shapes that are not learned: an error key, repeated keys on the way to a value read, types a hole does not keep', () => {
    const no = (e: string) => expect(shapeOf(e, '', false)).toBeUndefined();
    no('{"error":null,"choices":[]}');
    no('{"choices":[],"choices":[]}');
    no('{"usage":null,"usage":{"prompt_tokens":1}}');
    no('{"choices":[{"text":"a","text":"b"}]}');
    no('{"choices":[{"text":"a","finish_reason":null,"finish_reason":"stop"}]}');
    no('{"choices":[{"delta":{"content":"a","content":"b"}}]}');
    no('{"choices":[{"delta":{"content":"a"},"delta":{"content":"b"}}]}');
    no('{"choices":[{"text":null,"delta":{"content":"b"}}]}');
    no('{"choices":[{"text":"a\\nb"}]}');
    no('{"choices":[{"delta":{"content":5}}]}');
    no('{"choices":[{"finish_reason":1}]}');
    no('{"choices":[null]}');
    no('{"choices":{"0":{"text":"a"}}}');
    no('{"usage":{"prompt_tokens":1.5}}');
    no('{"usage":{"prompt_tokens":1,"prompt_tokens":2}}');
    no('{"usage":"x"}');
    no('[1]');
    // the same events without what is refused are learned
    const yes = (e: string) => expect(shapeOf(e, '', false)).toBeDefined();
    yes('{"choices":[]}');
    yes('{"usage":null,"choices":[{"text":"a","finish_reason":null}]}');
    yes('{"usage":{"prompt_tokens":1,"total_tokens":1.5,"x":[1,{"y":"z\\n"}]}}');
  });

  it('a match is exactly the shape with plain strings and integers in its holes, within the event', () => {
    const e = '{"id":"a","n":12,"choices":[{"text":"t","finish_reason":"stop"}],"usage":{"prompt_tokens":3}}';
    const s = shapeOf(e, 't', true);
    expect(s).toBeDefined();
    if (!s) return;
    const m = (x: string, a = 0, b = x.length) => matchShape(s, x, a, b);
    expect(m(e)).toBe(true);
    expect(
      m(
        e.replace('"a"', '"bcd"').replace('12', '0').replace('"t"', '""').replace(':3}', ':123456789012345}'),
      ),
    ).toBe(true);
    expect(m(e.replace('12', '012'))).toBe(false);
    expect(m(e.replace('12', '-1'))).toBe(false);
    expect(m(e.replace('12', '1.0'))).toBe(false);
    expect(m(e.replace(':3}', ':1234567890123456}'))).toBe(false);
    expect(m(e.replace('"a"', '"a\\"b"'))).toBe(false);
    expect(m(e.replace('"t"', '"t\\n"'))).toBe(false);
    expect(m(e.replace('"t"', '"t\tx"'))).toBe(false);
    expect(m(e.replace('"stop"', 'null'))).toBe(false);
    expect(m(`${e} `)).toBe(false);
    expect(m(` ${e}`)).toBe(false);
    expect(m(e.slice(0, -1))).toBe(false);
    // within a larger piece: only s[a, b) is the event
    const piece = `data: ${e}\n\ndata: ${e}`;
    expect(m(piece, 6, 6 + e.length)).toBe(true);
    expect(m(piece, 6, 6 + e.length + 1)).toBe(false);
  });
});

describe("Ollama's lines read through shapes across requests", () => {
  interface OllamaRead {
    pieces: string[];
    prompt: number | undefined;
    completion: number | undefined;
    figures: unknown;
    done: boolean;
    error: string | undefined;
  }
  /** ollama.ts's reading of a stream's lines, each parsed with JSON.parse (as before shapes). */
  function ollamaReference(lines: string[]): OllamaRead {
    const r: OllamaRead = {
      pieces: [],
      prompt: undefined,
      completion: undefined,
      figures: undefined,
      done: false,
      error: undefined,
    };
    for (const l of lines) {
      const b = JSON.parse(l);
      if (b.error !== undefined) {
        r.error = 'server_error';
        continue;
      }
      const text =
        typeof b.response === 'string'
          ? (b.thinking ?? '') + b.response
          : b.message
            ? (b.message.thinking ?? '') + (b.message.content ?? '')
            : '';
      if (text.length > 0) r.pieces.push(text);
      if (b.done) {
        r.done = true;
        if (typeof b.prompt_eval_count === 'number') r.prompt = b.prompt_eval_count;
        if (typeof b.eval_count === 'number') r.completion = b.eval_count;
        r.figures = {
          prompt_eval_count: b.prompt_eval_count,
          eval_count: b.eval_count,
          total_duration_ns: b.total_duration,
          load_duration_ns: b.load_duration,
          prompt_eval_duration_ns: b.prompt_eval_duration,
          eval_duration_ns: b.eval_duration,
        };
      }
    }
    return r;
  }

  function ollamaRead(ex: Ex, lines: string[], size: number): OllamaRead {
    const rec = newRecord({
      id: 'x',
      benchmark: 'b',
      executor: 'e',
      warmup: false,
      api: 'generate',
      stream: true,
      scheduled: 0,
      prompt_tokens_client: 1,
    });
    const st = newParseState(rec, []);
    const body = lines.map((l) => `${l}\n`).join('');
    const n = Math.min(size, body.length);
    for (let i = 0; i < body.length; i += n) ex.feed(st, body.slice(i, i + n));
    ex.finish(st);
    return {
      pieces: st.reply ?? [],
      prompt: rec.prompt_tokens_server,
      completion: rec.output_tokens_server,
      figures: rec.server_figures,
      done: st.done,
      error: st.error,
    };
  }

  /** Reads every stream through one client: each as JSON.parse reads it; returns the parses per stream. */
  function ollamaAll(
    api: 'generate' | 'chat',
    streams: string[][],
    size = Number.POSITIVE_INFINITY,
  ): number[] {
    const ex = ollamaProtocol(spec('http://127.0.0.1:1'), api, true).exchange;
    const out: number[] = [];
    for (const lines of streams) {
      const want = ollamaReference(lines);
      countParses();
      const got = ollamaRead(ex, lines, size);
      out.push(parses);
      vi.restoreAllMocks();
      expect(got).toEqual(want);
    }
    return out;
  }

  const at = (i: number) => `2026-12-02T17:5${i % 10}:00.${String(123456789 + i * 7919).slice(0, 9)}Z`;
  const gen = (i: number, response: unknown, extra: Obj = {}) =>
    JSON.stringify({ model: 'llama3', created_at: at(i), response, done: false, ...extra });
  const done = (i: number, counts: Obj, extra: Obj = {}) =>
    JSON.stringify({
      model: 'llama3',
      created_at: at(i),
      response: '',
      done: true,
      done_reason: 'stop',
      total_duration: 1234567890,
      load_duration: 1234,
      prompt_eval_count: 26,
      prompt_eval_duration: 130079000,
      eval_count: 259,
      eval_duration: 1325948000,
      ...counts,
      ...extra,
    });
  const generate = (i: number, texts: string[], counts: Obj = {}) => [
    ...texts.map((t, k) => gen(i + k, t)),
    done(i, counts),
  ];

  it('generate: text lines and the done line with counts and durations of other widths, parsed once', () => {
    const parsed = ollamaAll('generate', [
      generate(0, [' a', ' b', ' c']),
      generate(1, [' d', ' ü服务器', ''], {
        prompt_eval_count: 7,
        eval_count: 3,
        total_duration: 999999999999999,
      }),
      generate(2, [' e'], { prompt_eval_count: 123456, eval_count: 0, load_duration: 0, eval_duration: 5 }),
    ]);
    expect(parsed[0]).toBeGreaterThan(0);
    expect(parsed.slice(1)).toEqual([0, 0]);
  });

  it('chat: message content and thinking; a done line without durations', () => {
    const line = (i: number, m: Obj, d: boolean, extra: Obj = {}) =>
      JSON.stringify({
        model: 'm',
        created_at: at(i),
        message: { role: 'assistant', ...m },
        done: d,
        ...extra,
      });
    const s = (i: number, n: number) => [
      line(i, { content: '', thinking: 'hmm' }, false),
      line(i, { content: 'Hi' }, false),
      line(i, { content: ' there' }, false),
      line(i, { content: '' }, true, { done_reason: 'stop', prompt_eval_count: n, eval_count: n + 1 }),
    ];
    const parsed = ollamaAll('chat', [s(0, 5), s(1, 55), s(2, 555)], 7);
    expect(parsed.slice(1)).toEqual([0, 0]);
  });

  it('lines of another shape are parsed: an error, escapes, a count or duration no hole keeps, done not a boolean, a context', () => {
    const base = generate(0, [' a', ' b']);
    const parsed = ollamaAll('generate', [
      base,
      [gen(1, ' a'), JSON.stringify({ error: 'model not found' })],
      [gen(1, 'say "hi"\n'), gen(2, ' b'), done(1, {})],
      [gen(1, ' a'), gen(2, ' b', { thinking: 'x\ty' }), done(1, {})],
      [gen(1, ' a'), done(1, { eval_count: 1.5 })],
      [gen(1, ' a'), done(1, { eval_count: -3 })],
      [gen(1, ' a'), done(1, { total_duration: 1e16 })],
      [gen(1, ' a'), done(1, { eval_count: '12' })],
      [gen(1, ' a'), done(1, {}, { context: [1, 2, 3] })],
      [gen(1, ' a'), done(1, {}, { done: 1 })],
      [gen(1, ' a', { done: 'no' }), done(1, {})],
      [gen(1, null, { message: { content: 'm' } }), done(1, {})],
      [gen(1, ' a', { thinking: 't' }), gen(2, ' b', { thinking: null }), done(1, {})],
      generate(3, [' c', ' d'], { eval_count: 4 }),
    ]);
    expect(parsed.slice(1, -1).every((n) => n > 0)).toBe(true);
    expect(parsed.at(-1)).toBe(0);
  });

  it('the text read: thinking before a string response, else the message (with its own thinking)', () => {
    const s = (i: number, t: string, th: string, m: string) => [
      gen(i, t, { thinking: th }),
      gen(i + 1, t, { thinking: th, message: { content: m, thinking: `${th}?` } }),
      gen(i + 2, null, { thinking: th, message: { content: m, thinking: `${th}!` } }),
      gen(i + 3, null, { thinking: th, message: { content: m } }),
      done(i, { eval_count: i }),
    ];
    const parsed = ollamaAll('generate', [s(0, 'a', 'x', 'm'), s(1, 'bb', 'yy', 'nn'), s(2, '', 'z', '')]);
    expect(parsed.slice(1)).toEqual([0, 0]);
  });

  it('ollamaShapeOf: what is not learned', () => {
    const no = (l: string) => expect(ollamaShapeOf(l)).toBeUndefined();
    no('{"error":"x"}');
    no('{"response":"a","response":"b","done":false}');
    no('{"response":"a","done":false,"done":true}');
    no('{"response":"a","done":null}');
    no('{"response":5,"done":false}');
    no('{"response":"a\\n","done":false}');
    no('{"message":"x","done":false}');
    no('{"message":{"content":"a","content":"b"},"done":false}');
    no('{"done":true,"eval_count":1,"eval_count":2}');
    no('{"done":true,"eval_duration":1.0}');
    expect(ollamaShapeOf('{"response":"a","done":false,"x":[1,"b",{"c":null}]}')).toBeDefined();
    expect(ollamaShapeOf('{"message":null,"response":null,"done":true}')?.done).toBe(true);
  });
});
