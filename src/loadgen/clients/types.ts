/**
 * What the load generator needs from a protocol client. The load generator owns this interface; clients
 * (OpenAI-compatible, Ollama native) implement it. `send` never throws: every outcome lands in the record.
 */
import type { Api, ConnectionFigures, RequestRecord } from '../../contracts/index.js';
import type { Target } from './pools.js';
import type { SseTemplate } from './sse-template.js';

/** One message of a chat conversation, as the chat APIs take it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface RequestInput {
  prompt: string;
  maxTokens: number;
  /** Client-side estimate of the prompt's tokens (src/util/tokenizer.ts); a session turn: the whole conversation's. */
  promptTokens: number;
  /**
   * A system message sent before everything else: the chat APIs' first message, Ollama generate's
   * `system` field; completions (no roles) send it, a blank line, then `prompt` as the prompt's text.
   */
  system?: string;
  /**
   * Chat API, a session's turn: the conversation so far (its system message first, when it has one),
   * sent before `prompt` (the new user message).
   */
  history?: readonly ChatMessage[];
  /** When set, the client appends every piece of generated text it receives (a session turn's reply). */
  reply?: string[];
  /**
   * A session's server: the first turn's request picks one by `distribution_strategy` and keeps it here;
   * the session's later turns go to the same one (its cache holds the conversation).
   */
  affinity?: { target?: Target };
}

/**
 * What `send` needs of a cancellation signal. An `AbortSignal` is one; the load generator passes a lighter
 * object of its own (no AbortController per request).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  /** `'timeout'` makes the request an error (`timeout`); anything else makes it `cancelled` (by the run's stop). */
  readonly reason: unknown;
  /**
   * The workload's `cancel` for this request: the client itself cancels it (`cancelled_by: workload`)
   * this many ms after its bytes were written, or once this many text chunks arrived.
   */
  readonly cancelAfterMs?: number;
  readonly cancelAfterChunks?: number;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface ServiceClient {
  readonly api: Api;
  readonly stream: boolean;
  /**
   * Sends one request and fills `rec`: server, sent, first_token/last_token/chunks, end, status,
   * http_status, error, token counts. The caller stamps `rec.sent` just before the call (the request's
   * timeout runs from there); the client stamps it again when the request's bytes are written to its
   * connection, after any wait for a free one (a retry keeps the first write's stamp), so the caller's
   * stamp stays only when the request never reached a connection. Aborting `signal` with reason
   * `'timeout'` makes the request an error (`timeout`); any other abort makes it `cancelled`.
   */
  send(input: RequestInput, rec: RequestRecord, signal: CancelSignal): Promise<void>;
  /** Its connections so far (the run's snapshot reads them); a client without a pool of its own has none. */
  connections?(): ConnectionFigures;
  close(): Promise<void>;
}

/** Per-request parse state shared by the stream parsers. */
export interface ParseState {
  rec: RequestRecord;
  /** Whether the last content seen ended inside a word (for incremental token estimates). */
  inWord: boolean;
  /** When the network piece being parsed arrived (ms, `nowMs()`), stamped where the stream is read. */
  arrived: number;
  /** Unparsed tail of the body (an incomplete line). */
  buf: string;
  /** The terminal marker was seen (`[DONE]`, Ollama's `done: true`). */
  done: boolean;
  /** A finish reason was seen. */
  finished: boolean;
  /** OpenAI SSE: the shape of the last parsed event with text (sse-template.ts); null: given up. */
  sse?: SseTemplate | null;
  /** Parsed events with text since the template last matched. */
  sseMisses: number;
  /** Where the generated text is kept (RequestInput.reply), or undefined: not kept. */
  reply: string[] | undefined;
  error?: string;
}

/** A request's parse state before its first byte (`reply`: where its response text is kept, if it is). */
export function newParseState(rec: RequestRecord, reply: string[] | undefined): ParseState {
  return {
    rec,
    inWord: false,
    arrived: 0,
    buf: '',
    done: false,
    finished: false,
    sse: undefined,
    sseMisses: 0,
    reply,
  };
}
