/** The real llama.cpp `llama-server` (built by .ci/build-llama.sh) against the same conformance suite. */
import { describe } from 'vitest';
import { requireLlama, startLlamaServer } from '../helpers/llama-server.js';
import { openAiConformance } from './openai-checks.js';

const ok = requireLlama();

describe.runIf(ok)('llama-server', () => {
  openAiConformance(
    'llama.cpp llama-server',
    async () => {
      const s = await startLlamaServer();
      return { url: s.url, model: s.model, stop: () => s.stop() };
    },
    // The random-weight tiny model never emits EOS, so every request runs to max_tokens.
    { service: 'llamacpp', generatedTokensMetric: 'llamacpp:tokens_predicted_total', runsToMaxTokens: true },
  );
});
