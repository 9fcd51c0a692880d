/**
 * Multi-turn chat sessions end to end (docs/load-generation.md#multi-turn-sessions): the real CLI, two
 * executors, a simulated server started by the test so its ground truth (GET /hpcbench/requests, matched
 * on `client_request_id` = the record id) can be read after the run. What the server received shows the
 * conversation growing turn by turn: 2k−1 messages at turn k, alternating user/assistant, each assistant
 * message the very text the server generated for the session's earlier turn (SHA-1 of the simulator's
 * deterministic token text), the prompt tokens growing by the last turn's prompt and reply. Closed loop:
 * a user runs one session at a time (sessions are the unit of concurrency); open loop: the schedule's
 * arrivals are the sessions' first turns, later turns follow their responses after the think time.
 * ShareGPT conversations are replayed as sessions, their system message (a `system` turn, or the
 * entry's `system` field) the first message of every turn and counted in its prompt tokens; bad session
 * specs are refused at file:line:col.
 */
import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countTokens, tokenText } from '../../src/util/tokenizer.js';
import {
  hasStackTrace,
  type Json,
  onlyRunDir,
  readJson,
  readLines,
  recipe,
  runCli,
  sandboxForFile,
} from './helpers.js';

const env = sandboxForFile();

interface Truth {
  id: number;
  client_request_id: string;
  prompt_tokens: number;
  output_tokens: number;
  planned_output_tokens: number;
  messages: { role: string; tokens: number; sha1: string }[] | null;
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** The text the simulator generated for its request `id` (its chunks are tokenText(id, 0..n−1)). */
function generated(t: Truth): string {
  let s = '';
  for (let k = 0; k < t.output_tokens; k++) s += tokenText(t.id, k);
  return s;
}

async function truthOf(url: string): Promise<Map<string, Truth>> {
  const body = (await (await fetch(`${url}/hpcbench/requests`)).json()) as { requests: Truth[] };
  return new Map(body.requests.map((r) => [r.client_request_id, r]));
}

async function runRecipe(name: string, workload: Record<string, unknown>, url: string) {
  const file = await env.box.writeRecipe(
    `${name}.yaml`,
    recipe(
      name,
      { api: 'chat', warmup: '0s', max_schedule_lag: '2s', ignore_eos: true, ...workload },
      { servers: { endpoints: [url], health_check: { timeout: 20, interval: 0.2 } } },
    ),
  );
  const res = await runCli(['run', file, '--quiet', '--results-dir', env.box.path(`r-${name}`)], {
    timeout: 180_000,
  });
  expect(res.exitCode, res.all).toBe(0);
  const run = await onlyRunDir(env.box.path(`r-${name}`));
  const records: Json[] = [];
  for (const e of ['client-1', 'client-2'])
    for (const l of await readLines(join(run, 'benchmarks', 'default', `records-${e}.jsonl`)))
      records.push(JSON.parse(l));
  const bench = (await readJson(join(run, 'summary.json'))).benchmarks[0];
  return { run, records, summary: bench.summary, bench };
}

/** Records by session, each in turn order. */
function bySession(records: Json[]): Map<string, Json[]> {
  const out = new Map<string, Json[]>();
  for (const r of records) {
    expect(typeof r.session).toBe('string');
    expect(r.turn).toBeGreaterThanOrEqual(1);
    const list = out.get(r.session) ?? [];
    list.push(r);
    out.set(r.session, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.turn - b.turn);
  return out;
}

/**
 * Every session's turns as the server received them: the conversation so far, growing turn by turn.
 * `systemOf(turns)`: the SHA-1 of the system message the session's conversation opens every turn with
 * (a ShareGPT conversation's), or undefined when it has none.
 */
function expectGrowingHistory(
  sessions: Map<string, Json[]>,
  truth: Map<string, Truth>,
  systemOf: (turns: Json[]) => string | undefined = () => undefined,
): number {
  let checked = 0;
  for (const turns of sessions.values()) {
    expect(turns.map((r) => r.turn)).toEqual(turns.map((_, i) => i + 1));
    const system = systemOf(turns);
    for (const [i, r] of turns.entries()) {
      if (r.status !== 'ok') continue;
      const t = truth.get(r.id);
      expect(t, `ground truth of ${r.id}`).toBeDefined();
      const msgs = t!.messages!;
      expect(msgs.map((m) => m.role)).toEqual([
        ...(system === undefined ? [] : ['system']),
        ...Array.from({ length: 2 * r.turn - 1 }, (_, j) => (j % 2 === 0 ? 'user' : 'assistant')),
      ]);
      if (system !== undefined) expect(msgs[0].sha1, `system message of ${r.id}`).toBe(system);
      expect(t!.prompt_tokens).toBe(msgs.reduce((a, m) => a + m.tokens, 0));
      expect(r.prompt_tokens).toBe(t!.prompt_tokens);
      if (i === 0) continue;
      const prev = truth.get(turns[i - 1].id)!;
      // the earlier turns exactly as before, then the reply actually generated, then the new prompt
      expect(msgs.slice(0, -2)).toEqual(prev.messages);
      expect(msgs.at(-2)!.sha1).toBe(sha1(generated(prev)));
      expect(t!.prompt_tokens).toBe(prev.prompt_tokens + prev.output_tokens + msgs.at(-1)!.tokens);
      checked++;
    }
  }
  return checked;
}

/** The largest number of the intervals [from, to) that overlap. */
function maxOverlap(spans: [number, number][]): number {
  const ev = spans.flatMap(([a, b]) => [
    [a, 1],
    [b, -1],
  ]);
  ev.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let n = 0;
  let max = 0;
  for (const [, d] of ev) {
    n += d;
    max = Math.max(max, n);
  }
  return max;
}

describe('multi-turn chat sessions', () => {
  it('closed loop: each turn sends the conversation so far; a user runs one session at a time; per-turn figures merged over 2 executors', async () => {
    const sim = await env.box.startSim('sim-closed', ['--decode-step-ms', '4']);
    const think = 0.1;
    const { run, records, summary } = await runRecipe(
      'closed',
      {
        duration: '3s',
        clients_per_node: 2,
        prompt_len: 16,
        gen_tokens: 6,
        session: { turns: 3, think_time: `${think * 1000}ms` },
      },
      sim.url,
    );
    const truth = await truthOf(sim.url);
    const sessions = bySession(records);
    expect(expectGrowingHistory(sessions, truth)).toBeGreaterThan(10);
    for (const turns of sessions.values()) {
      expect(turns.length).toBeLessThanOrEqual(3);
      // a later turn is due its think time after the previous response ended
      for (let i = 1; i < turns.length; i++)
        expect(turns[i].scheduled).toBeCloseTo(turns[i - 1].end + think * 1000, 6);
    }
    // sessions are the unit of concurrency: per executor, at most clients_per_node sessions at a time
    for (const e of ['client-1', 'client-2']) {
      const spans = [...sessions.values()]
        .filter((t) => t[0].executor === e)
        .map((t): [number, number] => [t[0].sent, t.at(-1).end]);
      expect(spans.length).toBeGreaterThan(2);
      expect(maxOverlap(spans)).toBe(2);
    }
    // per-turn figures: exact merges of both executors' measured ok turns
    expect(summary.per_turn.map((t: Json) => t.turn)).toEqual([1, 2, 3]);
    for (const t of summary.per_turn) {
      const mine = records.filter((r) => r.turn === t.turn && r.status === 'ok' && !r.warmup);
      expect(new Set(mine.map((r) => r.executor))).toEqual(new Set(['client-1', 'client-2']));
      expect(t.requests).toBe(mine.length);
      expect(t.ttft_ms.count).toBe(mine.length);
      expect(t.prompt_tokens.max).toBe(Math.max(...mine.map((r) => r.prompt_tokens)));
    }
    const means = summary.per_turn.map((t: Json) => t.prompt_tokens.mean);
    expect(means[1]).toBeGreaterThan(means[0]);
    expect(means[2]).toBeGreaterThan(means[1]);
    expect(summary.sessions.started).toBe(sessions.size);
    // the per-turn figures in benchmarks.csv, summary.md and report.html
    const [head, row] = (await readLines(join(run, 'benchmarks.csv'))).map((l) => l.split(','));
    const col = (k: string) => row[head.indexOf(k)];
    expect(Number(col('turn_last'))).toBe(3);
    expect(Number(col('turn_first_ttft_p50_ms'))).toBeCloseTo(summary.per_turn[0].ttft_ms.p50, 2);
    expect(Number(col('sessions_started'))).toBe(sessions.size);
    expect(col('session_turns')).toBe('3');
    expect(await readFile(join(run, 'summary.md'), 'utf8')).toContain(
      '## Multi-turn sessions: figures per turn',
    );
    const html = await readFile(join(run, 'report.html'), 'utf8');
    expect(html).toContain('Per turn (multi-turn sessions)');
    expect(html).toContain('Per turn of multi-turn sessions');
  }, 240_000);

  it('open loop: the arrivals are sessions (their first turns on the schedule), later turns follow the responses', async () => {
    const sim = await env.box.startSim('sim-open', ['--decode-step-ms', '4']);
    const { records, summary, bench } = await runRecipe(
      'open',
      {
        duration: '3s',
        target_rps: 4,
        request_distribution: 'constant',
        prompt_len: 16,
        gen_tokens: 6,
        session: { turns: 3, think_time: '150ms' },
      },
      sim.url,
    );
    const truth = await truthOf(sim.url);
    const sessions = bySession(records);
    expect(expectGrowingHistory(sessions, truth)).toBeGreaterThan(5);
    for (const e of ['client-1', 'client-2']) {
      // 4 sessions/s over 2 executors: each executor's first turns 500 ms apart, on the schedule
      const firsts = records
        .filter((r) => r.executor === e && r.turn === 1)
        .map((r) => r.scheduled)
        .sort((a, b) => a - b);
      expect(firsts.length).toBeGreaterThanOrEqual(5);
      for (let i = 1; i < firsts.length; i++) expect(firsts[i] - firsts[i - 1]).toBeCloseTo(500, 3);
    }
    for (const turns of sessions.values())
      for (let i = 1; i < turns.length; i++)
        expect(turns[i].scheduled).toBeCloseTo(turns[i - 1].end + 150, 6);
    // more requests than arrivals: each arrival became several turns
    expect(records.length).toBeGreaterThan(2 * sessions.size);
    // the rate asked for is of sessions, so no requested/achieved request rate is claimed
    expect(summary.requested_rps).toBeUndefined();
    expect(bench.saturation).toBeUndefined();
    expect(summary.per_turn.length).toBe(3);
  }, 240_000);

  it('ShareGPT conversations are replayed as sessions: every human turn in order, max_tokens from its reply, the system message first in every turn', async () => {
    const sim = await env.box.startSim('sim-sharegpt', ['--decode-step-ms', '2']);
    const fixture = join(import.meta.dirname, '..', 'fixtures', 'datasets', 'sharegpt-multiturn.json');
    await copyFile(fixture, env.box.path('sharegpt-multiturn.json'));
    const data = JSON.parse(await readFile(fixture, 'utf8')) as {
      system?: string;
      conversations: { from: string; value: string }[];
    }[];
    /**
     * Each conversation with a human turn: its human turns, the length of the reply after each, and the
     * SHA-1 of its system message (a `system` turn, or the entry's `system` field) when it has one.
     */
    const convs = data
      .map((c) => {
        const system = c.system ?? c.conversations.find((t) => t.from === 'system')?.value;
        return Object.assign(
          c.conversations
            .map((t, i) => ({ t, next: c.conversations[i + 1] }))
            .filter(({ t }) => t.from === 'human')
            .map(({ t, next }) => ({ sha1: sha1(t.value), reply: countTokens(next?.value ?? '') })),
          { system: system === undefined ? undefined : sha1(system) },
        );
      })
      .filter((c) => c.length > 0);
    // the fixture has both forms of a system message, and conversations without one
    expect(convs.filter((c) => c.system !== undefined)).toHaveLength(2);
    const { records } = await runRecipe(
      'sharegpt',
      { duration: '3s', clients_per_node: 1, dataset: 'sharegpt-multiturn.json', session: {} },
      sim.url,
    );
    const truth = await truthOf(sim.url);
    const sessions = bySession(records);
    /** The conversation a session replays: the one whose first human turn its first turn sent. */
    const convOf = (turns: Json[]) => {
      const first = truth.get(turns[0].id)!.messages!.find((m) => m.role === 'user')!.sha1;
      return convs.findIndex((x) => x[0].sha1 === first);
    };
    // every turn's messages open with its conversation's system message (counted in prompt_tokens,
    // the client's estimate equal to the server's count)
    expectGrowingHistory(sessions, truth, (turns) => convs[convOf(turns)]?.system);
    const seen = new Set<number>();
    for (const turns of sessions.values()) {
      const c = convOf(turns);
      expect(c).toBeGreaterThanOrEqual(0);
      expect(turns.length).toBeLessThanOrEqual(convs[c].length);
      for (const r of turns) {
        const t = truth.get(r.id)!;
        expect(t.messages!.at(-1)!.sha1).toBe(convs[c][r.turn - 1].sha1);
        expect(t.planned_output_tokens).toBe(convs[c][r.turn - 1].reply);
      }
      if (turns.length === convs[c].length) seen.add(c);
    }
    // every conversation was replayed whole at least once (4 of them, one of 4 turns)
    expect(seen).toEqual(new Set(convs.map((_, i) => i)));
  }, 240_000);

  it('bad session specs are refused at file:line:col before anything runs', async () => {
    const file = await env.box.writeRecipe(
      'bad-session.yaml',
      [
        'scenario: bad-session',
        'orchestration:',
        '  mode: local',
        'workload:',
        '  service: dummy',
        '  model: dummy-model',
        '  duration: 10s',
        '  api: completions',
        '  session:',
        '    turns: 0',
        '    think_time: soon',
        '',
      ].join('\n'),
    );
    const res = await runCli(['validate', file]);
    expect(res.exitCode).toBe(1);
    expect(res.all).toContain(`${file}:8:8: error: workload.api: multi-turn sessions need api: chat`);
    expect(res.all).toContain(`${file}:10:12: error: workload.session.turns: must be at least 1`);
    expect(res.all).toMatch(
      new RegExp(
        `${file.replace(/[.]/g, '\\.')}:11:17: error: workload\\.session\\.think_time: expected a duration`,
      ),
    );
    expect(res.all).toMatch(/E006: /);
    expect(hasStackTrace(res.all)).toBe(false);
    const noTurns = await env.box.writeRecipe(
      'no-turns.yaml',
      'scenario: no-turns\nworkload:\n  service: dummy\n  duration: 10s\n  api: chat\n  session:\n    think_time: 1s\n',
    );
    const r2 = await runCli(['run', noTurns, '--results-dir', env.box.path('r-no-turns')]);
    expect(r2.exitCode).toBe(1);
    expect(r2.all).toContain(`${noTurns}:7:5: error: workload.session: give turns`);
    expect(hasStackTrace(r2.all)).toBe(false);
  }, 120_000);
});
