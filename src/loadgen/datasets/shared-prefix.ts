/**
 * Shared-prefix prompts (seeded, nothing to download): `groups` prefixes of exactly `prefix_len` tokens;
 * prompt i is the prefix of group i mod groups followed by a suffix of its own (`suffix_len` tokens, fixed
 * or drawn). A prefix starts with its group's marker word (`g<group>`) and a suffix with the prompt's
 * (`p<i>`), so prefixes differ from the first token on and two prompts share exactly their group's prefix:
 * what a server's prefix cache can reuse. Prompts are made on demand (no pool is cycled), so no prompt
 * repeats whole and every executor gets its own range of indices.
 */

import type { LengthSpec, SharedPrefix } from '../../contracts/index.js';
import { deriveSeed, mulberry32 } from '../../util/rng.js';
import { generateText } from '../../util/tokenizer.js';
import { sampleLength } from './lengths.js';
import type { Prompt, PromptSet } from './types.js';

/** Indices a shared-prefix set offers (executors start at index · size / count). */
const SIZE = 2 ** 31;

/** Text of exactly `n` tokens starting with the one-token `marker`. */
function marked(marker: string, n: number, stream: number): string {
  return n <= 1 ? marker : `${marker} ${generateText(n - 1, stream)}`;
}

export function sharedPrefixPrompts(sp: SharedPrefix, output: LengthSpec, seed: number): PromptSet {
  const prefixes = Array.from({ length: sp.groups }, (_, g) =>
    marked(`g${g}`, sp.prefix_len, deriveSeed(seed, g) % 100_000),
  );
  return {
    size: SIZE,
    get(i: number): Prompt {
      const idx = i % SIZE;
      const rng = mulberry32(deriveSeed(seed, SIZE + idx));
      const suffix = sampleLength(sp.suffix_len, rng);
      return {
        prompt: `${prefixes[idx % sp.groups]} ${marked(`p${idx}`, suffix, idx)}`,
        maxTokens: sampleLength(output, rng),
        promptTokens: sp.prefix_len + suffix,
      };
    },
  };
}
