/** Recipe prompt sources: shared_prefix (and the rule that a benchmark names one source). */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { expandBenchmarks, parseRecipeText } from '../../src/recipe/index.js';
import { check, errorsOf, localRecipe } from './helpers.js';

describe('shared_prefix', () => {
  it('becomes the shared_prefix prompt source with gen_tokens as output', () => {
    const text = stringify(
      localRecipe({ shared_prefix: { prefix_len: 512, groups: 4, suffix_len: 32 }, gen_tokens: 16 }),
    );
    const [plan] = expandBenchmarks(parseRecipeText(text, 'r.yaml').recipe);
    expect(plan.spec.prompts).toEqual({
      source: 'shared_prefix',
      prefix_len: 512,
      groups: 4,
      suffix_len: 32,
      output_tokens: 16,
    });
  });

  it('bad fields name the field and what is allowed, at its line', () => {
    const issues = errorsOf(check(localRecipe({ shared_prefix: { prefix_len: 0, groups: 2 } })).issues);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath['workload.shared_prefix.prefix_len']?.message).toMatch(/at least 1/);
    expect(byPath['workload.shared_prefix.suffix_len']?.message).toBeDefined();
    expect(byPath['workload.shared_prefix.prefix_len']?.line).toBeGreaterThan(1);
  });

  it('with prompt_len or a dataset (also merged from a suite entry) is an error at the second source', () => {
    const sp = { prefix_len: 8, groups: 2, suffix_len: 4 };
    const a = errorsOf(check(localRecipe({ shared_prefix: sp, prompt_len: 64 })).issues);
    expect(a.map((i) => i.path)).toContain('workload.prompt_len');
    expect(a.find((i) => i.path === 'workload.prompt_len')?.message).toMatch(/prompt lengths come from it/);
    const b = errorsOf(
      check(localRecipe({ dataset: 'x.jsonl', benchmark_suite: [{ name: 'p', shared_prefix: sp }] })).issues,
    );
    expect(b.find((i) => i.path === 'workload.benchmark_suite[0].shared_prefix')?.message).toMatch(
      /give one prompt source: dataset and shared_prefix/,
    );
    // null unsets the workload's dataset for that entry
    const c = errorsOf(
      check(
        localRecipe({
          dataset: 'x.jsonl',
          benchmark_suite: [{ name: 'p', dataset: null, shared_prefix: sp }],
        }),
      ).issues,
    );
    expect(c.filter((i) => /prompt source/.test(i.message))).toEqual([]);
  });
});
