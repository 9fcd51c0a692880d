/** The simulated service runs the same conformance suite as real servers, once per protocol it speaks. */
import { startDummyServer } from '../../src/services/dummy/sim/index.js';
import type { Backend } from './backend.js';
import { ollamaConformance } from './ollama-checks.js';
import { openAiConformance } from './openai-checks.js';

async function simulated(): Promise<Backend> {
  const s = await startDummyServer({ seed: 7, load_ms: 0, decode_step_ms: 1, output_tokens: 64 });
  return { url: s.url, model: 'dummy-model', stop: () => s.close() };
}

openAiConformance('simulated service (vLLM side)', simulated, {
  service: 'vllm',
  generatedTokensMetric: 'vllm:generation_tokens_total',
  runsToMaxTokens: true,
});

openAiConformance('simulated service as `dummy`', simulated, {
  service: 'dummy',
  generatedTokensMetric: 'vllm:generation_tokens_total',
  runsToMaxTokens: true,
});

ollamaConformance('simulated service (Ollama side)', simulated);
