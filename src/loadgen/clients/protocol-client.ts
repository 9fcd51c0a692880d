/**
 * The one request client: a protocol's parts (request path, body builder, response parser) on a set of
 * targets. The OpenAI-compatible API (`openai.ts`) and Ollama's native API (`ollama.ts`) are two
 * `Protocol`s; everything else — connection pools, the exchange, timing, failure reasons — is shared.
 */
import type { Api, ConnectionFigures, RequestRecord } from '../../contracts/index.js';
import { type Exchange, runExchange } from './exchange.js';
import type { Targets } from './pools.js';
import type { CancelSignal, RequestInput, ServiceClient } from './types.js';

/** What differs between wire protocols. Built once per client, so per-request work is only `body`. */
export interface Protocol {
  readonly name: 'openai' | 'ollama';
  /** How a response is read (streamed or whole); its `path` is the endpoint for the client's `api`. */
  readonly exchange: Exchange;
  /** The request body for one prompt, as JSON text. */
  body(input: RequestInput): string;
}

export class ProtocolClient implements ServiceClient {
  constructor(
    readonly api: Api,
    readonly stream: boolean,
    readonly protocol: Protocol,
    private readonly targets: Targets,
  ) {}

  send(input: RequestInput, rec: RequestRecord, signal: CancelSignal): Promise<void> {
    const body = this.protocol.body(input);
    const a = input.affinity;
    let target = a?.target;
    if (target === undefined) {
      target = this.targets.pick();
      if (a) a.target = target;
    }
    return runExchange(target, this.protocol.exchange, body, rec, signal, input.reply);
  }

  connections(): ConnectionFigures {
    return this.targets.connections();
  }

  close(): Promise<void> {
    return this.targets.close();
  }
}
