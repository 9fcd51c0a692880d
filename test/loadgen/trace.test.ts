/** Trace files (Mooncake JSONL, BurstGPT CSV): rows, prompts at the trace's lengths, shares, bad files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../../src/errors.js';
import { loadTraceRows, tracePrompts } from '../../src/loadgen/datasets/trace.js';
import { TraceSchedule, traceShare } from '../../src/loadgen/run/trace-replay.js';
import { countTokens } from '../../src/util/tokenizer.js';

const MOONCAKE = resolve('test/fixtures/traces/mooncake.jsonl');
const BURSTGPT = resolve('test/fixtures/traces/burstgpt.csv');
const dir = mkdtempSync(join(tmpdir(), 'hpcbench-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function e006(fn: () => unknown): ConfigValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as ConfigValidationError).code).toBe('E006');
    return err as ConfigValidationError;
  }
  throw new Error('expected E006');
}

/** Tokens two texts share from their start. */
function common(a: string, b: string): number {
  const x = a.split(' ');
  const y = b.split(' ');
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

describe('Mooncake trace', () => {
  it('rows at their ms offsets; prompts of exactly input_length tokens, max_tokens = output_length', () => {
    const rows = loadTraceRows(MOONCAKE, 'mooncake');
    expect(rows.map((r) => r.at)).toEqual([0, 0, 150, 300, 420, 600, 610, 900]);
    const ps = tracePrompts(rows);
    rows.forEach((r, i) => {
      const p = ps.get(i);
      expect(countTokens(p.prompt)).toBe(r.input);
      expect(p.promptTokens).toBe(r.input);
      expect(p.maxTokens).toBe(r.output);
    });
  });

  it('equal hash_ids give equal prefix blocks (512 tokens each), other ids differ from the first token', () => {
    const ps = tracePrompts(loadTraceRows(MOONCAKE, 'mooncake'));
    const p = (i: number) => ps.get(i).prompt;
    expect(common(p(0), p(1))).toBe(1024); // [0, 1, 2] and [0, 1, 3]
    expect(common(p(0), p(2))).toBe(512); // [0, 4]
    expect(p(3)).toBe(p(0)); // the same ids and length: the same prompt
    expect(common(p(0), p(4))).toBe(0); // [5]
    expect(common(p(5), p(0))).toBe(1200); // [0, 1, 2, 6] starts with all of row 0 (1200 < 3 blocks)
    // block_tokens sets the block size
    const small = tracePrompts(loadTraceRows(MOONCAKE, 'mooncake'), 100);
    expect(common(small.get(0).prompt, small.get(1).prompt)).toBe(200);
  });

  it('bad rows are E006 naming file:line, the field and what is allowed; unsorted rows are sorted', () => {
    const cases: [string, RegExp][] = [
      [
        '{"timestamp": 0, "input_length": 5, "output_length": 2}\n{"timestamp": 5, "output_length": 2}\n',
        /:2: "input_length" must be a whole number >= 1, got nothing/,
      ],
      [
        '{"timestamp": -1, "input_length": 5, "output_length": 2}\n',
        /:1: "timestamp" must be a number of milliseconds >= 0/,
      ],
      [
        '{"timestamp": 0, "input_length": 5, "output_length": 0}\n',
        /:1: "output_length" must be a whole number >= 1, got 0/,
      ],
      [
        '{"timestamp": 0, "input_length": 5, "output_length": 2, "hash_ids": [1, "a"]}\n',
        /:1: "hash_ids" must be a list of whole numbers >= 0/,
      ],
      ['{"timestamp": 0, "input_length": 5\n', /:1: malformed JSON/],
      ['[1, 2]\n', /:1: each line must be a JSON object/],
      ['\n\n', /no rows/],
    ];
    for (const [text, re] of cases) {
      const err = e006(() => loadTraceRows(file('bad.jsonl', text), 'mooncake'));
      expect(err.message).toMatch(re);
      expect(err.message).toContain('bad.jsonl');
    }
    const rows = loadTraceRows(
      file(
        'unsorted.jsonl',
        '{"timestamp": 200, "input_length": 3, "output_length": 1}\n{"timestamp": 50, "input_length": 4, "output_length": 1}\n',
      ),
      'mooncake',
    );
    expect(rows.map((r) => [r.at, r.input, r.line])).toEqual([
      [0, 4, 2],
      [150, 3, 1],
    ]);
  });
});

describe('BurstGPT trace', () => {
  it('Timestamp in seconds from the first row; rows with 0 response tokens (failed) are skipped', () => {
    const rows = loadTraceRows(BURSTGPT, 'burstgpt');
    expect(rows.map((r) => r.at)).toEqual([0, 0, 500, 1000, 1200, 1750]);
    expect(rows.map((r) => [r.input, r.output])).toEqual([
      [472, 18],
      [1021, 61],
      [134, 27],
      [88, 12],
      [965, 33],
      [251, 9],
    ]);
    const ps = tracePrompts(rows);
    expect(countTokens(ps.get(1).prompt)).toBe(1021);
    // no hash ids: no two requests share a prefix
    expect(common(ps.get(0).prompt, ps.get(1).prompt)).toBe(0);
  });

  it('a missing column or a bad number is E006 with file:line and the column', () => {
    let err = e006(() => loadTraceRows(file('a.csv', 'Timestamp,Model,Request tokens\n1,x,2\n'), 'burstgpt'));
    expect(err.message).toMatch(
      /a\.csv:1: the header must name the columns Timestamp, Request tokens, Response tokens .*missing: Response tokens/,
    );
    err = e006(() =>
      loadTraceRows(
        file(
          'b.csv',
          'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n1,x,2,3,5,API log\n2,x,lots,3,5,API log\n',
        ),
        'burstgpt',
      ),
    );
    expect(err.message).toMatch(/b\.csv:3: column "Request tokens" must be a number, got "lots"/);
  });
});

describe('trace shares', () => {
  it('two executors take alternate rows; their union is the trace at its own times', () => {
    const trace = tracePrompts(loadTraceRows(MOONCAKE, 'mooncake'));
    const times = (index: number, count: number, scale: number) => {
      const sched = new TraceSchedule(trace, traceShare(trace.rows, index, count), {
        mode: 'trace',
        time_scale: scale,
      });
      const out: [number, number][] = [];
      for (let t = sched.next(); Number.isFinite(t); t = sched.next())
        out.push([t, sched.prompt().promptTokens]);
      return out;
    };
    const whole = times(0, 1, 1);
    expect(whole.map(([t]) => t * 1000)).toEqual(trace.rows.map((r) => r.at));
    const union = [...times(0, 2, 1), ...times(1, 2, 1)].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(union).toEqual([...whole].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    // time_scale 0.5: twice as fast
    expect(times(0, 1, 0.5).map(([t]) => t * 1000)).toEqual(trace.rows.map((r) => r.at / 2));
  });

  it('skipTo passes the rows before a time and counts them', () => {
    const trace = tracePrompts(loadTraceRows(MOONCAKE, 'mooncake'));
    const sched = new TraceSchedule(trace, traceShare(trace.rows, 0, 1), { mode: 'trace' });
    expect(sched.next()).toBe(0);
    expect(sched.skipTo(0.5)).toBe(4); // the other rows before 500 ms: 0, 150, 300, 420
    expect(sched.next()).toBe(0.6);
  });
});
