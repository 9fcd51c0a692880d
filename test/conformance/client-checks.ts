/**
 * hpcbench's own request clients (`createServiceClient`, src/loadgen/clients) against a conformance
 * backend: every API the service speaks, streamed and not, must give an ok record with the server's token
 * counts, and (streaming only) first-token and chunk times in order.
 */
import { expect, it } from 'vitest';
import type { Api, WorkloadSpec } from '../../src/contracts/index.js';
import { createServiceClient } from '../../src/loadgen/clients/index.js';
import { newRecord, nowMs } from '../../src/loadgen/record.js';
import { countTokens } from '../../src/util/tokenizer.js';
import { capabilitiesOf } from '../helpers/capabilities.js';
import type { Backend } from './backend.js';

const MAX = 8;
const PROMPT = 'hello world, the benchmark';

export function clientChecks(
  backend: () => Backend,
  service: string,
  apis: Api[],
  runsToMaxTokens: boolean,
): void {
  for (const api of apis) {
    for (const stream of [true, false]) {
      it(`hpcbench client: ${api}, ${stream ? 'streamed' : 'not streamed'}, records server token counts`, async () => {
        const b = backend();
        const spec: WorkloadSpec = {
          benchmark: 'conformance',
          service,
          server_url: b.url,
          model: b.model,
          duration: 1,
          warmup: 0,
          load: { mode: 'closed', clients_per_node: 1 },
          api,
          stream,
          max_tokens: MAX,
        };
        const client = createServiceClient(spec, capabilitiesOf(service));
        try {
          const rec = newRecord({
            id: `conf-${api}-${stream}`,
            benchmark: 'conformance',
            executor: 'conf',
            warmup: false,
            api,
            stream,
            scheduled: nowMs(),
            prompt_tokens_client: countTokens(PROMPT),
          });
          rec.sent = nowMs();
          await client.send(
            { prompt: PROMPT, maxTokens: MAX, promptTokens: rec.prompt_tokens_client },
            rec,
            AbortSignal.timeout(30_000),
          );
          expect(rec.status, `${rec.error}: ${rec.error_detail}`).toBe('ok');
          expect(rec.http_status).toBe(200);
          expect(rec.tokens_source).toBe('server');
          expect(rec.prompt_tokens_server).toBeGreaterThan(0);
          expect(rec.output_tokens_server).toBeGreaterThan(0);
          expect(rec.output_tokens_server).toBeLessThanOrEqual(MAX);
          if (runsToMaxTokens) expect(rec.output_tokens_server).toBe(MAX);
          expect(rec.output_tokens).toBe(rec.output_tokens_server);
          expect(rec.output_tokens_client).toBeGreaterThan(0);
          expect(rec.end).toBeGreaterThanOrEqual(rec.sent);
          if (stream) {
            expect(rec.chunks.length).toBeGreaterThan(0);
            expect(rec.first_token).toBe(rec.chunks[0]);
            expect(rec.first_token).toBeGreaterThanOrEqual(rec.sent);
            expect(rec.last_token).toBe(rec.chunks.at(-1));
            expect(rec.end).toBeGreaterThanOrEqual(rec.last_token as number);
            for (let i = 1; i < rec.chunks.length; i++)
              expect(rec.chunks[i]).toBeGreaterThanOrEqual(rec.chunks[i - 1] as number);
          } else {
            expect(rec.chunks).toEqual([]);
            expect(rec.first_token).toBeUndefined();
          }
          if (service === 'ollama') expect(rec.server_figures?.eval_count).toBe(rec.output_tokens_server);
        } finally {
          await client.close();
        }
      });
    }
  }
}
