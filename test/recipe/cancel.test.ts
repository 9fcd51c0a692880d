/**
 * workload.cancel is validated like the rest: a share above 0 and at most 1, exactly one of after (a
 * delay) and after_tokens, and after_tokens only with streamed responses — each error at file:line:col,
 * for the workload and for a suite entry. A valid one reaches the benchmark's spec with its delay in seconds.
 */
import { describe, expect, it } from 'vitest';
import { checkRecipeText, expandBenchmarks, parseRecipeText } from '../../src/recipe/index.js';

const HEAD = 'scenario: t\nworkload:\n  service: dummy\n  duration: 60s\n';
const errors = (text: string) =>
  checkRecipeText(HEAD + text, 'r.yaml')
    .issues.filter((i) => i.severity === 'error')
    .map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);

describe('workload.cancel validation', () => {
  it('share must be above 0 and at most 1', () => {
    expect(errors('  cancel: { share: 0, after_tokens: 4 }\n')).toEqual([
      expect.stringMatching(/^5:20 workload\.cancel\.share: must be above 0 and at most 1/),
    ]);
    expect(errors('  cancel:\n    share: 1.5\n    after: 500ms\n')).toEqual([
      expect.stringMatching(/^6:12 workload\.cancel\.share: must be above 0 and at most 1/),
    ]);
    expect(errors('  cancel: { share: 1, after: 500ms }\n')).toEqual([]);
  });

  it('a negative delay is one error (not a duration), a zero one another (must be more than 0)', () => {
    expect(errors('  cancel: { share: 0.5, after: -1s }\n')).toEqual([
      expect.stringMatching(/^5:32 workload\.cancel\.after: expected a duration/),
    ]);
    expect(errors('  cancel: { share: 0.5, after: 0s }\n')).toEqual([
      '5:32 workload.cancel.after: must be more than 0',
    ]);
  });

  it('exactly one of after and after_tokens', () => {
    expect(errors('  cancel:\n    share: 0.1\n    after: 1s\n    after_tokens: 8\n')).toEqual([
      expect.stringMatching(
        /^8:19 workload\.cancel\.after_tokens: give either after .* or after_tokens .*not both/,
      ),
    ]);
    expect(errors('  cancel: { share: 0.1 }\n')).toEqual([
      expect.stringMatching(
        /^5:11 workload\.cancel: expected after \(a delay after sending, e\.g\. 500ms\) or after_tokens/,
      ),
    ]);
    expect(errors('  cancel: { share: 0.1, after: soon }\n')[0]).toMatch(
      /^5:32 workload\.cancel\.after: expected a duration/,
    );
    expect(errors('  cancel: { share: 0.1, after_tokens: 0 }\n')).toEqual([
      expect.stringMatching(/^5:39 workload\.cancel\.after_tokens: must be at least 1/),
    ]);
    expect(errors('  cancel: 0.1\n')).toEqual([
      expect.stringMatching(
        /^5:11 workload\.cancel: expected \{share, after: DELAY\} or \{share, after_tokens: N\}/,
      ),
    ]);
  });

  it('after_tokens needs streamed responses, where the conflict is written', () => {
    expect(errors('  stream: false\n  cancel: { share: 0.5, after_tokens: 8 }\n')).toEqual([
      expect.stringMatching(/^6:39 workload\.cancel\.after_tokens: cancel\.after_tokens needs stream: true/),
    ]);
    // a suite entry that turns streaming off under the workload's cancel: reported at its stream
    const suite =
      '  cancel: { share: 0.5, after_tokens: 8 }\n  benchmark_suite:\n    - name: a\n    - name: b\n      stream: false\n';
    expect(errors(suite)).toEqual([
      expect.stringMatching(
        /^9:15 workload\.benchmark_suite\[1\]\.stream: cancel\.after_tokens needs stream: true/,
      ),
    ]);
    // by delay, a non-streamed request is cancelled too
    expect(errors('  stream: false\n  cancel: { share: 0.5, after: 200ms }\n')).toEqual([]);
  });

  it('a valid cancel reaches the spec, its delay in seconds; a suite entry may turn it off with null', () => {
    const text = `${HEAD}  cancel: { share: 0.25, after: 500ms }\n  benchmark_suite:\n    - name: a\n    - name: b\n      cancel: null\n    - name: c\n      cancel: { share: 0.5, after_tokens: 16 }\n`;
    const plans = expandBenchmarks(parseRecipeText(text, 'r.yaml').recipe);
    expect(plans.map((p) => p.spec.cancel)).toEqual([
      { share: 0.25, after: 0.5 },
      undefined,
      { share: 0.5, after_tokens: 16 },
    ]);
  });
});
