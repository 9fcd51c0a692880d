/**
 * Multi-turn chat sessions (docs/load-generation.md#multi-turn-sessions): a session is a conversation of N
 * turns; each turn sends the conversation so far — the session's earlier prompts and the responses
 * actually received, as chat messages — followed by its own prompt, `think_seconds` after the previous
 * turn's response ended. Its turns are the prompt set's next prompts (`turns` of them, fixed or drawn), or
 * the human turns of one ShareGPT conversation (at most `turns` of them when given), its system message
 * (when it has one) the first message of every turn.
 *
 * Sessions are the unit of concurrency in closed loop (each user runs one session after another,
 * `sleep_seconds` between them) and the unit of arrival in open loop (each arrival starts a session;
 * `max_concurrency` caps the sessions in progress). Every turn is a request like any other: it is warmup
 * or measured by its own scheduled time (when it became due: its session's arrival, or the previous
 * response's end + think time), counts towards max_requests, and no turn is sent after the end of the
 * measurement (a session still going then is cut there; a turn in flight gets the grace period). A turn
 * that fails or is cancelled ends its session: the conversation cannot go on without its response. With
 * several servers a session's turns all go to the server its first turn was sent to (`affinity`).
 */

import type { ClosedLoop, RequestRecord, SessionSpec } from '../../contracts/index.js';
import { SessionCounter } from '../../metrics/sessions.js';
import { deriveSeed, mulberry32, type Rng } from '../../util/rng.js';
import type { ChatMessage, RequestInput } from '../clients/types.js';
import { sampleLength } from '../datasets/lengths.js';
import type { ConversationSet, Prompt } from '../datasets/types.js';
import { nowMs } from '../record.js';
import { Backoff } from './backoff.js';
import type { RunContext } from './context.js';

export class Sessions {
  /** Sessions in progress (the open loop's cap counts them). */
  active = 0;
  /** Sessions begun and those that sent every one of their turns, from their turns' records. */
  readonly counts = new SessionCounter();
  private seq = 0;
  private next: number;
  private readonly rng: Rng;
  private readonly thinkMs: number;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: RunContext,
    private readonly spec: SessionSpec,
    private readonly conversations?: ConversationSet,
  ) {
    this.next = ctx.startIndex(conversations ? conversations.size : ctx.prompts.size);
    this.rng = mulberry32(deriveSeed(deriveSeed(ctx.spec.seed ?? 0, 13), ctx.spec.executor_index ?? 0));
    this.thinkMs = (spec.think_seconds ?? 0) * 1000;
  }

  /**
   * The next session's turns: their number and each turn's prompt, taken when the turn is sent (a session
   * cut early never builds the prompts of turns it does not send).
   */
  private plan(): { length: number; at(k: number): Prompt; system?: string; systemTokens: number } {
    const turns = this.spec.turns;
    const c = this.conversations;
    if (c) {
      const conv = c.get(this.next++);
      const list = turns === undefined ? conv.turns : conv.turns.slice(0, sampleLength(turns, this.rng));
      return {
        length: list.length,
        at: (k) => list[k],
        system: conv.system,
        systemTokens: conv.systemTokens,
      };
    }
    const n = sampleLength(turns ?? 1, this.rng);
    const first = this.next;
    this.next += n;
    return { length: n, at: (k) => this.ctx.prompts.get(first + k), systemTokens: 0 };
  }

  /**
   * Runs one session whose first turn is due at `first` (the caller checked it may be sent); resolves to
   * its last turn's record.
   */
  async run(first: number): Promise<RequestRecord> {
    const ctx = this.ctx;
    const turns = this.plan();
    const session = `${ctx.source}-s${this.seq++}`;
    // a conversation's system message opens every turn's messages (and counts in every turn's prompt)
    const history: ChatMessage[] =
      turns.system === undefined ? [] : [{ role: 'system', content: turns.system }];
    const affinity: RequestInput['affinity'] = {};
    let tokens = turns.systemTokens;
    let at = first;
    let last: RequestRecord | undefined;
    this.active++;
    try {
      for (let k = 0; k < turns.length; k++) {
        if (last) {
          at = last.end + this.thinkMs;
          if (!ctx.mayIssue(at)) break;
          await ctx.sleep(at - nowMs());
          if (!ctx.mayIssue(at)) break;
        }
        const p = turns.at(k);
        const reply: string[] = [];
        const input: RequestInput = {
          prompt: p.prompt,
          maxTokens: p.maxTokens,
          promptTokens: tokens + p.promptTokens,
          history,
          reply,
          affinity,
        };
        last = await ctx.issue(at, undefined, input, { session, turn: k + 1, turns: turns.length });
        this.counts.add(last);
        if (last.status !== 'ok') break;
        history.push({ role: 'user', content: p.prompt }, { role: 'assistant', content: reply.join('') });
        tokens += p.promptTokens + last.output_tokens_client;
      }
    } finally {
      this.active--;
      ctx.wakeSlot();
    }
    return last as RequestRecord;
  }

  /** Open loop: starts a session due at `at`, not waiting for it. */
  start(at: number): void {
    const p = this.run(at);
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  /** Resolves when every session `start` began has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

/**
 * Closed loop with sessions: `clients_per_node` users, each running one session after another while the
 * run may send, `sleep_seconds` between sessions; after a push-back (connection error, 429, 503) the
 * user backs off before its next session, as a closed-loop user does before its next request.
 */
export async function runSessionUsers(ctx: RunContext, load: ClosedLoop, sessions: Sessions): Promise<void> {
  const sleepMs = (load.sleep_seconds ?? 0) * 1000;
  const user = async (): Promise<void> => {
    const backoff = new Backoff();
    while (ctx.mayIssue(nowMs())) {
      const last = await sessions.run(nowMs());
      const wait = Math.min(backoff.after(last), ctx.measureEnd - nowMs());
      if (wait > 0) await ctx.sleep(wait);
      if (sleepMs > 0) await ctx.sleep(sleepMs);
    }
  };
  const users: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, load.clients_per_node); i++) users.push(user());
  await Promise.all(users);
}
