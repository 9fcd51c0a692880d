/**
 * A prompt is serialized once per prompt object (src/loadgen/prompt-json.ts): the request bodies the
 * clients build still carry exactly the prompt sent — for a prompt object sent again, one whose prompt
 * changed in between, escapes of every kind, chat and completions, OpenAI and Ollama — and the synthetic
 * set's per-request literals (marker + pool prompt) are each request's own prompt.
 */
import { describe, expect, it } from 'vitest';
import { ollamaProtocol } from '../../src/loadgen/clients/ollama.js';
import { openAiProtocol } from '../../src/loadgen/clients/openai.js';
import type { RequestInput } from '../../src/loadgen/clients/types.js';
import { syntheticPrompts } from '../../src/loadgen/datasets/synthetic.js';
import { promptJson } from '../../src/loadgen/prompt-json.js';
import { spec } from './client-helpers.js';

const s = spec('http://127.0.0.1:1');
const protocols = [
  ['openai completions', openAiProtocol(s, 'completions', true)],
  ['openai chat', openAiProtocol(s, 'chat', false)],
  ['ollama generate', ollamaProtocol(s, 'generate', true)],
  ['ollama chat', ollamaProtocol(s, 'chat', false)],
] as const;

/** The prompt a body sends: `prompt`, or the last chat message's content. */
function sentPrompt(body: string): unknown {
  const b = JSON.parse(body) as { prompt?: string; messages?: { role: string; content: string }[] };
  if (b.messages) {
    const last = b.messages[b.messages.length - 1];
    expect(last.role).toBe('user');
    return last.content;
  }
  return b.prompt;
}

describe('request bodies with prompts serialized once', () => {
  it.each(protocols)('%s: a prompt object sent again, and after its prompt changed', (_, protocol) => {
    const input: RequestInput = { prompt: 'say "hi"\n\t\\ — ok ✓', maxTokens: 3, promptTokens: 5 };
    expect(sentPrompt(protocol.body(input))).toBe(input.prompt);
    expect(sentPrompt(protocol.body(input))).toBe(input.prompt);
    input.prompt = 'another one';
    expect(sentPrompt(protocol.body(input))).toBe('another one');
    // nothing visible was added to the input
    expect(Object.keys(input)).toEqual(['prompt', 'maxTokens', 'promptTokens']);
    expect(JSON.parse(JSON.stringify(input))).toEqual({
      prompt: 'another one',
      maxTokens: 3,
      promptTokens: 5,
    });
  });

  it('promptJson is JSON.stringify of the current prompt', () => {
    const input = { prompt: 'a' };
    expect(promptJson(input)).toBe('"a"');
    input.prompt = 'b\u0001';
    expect(promptJson(input)).toBe(JSON.stringify('b\u0001'));
  });

  it.each([1, 2, 40])('synthetic prompts of %i tokens: each request literal is its own prompt', (tokens) => {
    const set = syntheticPrompts(tokens, 4, 7, 3, 5);
    for (let i = 0; i < 12; i++) {
      const p = set.get(i);
      expect(p.prompt.startsWith(`e3p${i}`)).toBe(true);
      expect(promptJson(p)).toBe(JSON.stringify(p.prompt));
      for (const [, protocol] of protocols) expect(sentPrompt(protocol.body(p))).toBe(p.prompt);
    }
  });
});
