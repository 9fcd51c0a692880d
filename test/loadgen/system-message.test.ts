/**
 * A ShareGPT conversation's system message (a `system` turn, or the entry's `system` field as
 * LLaMA-Factory's ShareGPT files give it) is sent before the prompt and counted in its token estimate:
 * the chat APIs' first message, Ollama generate's `system` field, and for completions (no roles) the
 * system text, a blank line, then the prompt. Prompts without one send exactly what they did before.
 * A multi-turn session opens every turn with it (test/e2e/sessions.test.ts, against the simulator).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ollamaProtocol } from '../../src/loadgen/clients/ollama.js';
import { openAiProtocol } from '../../src/loadgen/clients/openai.js';
import { loadConversations, loadPrompts } from '../../src/loadgen/datasets/index.js';
import { countTokens } from '../../src/util/tokenizer.js';
import { spec } from './client-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hpcbench-system-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = [
  {
    conversations: [
      { from: 'system', value: 'You are terse.' },
      { from: 'human', value: 'Name a colour.' },
      { from: 'gpt', value: 'Blue.' },
      { from: 'human', value: 'Another?' },
      { from: 'gpt', value: 'Red, then.' },
    ],
  },
  {
    system: 'Answer in verse.',
    conversations: [
      { from: 'human', value: 'Why is the sky blue?' },
      { from: 'gpt', value: 'Light scatters, short waves most.' },
    ],
  },
  // a system turn right after a human one is no reply: max_tokens falls back to the default
  {
    conversations: [
      { from: 'human', value: 'Hello there' },
      { from: 'system', value: 'Be kind.' },
    ],
  },
  { conversations: [{ from: 'human', value: 'No system here' }] },
];
const path = join(dir, 'sg.json');
writeFileSync(path, JSON.stringify(data));
const s = spec('http://127.0.0.1:1', { prompts: { source: 'sharegpt', path } });
const prompts = loadPrompts(s);
const at = (i: number) => prompts.get(i);

describe('ShareGPT system messages', () => {
  it('single requests: each prompt keeps its conversation system message, counted in promptTokens', () => {
    expect(prompts.size).toBe(4);
    expect(
      [0, 1, 2, 3].map((i) => [at(i).prompt, at(i).system, at(i).promptTokens, at(i).maxTokens]),
    ).toEqual([
      ['Name a colour.', 'You are terse.', countTokens('You are terse.') + countTokens('Name a colour.'), 2],
      ['Why is the sky blue?', 'Answer in verse.', 4 + 6, countTokens('Light scatters, short waves most.')],
      ['Hello there', 'Be kind.', 3 + 2, 128],
      ['No system here', undefined, 3, 128],
    ]);
  });

  it('sessions: the conversation carries its system message once, the turns count their own text', () => {
    const c = loadConversations(s);
    expect(c?.get(0)).toMatchObject({ system: 'You are terse.', systemTokens: 4 });
    expect(c?.get(0).turns.map((t) => [t.prompt, t.promptTokens, t.maxTokens])).toEqual([
      ['Name a colour.', 4, 2],
      ['Another?', 2, 4],
    ]);
    expect(c?.get(3)).toMatchObject({ system: undefined, systemTokens: 0 });
  });

  it('chat (OpenAI and Ollama): the system message, then the user prompt', () => {
    for (const protocol of [openAiProtocol(s, 'chat', true), ollamaProtocol(s, 'chat', false)]) {
      expect(JSON.parse(protocol.body(at(0))).messages).toEqual([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Name a colour.' },
      ]);
      // sent again (its literals kept on the prompt), and a prompt without one
      expect(JSON.parse(protocol.body(at(0))).messages).toHaveLength(2);
      expect(JSON.parse(protocol.body(at(3))).messages).toEqual([
        { role: 'user', content: 'No system here' },
      ]);
    }
  });

  it('completions: the system text, a blank line, then the prompt; Ollama generate: its system field', () => {
    const completions = openAiProtocol(s, 'completions', true);
    expect(JSON.parse(completions.body(at(1))).prompt).toBe('Answer in verse.\n\nWhy is the sky blue?');
    expect(countTokens(JSON.parse(completions.body(at(1))).prompt)).toBe(at(1).promptTokens);
    expect(JSON.parse(completions.body(at(3))).prompt).toBe('No system here');
    const generate = ollamaProtocol(s, 'generate', true);
    expect(JSON.parse(generate.body(at(1)))).toMatchObject({
      system: 'Answer in verse.',
      prompt: 'Why is the sky blue?',
    });
    expect(JSON.parse(generate.body(at(3)))).not.toHaveProperty('system');
  });
});
