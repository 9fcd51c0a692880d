import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PromptSource, WorkloadSpec } from '../../src/contracts/index.js';
import { ConfigValidationError } from '../../src/errors.js';
import { loadPrompts } from '../../src/loadgen/datasets/index.js';
import { sampleLength } from '../../src/loadgen/datasets/lengths.js';
import { mulberry32 } from '../../src/util/rng.js';
import { countTokens } from '../../src/util/tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'hpcbench-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const spec = (prompts?: PromptSource, extra: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
  benchmark: 'b',
  service: 'dummy',
  server_url: 'http://127.0.0.1:1',
  model: 'm',
  duration: 1,
  warmup: 0,
  load: { mode: 'closed', clients_per_node: 1 },
  prompts,
  ...extra,
});
const all = (s: WorkloadSpec) => {
  const set = loadPrompts(s);
  return Array.from({ length: set.size }, (_, i) => set.get(i));
};
/** The E006 a call throws. */
const e006 = (f: () => unknown): ConfigValidationError => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as ConfigValidationError).code).toBe('E006');
    return err as ConfigValidationError;
  }
  throw new Error('expected E006');
};

describe('synthetic prompts', () => {
  it('default: 128 input tokens exactly (shared tokenizer), max_tokens from the spec', () => {
    const ps = all(spec(undefined, { max_tokens: 32 }));
    for (const p of ps) {
      expect(countTokens(p.prompt)).toBe(128);
      expect(p.promptTokens).toBe(128);
      expect(p.maxTokens).toBe(32);
    }
    expect(new Set(ps.map((p) => p.prompt)).size).toBe(ps.length);
  });

  it('lengths from seeded distributions: within bounds, repeatable, mean as asked', () => {
    const src: PromptSource = {
      source: 'synthetic',
      input_tokens: { dist: 'uniform', min: 10, max: 50 },
      output_tokens: { dist: 'normal', mean: 100, std: 10, min: 80, max: 120 },
    };
    const a = all(spec(src, { seed: 3 }));
    expect(a.map((p) => p.promptTokens)).toEqual(all(spec(src, { seed: 3 })).map((p) => p.promptTokens));
    expect(a.map((p) => p.promptTokens)).not.toEqual(all(spec(src, { seed: 4 })).map((p) => p.promptTokens));
    for (const p of a) {
      expect(countTokens(p.prompt)).toBe(p.promptTokens);
      expect(p.promptTokens).toBeGreaterThanOrEqual(10);
      expect(p.promptTokens).toBeLessThanOrEqual(50);
      expect(p.maxTokens).toBeGreaterThanOrEqual(80);
      expect(p.maxTokens).toBeLessThanOrEqual(120);
    }
    const meanIn = a.reduce((s, p) => s + p.promptTokens, 0) / a.length;
    expect(Math.abs(meanIn - 30)).toBeLessThan(1.5);
    const rng = mulberry32(1);
    const ln = Array.from({ length: 20000 }, () =>
      sampleLength({ dist: 'lognormal', mean: 200, std: 100 }, rng),
    );
    const m = ln.reduce((s, v) => s + v, 0) / ln.length;
    expect(Math.abs(m - 200)).toBeLessThan(6);
  });

  it('bad lengths are E006 naming the field', () => {
    const err = e006(() =>
      loadPrompts(
        spec({ source: 'synthetic', input_tokens: { dist: 'uniform', min: 5, max: 2 }, output_tokens: 4 }),
      ),
    );
    expect(err.message).toContain('workload.prompts.input_tokens');
  });
});

describe('dataset files', () => {
  it('HellaSwag JSONL: ctx, else ctx_a + ctx_b', () => {
    const p = file(
      'hs.jsonl',
      `${JSON.stringify({ ind: 1, ctx: 'A man is sitting on a roof. he', ctx_a: 'x', endings: ['a', 'b'] })}\n\n${JSON.stringify({ ctx_a: 'Then', ctx_b: 'she smiles' })}\n`,
    );
    const ps = all(spec({ source: 'hellaswag', path: p }, { max_tokens: 9 }));
    expect(ps.map((x) => x.prompt)).toEqual(['A man is sitting on a roof. he', 'Then she smiles']);
    expect(ps[0]).toMatchObject({
      maxTokens: 9,
      promptTokens: countTokens('A man is sitting on a roof. he'),
    });
  });

  it('ShareGPT JSON: first human turn; reply length is max_tokens unless output_tokens is given', () => {
    const data = [
      {
        id: 'a',
        conversations: [
          { from: 'human', value: 'Tell me a joke' },
          { from: 'gpt', value: 'Why did the chicken cross?' },
        ],
      },
      { id: 'b', conversations: [{ from: 'gpt', value: 'no human here' }] },
      { id: 'c', conversations: [{ from: 'human', value: 'Hi' }] },
    ];
    const p = file('sg.json', JSON.stringify(data, null, 1));
    const ps = all(spec({ source: 'sharegpt', path: p }));
    expect(ps.map((x) => [x.prompt, x.maxTokens])).toEqual([
      ['Tell me a joke', countTokens('Why did the chicken cross?')],
      ['Hi', 128],
    ]);
    expect(all(spec({ source: 'sharegpt', path: p, output_tokens: 7 })).map((x) => x.maxTokens)).toEqual([
      7, 7,
    ]);
  });

  it('any JSONL with prompt and optional max_tokens', () => {
    const p = file('p.jsonl', '{"prompt":"one","max_tokens":3}\r\n{"prompt":"two"}');
    expect(
      all(spec({ source: 'jsonl', path: p }, { max_tokens: 50 })).map((x) => [x.prompt, x.maxTokens]),
    ).toEqual([
      ['one', 3],
      ['two', 50],
    ]);
  });

  it('missing files are E006 naming the file', () => {
    const missing = join(dir, 'nope.jsonl');
    for (const source of ['hellaswag', 'sharegpt', 'jsonl'] as const) {
      const err = e006(() => loadPrompts(spec({ source, path: missing })));
      expect(err.message).toContain(missing);
      expect(err.message).toContain('not found');
    }
  });

  it('malformed rows are E006 naming the file and the line', () => {
    const bad = file('bad.jsonl', '{"prompt":"ok"}\n{"prompt": "cut\n');
    expect(e006(() => loadPrompts(spec({ source: 'jsonl', path: bad }))).message).toContain(`${bad}:2`);
    const noPrompt = file('np.jsonl', '{"prompt":"ok"}\n\n{"text":"x"}\n');
    const err = e006(() => loadPrompts(spec({ source: 'jsonl', path: noPrompt })));
    expect(err.message).toContain(`${noPrompt}:3`);
    expect(err.message).toContain('"prompt"');
    expect(err.issues[0]).toMatchObject({ file: noPrompt, line: 3 });
    const badMax = file('bm.jsonl', '{"prompt":"ok","max_tokens":-1}\n');
    expect(e006(() => loadPrompts(spec({ source: 'jsonl', path: badMax }))).message).toContain(':1');
    const hs = file('hs-bad.jsonl', '{"label":1}\n');
    expect(e006(() => loadPrompts(spec({ source: 'hellaswag', path: hs }))).message).toContain(`${hs}:1`);
    const sg = file('sg-bad.json', '[\n {"conversations": []},\n {"conversations": [}\n]');
    expect(e006(() => loadPrompts(spec({ source: 'sharegpt', path: sg }))).message).toMatch(/sg-bad\.json:3/);
    const sgShape = file('sg-shape.json', '{"conversations": []}');
    expect(e006(() => loadPrompts(spec({ source: 'sharegpt', path: sgShape }))).message).toContain(
      'JSON array',
    );
    const empty = file('empty.jsonl', '\n\n');
    expect(e006(() => loadPrompts(spec({ source: 'jsonl', path: empty }))).message).toContain('no rows');
  });

  it('HellaSwag: a malformed JSON line is E006 naming file:line', () => {
    const hs = file('hellaswag-cut.jsonl', '{"ctx":"A man sits"}\n{"ctx": "cut\n{"ctx":"fine"}\n');
    const err = e006(() => loadPrompts(spec({ source: 'hellaswag', path: hs })));
    expect(err.message).toContain(`${hs}:2`);
    expect(err.message).toContain('malformed JSON');
    expect(err.issues[0]).toMatchObject({ file: hs, line: 2 });
  });

  it('ShareGPT: entries without a human turn are skipped; none usable at all is E006', () => {
    const conv = (...turns: [string, string][]) => ({
      conversations: turns.map(([from, value]) => ({ from, value })),
    });
    const mixed = file(
      'sg-mixed.json',
      JSON.stringify([conv(['gpt', 'orphan reply']), conv(['human', 'a question'], ['gpt', 'an answer'])]),
    );
    expect(all(spec({ source: 'sharegpt', path: mixed })).map((p) => p.prompt)).toEqual(['a question']);
    const none = file('sg-none.json', JSON.stringify([conv(['gpt', 'x']), conv(['system', 'y'])]));
    expect(e006(() => loadPrompts(spec({ source: 'sharegpt', path: none }))).message).toContain(
      'no conversation with a human turn',
    );
  });
});
