/**
 * Conformance checks for a server speaking Ollama's native API (the simulated service; a real Ollama is
 * not available here): health, /api/tags and pulls through hpcbench's server manager, streamed (NDJSON)
 * and non-streamed generate and chat with Ollama's token counts and nanosecond durations, and the
 * official `ollama` client.
 */
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrepareProgress } from '../../src/services/base/types.js';
import { ServiceFactory } from '../../src/services/factory.js';
import type { Backend } from './backend.js';
import { clientChecks } from './client-checks.js';
import { getText, postJson, postNdjson } from './wire.js';

interface Final {
  done: boolean;
  done_reason?: string;
  response?: string;
  message?: { role: string; content: string };
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration?: number;
  prompt_eval_duration?: number;
  eval_duration?: number;
}

const MAX = 8;
const PROMPT = 'hello world, the benchmark';

function checkCounts(f: Final | undefined): void {
  expect(f?.done).toBe(true);
  const x = f as Final;
  expect(x.prompt_eval_count).toBeGreaterThan(0);
  expect(x.eval_count).toBeGreaterThan(0);
  expect(x.eval_count).toBeLessThanOrEqual(MAX);
  for (const d of [x.total_duration, x.prompt_eval_duration, x.eval_duration]) {
    expect(Number.isInteger(d) && (d as number) > 0, 'durations are positive integer nanoseconds').toBe(true);
  }
  expect(x.total_duration).toBeGreaterThanOrEqual((x.eval_duration ?? 0) + (x.prompt_eval_duration ?? 0));
}

export function ollamaConformance(label: string, start: () => Promise<Backend>): void {
  describe(`Ollama conformance: ${label}`, () => {
    let b: Backend;
    beforeAll(async () => {
      b = await start();
    }, 120_000);
    afterAll(async () => {
      await b?.stop();
    });

    it('health: the server manager polls /api/tags until healthy', async () => {
      const root = await getText(`${b.url}/`);
      expect(root.status).toBe(200);
      expect(root.text).toBe('Ollama is running');
      const mgr = ServiceFactory.createServerManager('ollama', { health_check: { interval: 0.2 } });
      expect(mgr.getHealthCheckEndpoint()).toBe('/api/tags');
      await expect(mgr.verifyHealth([b.url], 30)).resolves.toBe(true);
    });

    it('lists the model in /api/tags; prepareService pulls a missing one with progress', async () => {
      const tags = JSON.parse((await getText(`${b.url}/api/tags`)).text) as { models: { name: string }[] };
      expect(tags.models.map((m) => m.name)).toContain(`${b.model}:latest`);
      const progress: PrepareProgress[] = [];
      const mgr = ServiceFactory.createServerManager(
        'ollama',
        { model: 'conformance-pulled' },
        { onProgress: (p) => progress.push(p) },
      );
      await expect(mgr.prepareService([b.url], 30)).resolves.toBe(true);
      expect(progress.length).toBeGreaterThan(0);
      const after = JSON.parse((await getText(`${b.url}/api/tags`)).text) as { models: { name: string }[] };
      expect(after.models.map((m) => m.name)).toContain('conformance-pulled:latest');
    });

    it('non-streamed and streamed /api/generate report counts and durations', async () => {
      const body = { model: b.model, prompt: PROMPT, options: { num_predict: MAX } };
      const r = await postJson<Final>(`${b.url}/api/generate`, { ...body, stream: false });
      expect(r.status).toBe(200);
      expect(typeof r.body.response).toBe('string');
      checkCounts(r.body);
      const s = await postNdjson<Final>(`${b.url}/api/generate`, body);
      expect(s.status).toBe(200);
      expect(s.contentType).toMatch(/application\/x-ndjson/);
      const parts = s.events.filter((e) => !e.done);
      expect(parts.length).toBeGreaterThan(0);
      expect(s.events.filter((e) => e.done)).toHaveLength(1);
      const last = s.events.at(-1);
      checkCounts(last);
      expect(parts.length).toBeLessThanOrEqual(last?.eval_count ?? 0);
    });

    it('non-streamed and streamed /api/chat', async () => {
      const body = {
        model: b.model,
        messages: [{ role: 'user', content: PROMPT }],
        options: { num_predict: MAX },
      };
      const r = await postJson<Final>(`${b.url}/api/chat`, { ...body, stream: false });
      expect(r.status).toBe(200);
      expect(r.body.message?.role).toBe('assistant');
      checkCounts(r.body);
      const s = await postNdjson<Final>(`${b.url}/api/chat`, body);
      const text = s.events.map((e) => e.message?.content ?? '').join('');
      expect(text.length).toBeGreaterThan(0);
      checkCounts(s.events.at(-1));
    });

    it('works with the official ollama client', async () => {
      const client = new Ollama({ host: b.url });
      const g = await client.generate({ model: b.model, prompt: PROMPT, options: { num_predict: MAX } });
      expect(g.eval_count).toBeGreaterThan(0);
      const stream = await client.chat({
        model: b.model,
        messages: [{ role: 'user', content: PROMPT }],
        options: { num_predict: MAX },
        stream: true,
      });
      let last: { done: boolean; eval_count: number } | undefined;
      for await (const part of stream) last = part;
      expect(last?.done).toBe(true);
      expect(last?.eval_count).toBeGreaterThan(0);
    });

    clientChecks(() => b, 'ollama', ['generate', 'chat'], true);
  });
}
