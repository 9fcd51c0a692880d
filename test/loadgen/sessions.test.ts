/**
 * Multi-turn sessions in the load generator (src/loadgen/run/sessions.ts), in process against the
 * simulator: the chat body carries the conversation so far; max_requests and a stop cut a session between
 * turns; the executor refuses sessions it cannot run (E006, the field named) before sending anything.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StartBody, WorkloadSpec } from '../../src/contracts/index.js';
import { ConfigValidationError } from '../../src/errors.js';
import { chatMessages } from '../../src/loadgen/clients/messages.js';
import { ollamaProtocol } from '../../src/loadgen/clients/ollama.js';
import { openAiProtocol } from '../../src/loadgen/clients/openai.js';
import { loadConversations } from '../../src/loadgen/datasets/index.js';
import { startLoad } from '../../src/loadgen/run/load-run.js';
import { type DummyServer, startDummyServer } from '../../src/services/dummy/sim/index.js';
import { withCaps } from '../helpers/capabilities.js';
import { simSpec } from '../helpers/spec.js';

const dir = mkdtempSync(join(tmpdir(), 'hpcbench-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sim: DummyServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const spec = (url: string, extra: Partial<StartBody>): WorkloadSpec =>
  simSpec(url, {
    api: 'chat',
    prompts: { source: 'synthetic', input_tokens: 8, output_tokens: 4 },
    session: { turns: 3 },
    ...extra,
  });

const lines = (p: string) =>
  readFileSync(p, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('multi-turn sessions (load generator)', () => {
  it('a chat body carries the history before the new user message; without one it is the one message', () => {
    expect(JSON.parse(chatMessages({ prompt: 'hi', maxTokens: 1, promptTokens: 1 }))).toEqual([
      { role: 'user', content: 'hi' },
    ]);
    const history = [
      { role: 'user' as const, content: 'a "quoted" one' },
      { role: 'assistant' as const, content: 'reply\n' },
    ];
    expect(JSON.parse(chatMessages({ prompt: 'next', maxTokens: 1, promptTokens: 1, history }))).toEqual([
      ...history,
      { role: 'user', content: 'next' },
    ]);
  });

  it('both chat protocols send the conversation as messages (OpenAI /v1/chat/completions, Ollama /api/chat)', () => {
    const s = spec('http://127.0.0.1:9', {});
    const history = [
      { role: 'user' as const, content: 'q1' },
      { role: 'assistant' as const, content: 'a1' },
    ];
    const input = { prompt: 'q2', maxTokens: 5, promptTokens: 3, history };
    const want = [...history, { role: 'user', content: 'q2' }];
    expect(JSON.parse(openAiProtocol(s, 'chat', true).body(input))).toMatchObject({
      max_tokens: 5,
      messages: want,
    });
    expect(JSON.parse(ollamaProtocol(s, 'chat', true).body(input))).toMatchObject({
      options: { num_predict: 5 },
      messages: want,
    });
  });

  it('max_requests stops between turns: the quota counts turns, the session is cut there', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1, seed: 1 });
    const path = join(dir, 'quota.jsonl');
    const snap = await startLoad(
      ...withCaps(spec(sim.url, { duration: 0, max_requests: 5, records_path: path }), { source: 'n1' }),
    ).done;
    const recs = lines(path);
    expect(recs.map((r) => [r.session, r.turn])).toEqual([
      ['n1-s0', 1],
      ['n1-s0', 2],
      ['n1-s0', 3],
      ['n1-s1', 1],
      ['n1-s1', 2],
    ]);
    expect(snap.counters.sent).toBe(5);
    expect(snap.sessions).toEqual({ started: 2, completed: 1 });
    expect(Object.keys(snap.turns ?? {})).toEqual(['1', '2', '3']);
  });

  it('with two servers round-robin, every turn of a session goes to the server of its first turn', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1, seed: 1 });
    const other = await startDummyServer({ load_ms: 0, decode_step_ms: 1, seed: 2 });
    try {
      const path = join(dir, 'affinity.jsonl');
      await startLoad(
        ...withCaps(
          spec(sim.url, {
            duration: 0,
            max_requests: 12,
            server_urls: [sim.url, other.url],
            distribution_strategy: 'round-robin',
            records_path: path,
          }),
          { source: 'n1' },
        ),
      ).done;
      const recs = lines(path);
      const bySession = new Map<string, Set<string>>();
      for (const r of recs) bySession.set(r.session, (bySession.get(r.session) ?? new Set()).add(r.server));
      expect(bySession.size).toBe(4);
      for (const servers of bySession.values()) expect(servers.size).toBe(1);
      // the sessions themselves alternate between the two servers
      expect(new Set(recs.map((r) => r.server))).toEqual(
        new Set([new URL(sim.url).origin, new URL(other.url).origin]),
      );
    } finally {
      await other.close();
    }
  });

  it('stop() cuts a session in its think time: no turn is sent after it', async () => {
    sim = await startDummyServer({ load_ms: 0, decode_step_ms: 1, seed: 1 });
    const path = join(dir, 'stop.jsonl');
    const run = startLoad(
      ...withCaps(
        spec(sim.url, { duration: 30, records_path: path, session: { turns: 5, think_seconds: 0.5 } }),
        {
          source: 'n1',
          onRecord: () => void run.stop(),
        },
      ),
    );
    await run.done;
    const recs = lines(path);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ session: 'n1-s0', turn: 1, status: 'ok' });
  });

  it('refuses sessions it cannot run (E006 naming the field), before sending anything', async () => {
    const url = 'http://127.0.0.1:9';
    const refused = (s: WorkloadSpec, field: string, text: RegExp, runUser?: () => Promise<void>) => {
      let err: unknown;
      try {
        startLoad(...withCaps(s, runUser ? { runUser } : {}));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigValidationError);
      expect((err as ConfigValidationError).issues[0].path).toBe(field);
      expect((err as Error).message).toMatch(text);
    };
    refused(spec(url, { api: 'completions' }), 'workload.session', /need api: chat/);
    refused(spec(url, { session: {} }), 'workload.session.turns', /give turns/);
    refused(spec(url, {}), 'workload.session', /per-user hook/, async () => {});
  });

  it('ShareGPT conversations: every human turn in order, max_tokens from the reply after it', () => {
    const p = join(dir, 'sg.json');
    writeFileSync(
      p,
      JSON.stringify([
        {
          conversations: [
            { from: 'system', value: 'be brief' },
            { from: 'human', value: 'one' },
            { from: 'gpt', value: 'a b c' },
            { from: 'human', value: 'two' },
          ],
        },
        { conversations: [{ from: 'gpt', value: 'orphan' }] },
      ]),
    );
    const s = spec('http://127.0.0.1:9', { prompts: { source: 'sharegpt', path: p }, max_tokens: 7 });
    const c = loadConversations(s);
    expect(c?.size).toBe(1);
    expect(c?.get(0).turns.map((t) => [t.prompt, t.maxTokens])).toEqual([
      ['one', 3],
      ['two', 7],
    ]);
    expect(loadConversations(spec('http://127.0.0.1:9', {}))).toBeUndefined();
  });
});
