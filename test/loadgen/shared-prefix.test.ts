/** Shared-prefix prompts: exact prefixes per group, unique suffixes, seeded; synthetic prompts share nothing. */
import { describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/contracts/index.js';
import { loadPrompts } from '../../src/loadgen/datasets/index.js';
import { blockKeys, countTokens } from '../../src/util/tokenizer.js';

const base = {
  benchmark: 'b',
  service: 'dummy',
  server_url: 'http://127.0.0.1:1',
  model: 'm',
  duration: 1,
  warmup: 0,
};
const spec = (prompts: WorkloadSpec['prompts'], seed = 1): WorkloadSpec =>
  ({ ...base, load: { mode: 'closed', clients_per_node: 1 }, prompts, seed }) as WorkloadSpec;

/** Tokens two texts share from their start. */
function commonTokens(a: string, b: string): number {
  const x = a.split(' ');
  const y = b.split(' ');
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

describe('shared-prefix prompts', () => {
  const src = {
    source: 'shared_prefix' as const,
    prefix_len: 40,
    groups: 3,
    suffix_len: { dist: 'uniform' as const, min: 5, max: 9 },
    output_tokens: 7,
  };

  it('prompt i = group (i mod groups) prefix of exactly prefix_len tokens + its own suffix', () => {
    const ps = loadPrompts(spec(src));
    const list = Array.from({ length: 30 }, (_, i) => ps.get(i));
    for (const [i, p] of list.entries()) {
      expect(countTokens(p.prompt)).toBe(p.promptTokens);
      expect(p.promptTokens - 40).toBeGreaterThanOrEqual(5);
      expect(p.promptTokens - 40).toBeLessThanOrEqual(9);
      expect(p.maxTokens).toBe(7);
      for (const [j, q] of list.entries()) {
        if (i === j) continue;
        // the same group: exactly the prefix in common; another group: nothing
        expect(commonTokens(p.prompt, q.prompt)).toBe(i % 3 === j % 3 ? 40 : 0);
      }
    }
    // seeded: the same prompts again, other ones with another seed
    expect(loadPrompts(spec(src)).get(4).prompt).toBe(list[4].prompt);
    expect(loadPrompts(spec(src, 2)).get(4).prompt).not.toBe(list[4].prompt);
  });

  it('the block keys of a group agree over the prefix’s full blocks only', () => {
    const ps = loadPrompts(spec({ ...src, prefix_len: 64, suffix_len: 40 }));
    const a = blockKeys([ps.get(0).prompt], 16);
    const b = blockKeys([ps.get(3).prompt], 16);
    const c = blockKeys([ps.get(1).prompt], 16);
    expect(a).toHaveLength(6); // 104 tokens: 6 full blocks of 16
    expect(a.slice(0, 4)).toEqual(b.slice(0, 4));
    expect(a[4]).not.toBe(b[4]);
    expect(a.some((k) => c.includes(k))).toBe(false);
  });

  it('synthetic prompts share no first token, also when the pool repeats', () => {
    const ps = loadPrompts(spec({ source: 'synthetic', input_tokens: 32, output_tokens: 4 }));
    const first = new Set(Array.from({ length: 3 * ps.size }, (_, i) => ps.get(i).prompt.split(' ')[0]));
    expect(first.size).toBe(3 * ps.size);
    expect(countTokens(ps.get(ps.size + 1).prompt)).toBe(32);
  });
});
