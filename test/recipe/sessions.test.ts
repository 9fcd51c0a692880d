/**
 * `workload.session` at validate: the chat API (given, swept, or the service's default), no trace, turns
 * unless a ShareGPT dataset brings its conversations — each suite entry merged with the workload, every
 * problem at its field's line:col; a valid session becomes the spec's {turns, think_seconds}.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TURNS, sessionSpecSchema } from '../../src/contracts/index.js';
import type { ConfigIssue } from '../../src/errors.js';
import { checkRecipeText, expandBenchmarks, parseRecipeText } from '../../src/recipe/index.js';

const HEAD = 'scenario: t\nworkload:\n  service: dummy\n  duration: 60s\n';
const errors = (text: string) =>
  checkRecipeText(HEAD + text, 'r.yaml')
    .issues.filter((i) => i.severity === 'error')
    .map((i: ConfigIssue) => `${i.line}:${i.column} ${i.path}: ${i.message}`);

describe('workload.session', () => {
  it('a valid session is the spec’s {turns, think_seconds}', () => {
    const text = `${HEAD}  api: chat\n  session:\n    turns: {dist: uniform, min: 2, max: 5}\n    think_time: 1500ms\n`;
    expect(errors(text.slice(HEAD.length))).toEqual([]);
    const [b] = expandBenchmarks(parseRecipeText(text, 'r.yaml').recipe);
    expect(b.spec.session).toEqual({ turns: { dist: 'uniform', min: 2, max: 5 }, think_seconds: 1.5 });
  });

  it('needs the chat API: the service default (completions) is refused at session, a given api at api', () => {
    expect(errors('  session:\n    turns: 3\n')).toEqual([
      expect.stringMatching(/^6:5 workload\.session: multi-turn sessions need api: chat/),
    ]);
    expect(errors('  api: generate\n  session:\n    turns: 3\n')).toEqual([
      expect.stringMatching(/^5:8 workload\.api: multi-turn sessions need api: chat .*api generate/),
    ]);
    expect(errors('  api: chat\n  session:\n    turns: 3\n  sweep:\n    api: [chat, completions]\n')).toEqual(
      [expect.stringMatching(/^9:17 workload\.sweep\.api\[1\]: multi-turn sessions need api: chat/)],
    );
  });

  it('suite entries are checked merged with the workload; null unsets the session', () => {
    const e = errors(
      [
        '  api: chat',
        '  session: {turns: 2}',
        '  benchmark_suite:',
        '    - name: ok',
        '    - name: plain',
        '      api: completions',
        '      session: null',
        '    - name: bad',
        '      api: completions',
        '',
      ].join('\n'),
    );
    expect(e).toEqual([
      expect.stringMatching(/^13:12 workload\.benchmark_suite\[2\]\.api: multi-turn sessions need api: chat/),
    ]);
  });

  it('turns are required unless a ShareGPT dataset brings the conversations; a trace excludes sessions', () => {
    expect(errors('  api: chat\n  session: {think_time: 1s}\n')).toEqual([
      expect.stringMatching(/^6:12 workload\.session: give turns/),
    ]);
    expect(
      errors('  api: chat\n  dataset: {path: /nonexistent.json, format: sharegpt}\n  session: {}\n').filter(
        (x) => x.includes('session'),
      ),
    ).toEqual([]);
    expect(
      errors('  api: chat\n  trace: /nonexistent.jsonl\n  session: {turns: 2}\n').filter(
        (x) => x.includes('session') || x.includes('trace replay sends'),
      ),
    ).toEqual([
      expect.stringMatching(
        /^6:10 workload\.trace: a trace replay sends the trace’s own requests: remove session/,
      ),
    ]);
  });

  it('stop_on_saturation beside sessions is a warning (not judged for them)', () => {
    const w = checkRecipeText(
      `${HEAD}  api: chat\n  target_rps: 2\n  stop_on_saturation: true\n  session: {turns: 2}\n`,
      'r.yaml',
    ).issues.filter((i) => i.severity === 'warning' && i.path === 'workload.stop_on_saturation');
    expect(w.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      expect.stringMatching(/^7:23 not used with multi-turn sessions/),
    ]);
  });

  it('bad values at their own line:col', () => {
    expect(
      errors('  api: chat\n  session:\n    turns: {dist: uniform, min: 8, max: 2}\n    think_time: -1\n'),
    ).toEqual([
      expect.stringMatching(/^7:\d+ workload\.session\.turns.*: min must not exceed max/),
      expect.stringMatching(/^8:17 workload\.session\.think_time: expected a duration/),
    ]);
  });

  it('absurd turns are refused at validate and at POST /start: at most MAX_TURNS per session', () => {
    expect(errors('  api: chat\n  session:\n    turns: 100000000\n')).toEqual([
      `7:12 workload.session.turns: at most ${MAX_TURNS} turns per session`,
    ]);
    expect(errors('  api: chat\n  session:\n    turns: {dist: uniform, min: 2, max: 200000}\n')).toEqual([
      `7:12 workload.session.turns: at most ${MAX_TURNS} turns per session`,
    ]);
    expect(errors(`  api: chat\n  session:\n    turns: ${MAX_TURNS}\n`)).toEqual([]);
    // the executor's spec (what POST /start takes) has the same bound
    expect(sessionSpecSchema.safeParse({ turns: 100_000_000 }).success).toBe(false);
    expect(sessionSpecSchema.safeParse({ turns: { dist: 'lognormal', mean: 1e9, std: 1 } }).success).toBe(
      false,
    );
    expect(sessionSpecSchema.safeParse({ turns: 4 }).success).toBe(true);
  });
});
