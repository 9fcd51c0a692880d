/**
 * Conformance checks for an OpenAI-compatible server (vLLM-style simulated service, llama.cpp):
 * health, model listing and readiness through hpcbench's server manager, streamed and non-streamed
 * completions and chat (raw wire format and the official `openai` client), reported token counts, /metrics.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServicePreparationError } from '../../src/errors.js';
import { ServiceFactory } from '../../src/services/factory.js';
import { parsePrometheusText } from '../../src/util/prom-text.js';
import type { Backend, OpenAiBackendInfo } from './backend.js';
import { clientChecks } from './client-checks.js';
import { getText, postJson, postSse } from './wire.js';

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}
interface Completion {
  object: string;
  choices: { text?: string; message?: { content: string }; finish_reason: string | null }[];
  usage?: Usage;
}
interface Chunk {
  choices: { text?: string; delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: Usage | null;
}

const MAX = 8;
const PROMPT = 'hello world, the benchmark';

function checkUsage(usage: Usage | undefined | null, info: OpenAiBackendInfo): void {
  expect(usage, 'usage reported').toBeTruthy();
  const u = usage as Usage;
  expect(u.prompt_tokens).toBeGreaterThan(0);
  expect(u.completion_tokens).toBeGreaterThan(0);
  expect(u.completion_tokens).toBeLessThanOrEqual(MAX);
  if (info.runsToMaxTokens) expect(u.completion_tokens).toBe(MAX);
  expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
}

async function generatedTokens(url: string, metric: string): Promise<number> {
  const { status, text } = await getText(`${url}/metrics`);
  expect(status).toBe(200);
  const parsed = parsePrometheusText(text);
  expect(parsed.invalid).toBe(0);
  return parsed.samples.filter((s) => s.name === metric).reduce((a, s) => a + s.value, 0);
}

export function openAiConformance(
  label: string,
  start: () => Promise<Backend>,
  info: OpenAiBackendInfo,
): void {
  describe(`OpenAI conformance: ${label}`, () => {
    let b: Backend;
    beforeAll(async () => {
      b = await start();
    }, 120_000);
    afterAll(async () => {
      await b?.stop();
    });

    it('health endpoint answers 200 and the server manager sees it healthy', async () => {
      expect((await getText(`${b.url}/health`)).status).toBe(200);
      const mgr = ServiceFactory.createServerManager(info.service, { health_check: { interval: 0.2 } });
      expect(mgr.getHealthCheckEndpoint()).toBe('/health');
      await expect(mgr.verifyHealth([b.url], 30)).resolves.toBe(true);
    });

    it('lists the model; prepareService accepts it and is false for an unknown one (E003)', async () => {
      const models = JSON.parse((await getText(`${b.url}/v1/models`)).text) as { data: { id: string }[] };
      expect(models.data.map((m) => m.id)).toContain(b.model);
      const ok = ServiceFactory.createServerManager(info.service, { model: b.model });
      await expect(ok.prepareService([b.url], 30)).resolves.toBe(true);
      const bad = ServiceFactory.createServerManager(info.service, { model: 'no-such-model-xyz' });
      await expect(bad.prepareService([b.url], 30)).resolves.toBe(false);
      expect(bad.lastFailure).toBeInstanceOf(ServicePreparationError);
      expect(bad.lastFailure?.code).toBe('E003');
    });

    it('non-streamed completion returns text and token usage', async () => {
      const body = { model: b.model, prompt: PROMPT, max_tokens: MAX, temperature: 0 };
      const r = await postJson<Completion>(`${b.url}/v1/completions`, body);
      expect(r.status).toBe(200);
      expect(typeof r.body.choices[0]?.text).toBe('string');
      expect(r.body.choices[0]?.finish_reason).toBeTruthy();
      checkUsage(r.body.usage, info);
    });

    it('streamed completion: SSE chunks, a usage chunk (include_usage) and [DONE]', async () => {
      const body = {
        model: b.model,
        prompt: PROMPT,
        max_tokens: MAX,
        stream: true,
        stream_options: { include_usage: true },
      };
      const r = await postSse<Chunk>(`${b.url}/v1/completions`, body);
      expect(r.status).toBe(200);
      expect(r.contentType).toMatch(/text\/event-stream/);
      expect(r.done).toBe(true);
      const content = r.events.filter((e) => e.choices.length > 0 && (e.choices[0]?.text ?? '') !== '');
      expect(content.length).toBeGreaterThan(0);
      expect(content.length).toBeLessThanOrEqual(MAX);
      const usage = r.events.find((e) => e.usage)?.usage;
      checkUsage(usage, info);
    });

    it('non-streamed and streamed chat completions', async () => {
      const messages = [{ role: 'user', content: PROMPT }];
      const r = await postJson<Completion>(`${b.url}/v1/chat/completions`, {
        model: b.model,
        messages,
        max_tokens: MAX,
      });
      expect(r.status).toBe(200);
      expect(typeof r.body.choices[0]?.message?.content).toBe('string');
      checkUsage(r.body.usage, info);
      const body = {
        model: b.model,
        messages,
        max_tokens: MAX,
        stream: true,
        stream_options: { include_usage: true },
      };
      const s = await postSse<Chunk>(`${b.url}/v1/chat/completions`, body);
      expect(s.status).toBe(200);
      expect(s.done).toBe(true);
      const text = s.events.map((e) => e.choices[0]?.delta?.content ?? '').join('');
      expect(text.length).toBeGreaterThan(0);
      checkUsage(s.events.find((e) => e.usage)?.usage, info);
    });

    it('works with the official openai client (streamed chat and non-streamed completion)', async () => {
      const client = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: 'none', maxRetries: 0 });
      const c = await client.completions.create({ model: b.model, prompt: PROMPT, max_tokens: MAX });
      expect(c.usage?.completion_tokens).toBeGreaterThan(0);
      const stream = await client.chat.completions.create({
        model: b.model,
        messages: [{ role: 'user', content: PROMPT }],
        max_tokens: MAX,
        stream: true,
        stream_options: { include_usage: true },
      });
      let chunks = 0;
      let usage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) chunks++;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(chunks).toBeGreaterThan(0);
      checkUsage(usage, info);
    });

    clientChecks(() => b, info.service, ['completions', 'chat'], info.runsToMaxTokens);

    it('/metrics parses as Prometheus text and counts the generated tokens', async () => {
      const before = await generatedTokens(b.url, info.generatedTokensMetric);
      const r = await postJson<Completion>(`${b.url}/v1/completions`, {
        model: b.model,
        prompt: PROMPT,
        max_tokens: MAX,
      });
      const n = r.body.usage?.completion_tokens ?? 0;
      expect(n).toBeGreaterThan(0);
      const after = await generatedTokens(b.url, info.generatedTokensMetric);
      expect(after - before).toBe(n);
    });
  });
}
