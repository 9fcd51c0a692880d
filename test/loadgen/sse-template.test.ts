/**
 * Reading OpenAI events without JSON.parse when they repeat the previous event's shape
 * (src/loadgen/clients/sse-template.ts): whatever `fromTemplate` answers is what JSON.parse says, for
 * every variant tried; it answers for the plain repeats (so the fast path is taken) and declines the rest;
 * and a whole stream read through the client gives the same chunks and counts as parsing every event.
 */
import { describe, expect, it } from 'vitest';
import { openAiProtocol } from '../../src/loadgen/clients/openai.js';
import { fromTemplate, templateOf } from '../../src/loadgen/clients/sse-template.js';
import { newParseState } from '../../src/loadgen/clients/types.js';
import { newRecord } from '../../src/loadgen/record.js';
import { countTokens } from '../../src/util/tokenizer.js';
import { spec } from './client-helpers.js';

type Obj = Record<string, unknown>;
const completion = (text: unknown, extra: Obj = {}) =>
  JSON.stringify({
    id: 'cmpl-7',
    object: 'text_completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, text, logprobs: null, finish_reason: null, ...extra }],
  });
const chat = (delta: Obj, extra: Obj = {}) =>
  JSON.stringify({
    id: 'chatcmpl-7',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...extra }],
  });

/** What JSON.parse makes of an event: its text as the client reads it, and the other fields. */
function parsed(event: string) {
  const b = JSON.parse(event) as {
    choices?: { text?: unknown; delta?: { content?: string | null; reasoning_content?: string | null } }[];
    usage?: unknown;
  };
  const c = b.choices?.[0];
  const text =
    typeof c?.text === 'string' ? c.text : (c?.delta?.reasoning_content ?? '') + (c?.delta?.content ?? '');
  return {
    text,
    rest: JSON.stringify({ ...b, choices: b.choices?.map((x) => ({ ...x, text: 0, delta: 0 })) }),
  };
}

const TEXTS = [
  'a',
  ' world',
  '',
  'ü 服务器 🚦',
  'say "hi"',
  'back\\slash',
  'line\nbreak',
  'tab\t',
  '/',
  '{"x":1}',
];

describe('templates agree with JSON.parse', () => {
  const bases = [completion(' tok'), chat({ content: ' tok' })];
  for (const base of bases) {
    it(`${base.slice(0, 40)}...: every answer is JSON.parse's, plain repeats are answered`, () => {
      const t = templateOf(base, ' tok', false, undefined, undefined);
      expect(t).toBeDefined();
      const isChat = base.includes('chat.completion');
      const variants: string[] = [];
      for (const text of TEXTS) {
        variants.push(isChat ? chat({ content: text }) : completion(text));
        // a changed field elsewhere, another shape, a second text field
        variants.push(
          isChat
            ? chat({ content: text }, { finish_reason: 'stop' })
            : completion(text, { finish_reason: 'length' }),
        );
        variants.push(isChat ? chat({ role: 'assistant', content: text }) : completion(text, { index: 1 }));
        variants.push(
          isChat
            ? chat({ reasoning_content: 'r', content: text })
            : completion(text).replace('"id":"cmpl-7"', '"id":"cmpl-8"'),
        );
      }
      variants.push(
        base.replace('" tok"', '" tok", "text":"again"'),
        `${base} `,
        ` ${base}`,
        base.replace('}]}', '}],"usage":null}'),
      );
      let answered = 0;
      for (const v of variants) {
        const got = fromTemplate(t!, `data: ${v}\n`, 6, 6 + v.length);
        if (got === undefined) continue;
        answered++;
        const p = parsed(v);
        expect(got).toBe(p.text);
        expect(p.rest).toBe(parsed(base).rest);
      }
      // the plain texts of the same shape (no quote, backslash or control character) are answered
      const plain = TEXTS.filter((x) => ![...x].some((ch) => ch === '"' || ch === '\\' || ch < ' ')).length;
      expect(answered).toBe(plain);
    });
  }

  it('a template whose fixed part holds non-ASCII text (kept as its own copy) still matches', () => {
    const ev = (text: string) => completion(text).replace('"model":"m"', '"model":"modèle-ü 服务器"');
    const piece = `data: ${ev(' a')}\n\ndata: ${ev(' b')}\n\n`;
    const first = piece.slice(6, piece.indexOf('\n'));
    const t = templateOf(first, ' a', false, undefined, undefined);
    expect(t).toBeDefined();
    const a = piece.indexOf('data: ', 1) + 6;
    expect(fromTemplate(t!, piece, a, piece.indexOf('\n', a))).toBe(' b');
  });

  it('shapes that are not templated: text null or not a string, reasoning beside content, repeated keys', () => {
    expect(templateOf(completion(null), '', false, undefined, undefined)).toBeUndefined();
    expect(
      templateOf(chat({ reasoning_content: 'r', content: 'x' }), 'rx', false, undefined, undefined),
    ).toBeUndefined();
    const twice = completion('x').replace('"choices":', '"choices":[],"choices":');
    expect(templateOf(twice, 'x', false, undefined, undefined)).toBeUndefined();
    // the token spelled with an escape is not its text verbatim: no template
    expect(templateOf(completion('a"b'), 'a"b', false, undefined, undefined)).toBeUndefined();
  });

  it('the walk to the text token steps over nested values and strings holding brackets and quotes', () => {
    const event = (text: string) =>
      JSON.stringify({
        id: 'x{"}[',
        meta: { a: [1, { b: '}]' }], c: 'x\\' },
        choices: [
          { index: 0, logprobs: { t: [']', '{'] }, text, finish_reason: null },
          { index: 1, text: 'other' },
        ],
        usage: null,
      });
    const t = templateOf(event('hi'), 'hi', false, undefined, undefined);
    expect(t?.prefix.endsWith('"text":"')).toBe(true);
    expect(t?.suffix.startsWith('","finish_reason":null}')).toBe(true);
    const next = event('yo');
    if (!t) return;
    expect(fromTemplate(t, next, 0, next.length)).toBe(parsed(next).text);
  });

  it('repeated or conflicting keys anywhere on the way are not templated', () => {
    const no = (event: string, text: string) =>
      expect(templateOf(event, text, false, undefined, undefined)).toBeUndefined();
    const c = '{"index":0,"text":"x","finish_reason":null}';
    no(`{"choices":[${c}],"choices":[${c}]}`, 'x');
    no('{"choices":[{"index":0,"text":"x","text":"x"}]}', 'x');
    no('{"choices":[{"index":0,"text":"x","message":{"content":"y"}}]}', 'x');
    no('{"choices":[{"index":0,"text":"x","delta":{"content":"x"}}]}', 'x');
    no('{"choices":[{"index":0,"delta":{"content":"x"},"delta":{"content":"x"}}]}', 'x');
    no('{"choices":[{"index":0,"delta":{"content":"x","content":"x"}}]}', 'x');
    no('{"choices":[{"index":0,"delta":{"role":"assistant"}}]}', '');
    no('{"choices":{"index":0,"text":"x"}}', 'x');
    // the same events without the repeat are templated (the cases above fail for their repeat)
    expect(templateOf(`{"choices":[${c}]}`, 'x', false, undefined, undefined)).toBeDefined();
    expect(
      templateOf('{"choices":[{"index":0,"delta":{"content":"x"}}]}', 'x', false, undefined, undefined),
    ).toBeDefined();
  });
});

describe('a whole stream read through the client', () => {
  /** Feeds the SSE text in pieces of `size` characters; returns the record. */
  function read(sse: string, size: number) {
    const ex = openAiProtocol(spec('http://127.0.0.1:1'), 'chat', true).exchange;
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
    const st = newParseState(rec, undefined);
    for (let i = 0; i < sse.length; i += size) {
      st.arrived = i;
      ex.feed(st, sse.slice(i, i + size));
    }
    ex.finish(st);
    return { rec, st };
  }

  it('chunks, token counts and usage equal those of parsing each event alone', () => {
    const texts = ['Hello', ' wor', 'ld', ' "quoted"', ' again', '\n', ' ü', 'ber', ' end'];
    const events = [
      chat({ role: 'assistant', content: '' }),
      ...texts.map((t) => chat({ content: t })),
      chat({ content: '!' }, { finish_reason: 'stop' }),
      JSON.stringify({ id: 'chatcmpl-7', choices: [], usage: { prompt_tokens: 3, completion_tokens: 11 } }),
    ];
    const sse = `${events.map((e) => `data: ${e}\n\n`).join('')}data: [DONE]\n\n`;
    for (const size of [sse.length, 97, 13, 1]) {
      const { rec, st } = read(sse, size);
      expect(rec.chunks).toHaveLength(texts.length + 1);
      expect(rec.output_tokens_client).toBe(countTokens(`${texts.join('')}!`));
      expect(rec.prompt_tokens_server).toBe(3);
      expect(rec.output_tokens_server).toBe(11);
      expect(st.finished).toBe(true);
      expect(st.done).toBe(true);
      expect(st.error).toBeUndefined();
    }
    // one piece: every chunk carries its stamp
    const whole = read(sse, sse.length);
    expect(new Set(whole.rec.chunks)).toEqual(new Set([0]));
  });

  it('a malformed event after templated ones still fails the request as a bad response', () => {
    const good = `data: ${completion(' a')}\n\ndata: ${completion(' b')}\n\n`;
    const bad = `data: ${completion(' c').slice(0, -2)}\n\n`;
    const ex = openAiProtocol(spec('http://127.0.0.1:1'), 'completions', true).exchange;
    const rec = newRecord({
      id: 'x',
      benchmark: 'b',
      executor: 'e',
      warmup: false,
      api: 'completions',
      stream: true,
      scheduled: 0,
      prompt_tokens_client: 1,
    });
    const st = newParseState(rec, undefined);
    ex.feed(st, good);
    expect(() => ex.feed(st, bad)).toThrow(SyntaxError);
    expect(rec.chunks).toHaveLength(2);
  });
});
