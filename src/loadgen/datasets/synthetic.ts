/**
 * Synthetic prompts (the default; nothing to download): a pool of seeded prompts whose input length in
 * tokens (by src/util/tokenizer.ts) and max_tokens follow the given length specs. Prompt i uses word
 * sequence i, so prompts differ from each other (no accidental prefix caching across requests).
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
  pool = typeof input === 'number' && typeof output === 'number' ? 64 : SYNTHETIC_POOL,
): PromptSet {
  const rng = mulberry32(seed);
  const prompts: Prompt[] = [];
  for (let i = 0; i < pool; i++) {
    const n = sampleLength(input, rng);
    prompts.push({
      prompt: generateText(n, seed + i),
      maxTokens: sampleLength(output, rng),
      promptTokens: n,
    });
  }
  return { size: prompts.length, get: (i) => prompts[i % prompts.length] };
}
