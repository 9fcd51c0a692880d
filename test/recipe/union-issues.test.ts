/**
 * A field that takes one of several forms (`trace: PATH | {path, format, time_scale}`, a length or its
 * distribution, `session.turns`) is reported at the key inside the mapping that is wrong, with what that
 * key allows, when the mapping clearly means one form; otherwise the field's message lists the forms.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../src/errors.js';
import { checkRecipeText } from '../../src/recipe/index.js';

const TRACE = fileURLToPath(new URL('../../examples/traces/mooncake-sample.jsonl', import.meta.url));
const HEAD = 'scenario: t\nworkload:\n  service: dummy\n  duration: 60s\n';
const errors = (text: string) =>
  checkRecipeText(HEAD + text, 'r.yaml')
    .issues.filter((i) => i.severity === 'error')
    .map((i: ConfigIssue) => `${i.line}:${i.column} ${i.path}: ${i.message}`);

describe('errors inside a field of several forms', () => {
  it('trace: a wrong time_scale or format is reported at that key', () => {
    expect(errors(`  trace:\n    path: ${TRACE}\n    time_scale: fast\n`)).toEqual([
      '7:17 workload.trace.time_scale: expected a number',
    ]);
    expect(errors(`  trace:\n    path: ${TRACE}\n    format: sharegpt\n`)).toEqual([
      '7:13 workload.trace.format: expected one of mooncake, burstgpt',
    ]);
    // a value of neither form keeps the field's message listing both
    expect(errors('  trace: [a, b]\n')).toEqual([
      expect.stringMatching(/^5:10 workload\.trace: expected a trace file path or \{path, format/),
    ]);
  });

  it('a length distribution names its wrong key; a distribution it cannot tell lists the forms', () => {
    expect(errors('  prompt_len: {dist: uniform, min: 2.5, max: 8}\n')).toEqual([
      '5:36 workload.prompt_len.min: expected a whole number',
    ]);
    expect(errors('  prompt_len: {dist: unifrm, min: 2, max: 8}\n')).toEqual([
      expect.stringMatching(
        /^5:15 workload\.prompt_len: expected a number of tokens \(>= 1\) or a distribution/,
      ),
    ]);
  });

  it('session.turns counts turns, not tokens', () => {
    expect(errors('  api: chat\n  session: {turns: 2.5}\n')).toEqual([
      expect.stringMatching(
        /^6:20 workload\.session\.turns: expected a whole number of turns \(>= 1\) or a distribution/,
      ),
    ]);
  });
});
