/**
 * Synthetic prompts (the default; nothing to download): a pool of seeded prompts whose input length in
 * tokens (by src/util/tokenizer.ts) and max_tokens follow the given length specs. Request i of executor
 * e starts with its own marker word (`e<e>p<i>`), then pool entry i mod pool, so no two requests share
 * even their first token: no accidental prefix caching across requests, also when the pool repeats or
 * executors use the same entries (shared-prefix.ts makes prompts that share a prefix on purpose).
 */

import type { LengthSpec } from '../../contracts/index.js';
import { mulberry32 } from '../../util/rng.js';
import { generateText } from '../../util/tokenizer.js';
import { sampleLength } from './lengths.js';
import type { Prompt, PromptSet } from './types.js';

export const SYNTHETIC_POOL = 1024;

export function syntheticPrompts(
  input: LengthSpec,
  output: LengthSpec,
  seed: number,
  executor = 0,
  pool = typeof input === 'number' && typeof output === 'number' ? 64 : SYNTHETIC_POOL,
): PromptSet {
  const rng = mulberry32(seed);
  const bodies: Prompt[] = [];
  for (let i = 0; i < pool; i++) {
    const n = sampleLength(input, rng);
    bodies.push({
      prompt: generateText(n - 1, seed + i),
      maxTokens: sampleLength(output, rng),
      promptTokens: n,
    });
  }
  return {
    size: bodies.length,
    get: (i) => {
      const b = bodies[i % bodies.length];
      // a literal, not a spread (per request)
      const marker = `e${executor}p${i}`;
      const prompt = b.promptTokens > 1 ? `${marker} ${b.prompt}` : marker;
      return { prompt, maxTokens: b.maxTokens, promptTokens: b.promptTokens };
    },
  };
}
