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
import { withPromptJson } from '../prompt-json.js';
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
  /** Each pool prompt's JSON literal without its opening quote: a request's literal is its marker + this. */
  const tails: string[] = [];
  for (let i = 0; i < pool; i++) {
    const n = sampleLength(input, rng);
    const prompt = generateText(n - 1, seed + i);
    bodies.push({ prompt, maxTokens: sampleLength(output, rng), promptTokens: n });
    tails.push(JSON.stringify(prompt).slice(1));
  }
  return {
    size: bodies.length,
    get: (i) => {
      const j = i % bodies.length;
      const b = bodies[j];
      // a literal, not a spread (per request); the marker is letters and digits: no JSON escapes
      const marker = `e${executor}p${i}`;
      const long = b.promptTokens > 1;
      const prompt = long ? `${marker} ${b.prompt}` : marker;
      const json = long ? `"${marker} ${tails[j]}` : `"${marker}"`;
      return withPromptJson({ prompt, maxTokens: b.maxTokens, promptTokens: b.promptTokens }, json);
    },
  };
}
