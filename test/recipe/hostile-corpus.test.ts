/**
 * The hostile-recipe corpus: every file in test/fixtures/hostile/ plus the large or special ones generated
 * here (YAML bombs, deep nesting, UTF-16, FIFO and oversized datasets) is refused with E006 at the
 * expected file:line, naming the field and what is allowed, with no stack trace and without anything
 * started (`run` creates no results folder). Timeouts are generous bounds against hangs (a FIFO, /dev/zero),
 * not timing assertions.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BENCHMARKS, MAX_RECIPE_BYTES } from '../../src/contracts/caps.js';
import { ConfigValidationError, formatConfigIssue } from '../../src/errors.js';
import { checkRecipeFile, loadRecipe } from '../../src/recipe/index.js';
import { runCli } from '../helpers/cli.js';

const CORPUS = resolve('test/fixtures/hostile');

/** file → [line, field ('' for a document-level problem), what the message must say]. */
const EXPECTED: Record<string, [number, string, RegExp]> = {
  'allocation-users-huge.yaml': [
    9,
    'orchestration.node_allocation.clients.clients_per_node',
    /cap of 4096 .*--max-users/,
  ],
  'bad-indent.yaml': [6, '', /invalid YAML/],
  'client-nodes-huge.yaml': [9, 'orchestration.node_allocation.clients.nodes', /limit of 4096/],
  'concurrency-alias-huge.yaml': [7, 'workload.concurrency', /cap of 4096/],
  'dataset-dev-null.yaml': [7, 'workload.dataset', /\/dev\/null: not a regular file/],
  'dataset-dev-stdin.yaml': [7, 'workload.dataset', /\/dev\/stdin: .*not a regular file/],
  'dataset-dev-urandom-sweep.yaml': [8, 'workload.sweep.dataset[0]', /\/dev\/urandom: not a regular file/],
  'dataset-dev-zero.yaml': [7, 'workload.dataset', /\/dev\/zero: not a regular file/],
  'dataset-directory.yaml': [7, 'workload.dataset', /is a directory/],
  'duplicate-key.yaml': [7, '', /keys must be unique/],
  'duration-8-days.yaml': [6, 'workload.duration', /longest allowed duration \(604800 s = 7d\)/],
  'duration-huge.yaml': [6, 'workload.duration', /longest allowed duration/],
  'duration-list.yaml': [6, 'workload.duration', /expected a duration/],
  'duration-negative.yaml': [6, 'workload.duration', /expected a duration/],
  'duration-words.yaml': [6, 'workload.duration', /expected a duration/],
  'duration-zero-seconds.yaml': [6, 'workload.duration', /0 s measures nothing: give a duration > 0/],
  'duration-zero.yaml': [6, 'workload.duration', /0 s measures nothing/],
  'gen-tokens-dist-huge.yaml': [7, 'workload.gen_tokens.max', /limit of 1000000/],
  'json-comment.json': [2, '', /strict JSON/],
  'json-nan.json': [3, '', /strict JSON/],
  'json-single-quotes.json': [2, '', /strict JSON/],
  'json-trailing-comma.json': [3, '', /strict JSON: no comments, no trailing commas/],
  'json-trailing-garbage.json': [2, '', /strict JSON/],
  'json-unquoted-key.json': [3, '', /strict JSON/],
  'json-yaml-syntax.json': [1, '', /strict JSON/],
  'max-concurrency-huge.yaml': [8, 'workload.max_concurrency', /cap of 8192 .*--max-concurrency/],
  'multiple-documents.yaml': [7, '', /multiple documents/],
  'num-threads-huge.yaml': [7, 'workload.num_threads', /cap of 4096/],
  'prompt-len-huge.yaml': [7, 'workload.prompt_len', /limit of 1000000/],
  'request-timeout-huge.yaml': [7, 'workload.request_timeout', /longest allowed duration/],
  'suite-duration-zero.yaml': [10, 'workload.benchmark_suite[1].duration', /0 s measures nothing/],
  'suite-rps-huge.yaml': [
    11,
    'workload.benchmark_suite[1].target_rps',
    /ceiling of 20,000 req\/s .*--max-rps/,
  ],
  'sweep-duration-zero.yaml': [8, 'workload.sweep.duration[1]', /0 s measures nothing/],
  'sweep-users-huge.yaml': [8, 'workload.sweep.clients_per_node[1]', /cap of 4096/],
  'tab-indent.yaml': [7, '', /Tabs are not allowed/],
  'tag-binary.yaml': [6, '', /unsupported YAML tag !!binary/],
  'tag-custom-map.yaml': [7, '', /unsupported YAML tag !custom/],
  'tag-include.yaml': [7, '', /unsupported YAML tag !include/],
  'tag-js-function.yaml': [6, '', /unsupported YAML tag !!js\/function: recipes are plain YAML or JSON/],
  'tag-js-regexp.yaml': [7, '', /unsupported YAML tag !!js\/regexp/],
  'tag-python.yaml': [7, '', /unsupported YAML tag !!python\/object/],
  'target-rps-huge.yaml': [7, 'workload.target_rps', /req\/s per executor is above the ceiling/],
  'top-level-list.yaml': [1, '', /a recipe is a mapping/],
  'top-level-scalar.yaml': [1, '', /a recipe is a mapping/],
  'typo-client-per-node.yaml': [7, 'workload.client_per_node', /did you mean "clients_per_node"/],
  'typo-durration.yaml': [6, 'workload.durration', /did you mean "duration"/],
  'typo-max-concurency.yaml': [8, 'workload.max_concurency', /did you mean "max_concurrency"/],
  'typo-node-alocation.yaml': [8, 'orchestration.node_alocation', /did you mean "node_allocation"/],
  'typo-suite-entry.yaml': [
    9,
    'workload.benchmark_suite[0].client_per_node',
    /did you mean "clients_per_node"/,
  ],
  'typo-target-rsp.yaml': [7, 'workload.target_rsp', /did you mean "target_rps"/],
  'typo-warmpu.yaml': [7, 'workload.warmpu', /did you mean "warmup"/],
  'unclosed-flow.yaml': [8, '', /invalid YAML/],
  'unclosed-quote.yaml': [8, '', /Missing closing "quote/],
  'users-1e9.yaml': [
    7,
    'workload.clients_per_node',
    /1000000000 users per executor is above the cap of 4096/,
  ],
  'users-20000.yaml': [7, 'workload.clients_per_node', /cap of 4096/],
  'users-float.yaml': [7, 'workload.clients_per_node', /whole number/],
  'users-string.yaml': [7, 'workload.clients_per_node', /whole number/],
  'warmup-30-days.yaml': [7, 'workload.warmup', /longest allowed duration/],
};

const HEAD = 'scenario: hostile\nworkload:\n  service: dummy\n  duration: 10s\n';
let gen: string;
/** Generated at test time (large, binary or special files): name → [line, field, message]. */
const GENERATED: Record<string, [number, string, RegExp]> = {
  'alias-bomb.yaml': [3, '', /too many alias expansions .*at most 1000/],
  'deep-flow.yaml': [2, '', /nesting too deep: a recipe nests at most 32/],
  'deep-block.yaml': [34, '', /nesting too deep/],
  'deep-parser-limit.yaml': [2, '', /nesting too deep/],
  'utf16le-bom.yaml': [1, '', /UTF-16 .*save the recipe as UTF-8/],
  'utf16be-bom.yaml': [1, '', /UTF-16 .*save the recipe as UTF-8/],
  'utf16-no-bom.yaml': [1, '', /NUL byte .*UTF-16/],
  'utf32-bom.yaml': [1, '', /UTF-32/],
  'latin1.yaml': [2, '', /invalid UTF-8 at byte/],
  'binary.yaml': [1, '', /NUL byte/],
  'oversized.yaml': [1, '', new RegExp(`above the limit of ${MAX_RECIPE_BYTES} bytes`)],
  'recipe-fifo.yaml': [1, '', /not a regular file/],
  'dataset-fifo.yaml': [5, 'workload.dataset', /not a regular file \(a device, FIFO or socket\)/],
  'dataset-symlink-zero.yaml': [5, 'workload.dataset', /not a regular file/],
  'dataset-oversized.yaml': [5, 'workload.dataset', /above the dataset size limit/],
  'sweep-too-many.yaml': [6, 'workload.sweep', new RegExp(`above the limit of ${MAX_BENCHMARKS}`)],
};

beforeAll(async () => {
  gen = await mkdtemp(join(tmpdir(), 'hpcbench-hostile-'));
  const w = (name: string, data: string | Buffer) => writeFile(join(gen, name), data);
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [i, c] of [...'bcdefghi'].entries()) {
    const prev = String.fromCharCode(97 + i);
    laughs.push(`${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  await w('alias-bomb.yaml', `scenario: bomb\n${laughs.join('\n')}\n`);
  await w('deep-flow.yaml', `scenario: deep\nx: ${'['.repeat(200)}${']'.repeat(200)}\n`);
  await w(
    'deep-block.yaml',
    `scenario: deep\n${Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')} 1\n`,
  );
  await w('deep-parser-limit.yaml', `scenario: deep\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
  const text = `${HEAD}  clients_per_node: 2\n`;
  await w('utf16le-bom.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  await w('utf16be-bom.yaml', Buffer.from(`\ufeff${text}`, 'utf16le').swap16());
  await w('utf16-no-bom.yaml', Buffer.from(text, 'utf16le'));
  await w('utf32-bom.yaml', Buffer.from([0x00, 0x00, 0xfe, 0xff, 0, 0, 0, 0x73]));
  await w('latin1.yaml', Buffer.from('scenario: t\nmodel: caf\xe9\n', 'latin1'));
  await w('binary.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]));
  await w('oversized.yaml', `${HEAD}# ${'x'.repeat(MAX_RECIPE_BYTES)}\n`);
  execFileSync('mkfifo', [join(gen, 'recipe-fifo.yaml'), join(gen, 'prompts.fifo')]);
  await w('dataset-fifo.yaml', `${HEAD}  dataset: prompts.fifo\n`);
  await symlink('/dev/zero', join(gen, 'zero.jsonl'));
  await w('dataset-symlink-zero.yaml', `${HEAD}  dataset: zero.jsonl\n`);
  await w('big.jsonl', '');
  await truncate(join(gen, 'big.jsonl'), 600 * 1024 * 1024); // sparse: no disk used
  await w('dataset-oversized.yaml', `${HEAD}  dataset: big.jsonl\n`);
  const values = (n: number) => `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;
  await w(
    'sweep-too-many.yaml',
    `${HEAD}  sweep:\n    clients_per_node: ${values(101)}\n    seed: ${values(100)}\n`,
  );
});
afterAll(async () => {
  if (gen) await rm(gen, { recursive: true, force: true });
});

const STACK = /\n\s+at .+[:(]\d+/;

function expectRefused(
  file: string,
  issues: Awaited<ReturnType<typeof checkRecipeFile>>['issues'],
  want: [number, string, RegExp],
) {
  const [line, path, match] = want;
  const errors = issues.filter((i) => i.severity === 'error');
  const hit = errors.find((i) => i.line === line && i.path === path && match.test(i.message));
  expect(
    hit,
    `${file}: expected an error at line ${line} (${path || 'document'}) matching ${match}; got\n${errors.map(formatConfigIssue).join('\n')}`,
  ).toBeDefined();
  expect(hit?.file).toBe(file);
  expect(formatConfigIssue(hit!)).toMatch(
    new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: error: `),
  );
  for (const i of errors) expect(i.message).not.toMatch(STACK);
}

describe('hostile recipes: every one is E006 at its line, naming the field and what is allowed', () => {
  it('the corpus has at least 50 files and each has an expectation', () => {
    const files = readdirSync(CORPUS).sort();
    expect(files.length + Object.keys(GENERATED).length).toBeGreaterThanOrEqual(50);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))(
    '%s',
    async (name) => {
      const file = join(CORPUS, name);
      const check = await checkRecipeFile(file, { checkDatasets: true });
      expect(check.recipe).toBeUndefined();
      expectRefused(file, check.issues, EXPECTED[name]);
      const err = await loadRecipe(file, { checkDatasets: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigValidationError);
      expect((err as ConfigValidationError).code).toBe('E006');
    },
    20_000,
  );

  it.each(Object.keys(GENERATED))(
    'generated: %s',
    async (name) => {
      const file = join(gen, name);
      const check = await checkRecipeFile(file, { checkDatasets: true });
      expect(check.recipe).toBeUndefined();
      expectRefused(file, check.issues, GENERATED[name]);
    },
    20_000,
  );

  it('a UTF-8 byte order mark is accepted', async () => {
    const file = join(gen, 'bom.yaml');
    await writeFile(file, `\ufeff${HEAD}  warmup: 0s\n`);
    const check = await checkRecipeFile(file);
    expect(check.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(check.recipe?.scenario).toBe('hostile');
  });

  it('duration 0 is allowed with max_requests (no time limit, stop after N requests)', async () => {
    const file = join(gen, 'until-n.yaml');
    await writeFile(
      file,
      'scenario: t\nworkload:\n  service: dummy\n  duration: 0\n  warmup: 0s\n  max_requests: 50\n',
    );
    const check = await checkRecipeFile(file);
    expect(check.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});

describe('hostile recipes through the CLI: E006, no stack trace, nothing started', () => {
  it('validate: every corpus file at once → exit 1, each file:line listed, no stack trace', async () => {
    const files = [
      ...Object.keys(EXPECTED).map((f) => join(CORPUS, f)),
      ...Object.keys(GENERATED).map((f) => join(gen, f)),
    ];
    const r = await runCli(['validate', ...files], { timeout: 120_000 });
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(/^E006: /m);
    expect(String(r.all)).not.toMatch(STACK);
    expect(String(r.all)).not.toMatch(/internal error|ReferenceError|RangeError/);
    for (const [name, [line]] of Object.entries(EXPECTED))
      expect(String(r.stdout)).toContain(`${join(CORPUS, name)}:${line}:`);
    for (const [name, [line]] of Object.entries(GENERATED))
      expect(String(r.stdout)).toContain(`${join(gen, name)}:${line}:`);
  }, 180_000);

  it.each(['alias-bomb.yaml', 'dataset-fifo.yaml', 'recipe-fifo.yaml', 'deep-parser-limit.yaml'])(
    'run %s → E006 before anything starts (no results folder)',
    async (name) => {
      const results = join(gen, `results-${name}`);
      const r = await runCli(['run', '--results-dir', results, join(gen, name)], { timeout: 60_000 });
      expect(r.exitCode).toBe(1);
      expect(String(r.stderr)).toMatch(/^E006: /m);
      expect(String(r.all)).not.toMatch(STACK);
      expect(existsSync(results)).toBe(false);
    },
    90_000,
  );

  it.each([
    'typo-client-per-node.yaml',
    'duration-zero.yaml',
    'users-1e9.yaml',
    'tag-js-function.yaml',
    'json-trailing-comma.json',
  ])(
    'run %s → E006 at its line (no results folder)',
    async (name) => {
      const results = join(gen, `results-${name}`);
      const r = await runCli(['run', '--results-dir', results, join(CORPUS, name)], { timeout: 60_000 });
      expect(r.exitCode).toBe(1);
      expect(String(r.stderr)).toContain(`${join(CORPUS, name)}:${EXPECTED[name][0]}:`);
      expect(String(r.all)).not.toMatch(STACK);
      expect(existsSync(results)).toBe(false);
    },
    90_000,
  );
});

describe('--strict and --quiet', () => {
  it('run --strict: a warning is E006 before anything starts', async () => {
    const file = join(gen, 'warns.yaml');
    await writeFile(
      file,
      'scenario: t\nworkload:\n  service: dummy\n  duration: 10s\n  warmup: 0s\n  frobnicate: 1\n',
    );
    const results = join(gen, 'results-strict');
    await mkdir(results);
    const r = await runCli(['run', '--strict', '--results-dir', results, file], { timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(/warns\.yaml:6:3: error: workload\.frobnicate: unknown key/);
    expect(readdirSync(results)).toEqual([]);
  }, 90_000);
});
