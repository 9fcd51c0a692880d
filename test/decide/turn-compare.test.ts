/**
 * compare of two multi-turn session runs (results folders made in-process, test/decide/fake-run.ts: the same
 * requests, the later turns of the second run 30% slower): the first and last turn index are headline
 * figures and every turn index is a row of the per-turn table, with bootstrap intervals from the records'
 * `turn` and verdicts like the other figures; the prompt tokens per turn are a workload figure (a
 * significant change `differs`, never a regression). Text, JSON (`hpcbench compare --json`) and HTML.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompareOptions,
  compareRuns,
  type FigureComparison,
  regressions,
} from '../../src/decide/compare.js';
import { renderComparison, renderComparisonMarkdown } from '../../src/decide/compare-render.js';
import { readRun } from '../../src/results-folder/index.js';
import { runCli } from '../e2e/helpers.js';
import { BASE, type Model, writeRun } from './fake-run.js';

let tmp: string;
let n = 0;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'hpcbench-turn-compare-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const opts: CompareOptions = { confidence: 0.95, resamples: 400, seed: 3, minChange: 0 };
/** 4-turn sessions, 1000 measured ok turns per turn index. */
const SESSIONS: Model = { ...BASE, requests: 4000, turns: 4 };
const dirOf = async (m: Model) => writeRun(join(tmp, `run${n++}`), { chat: { model: m, seed: 11 } });

const fig = (list: readonly FigureComparison[], name: string) => {
  const f = list.find((x) => x.figure === name);
  if (!f) throw new Error(`no figure ${name}`);
  return f;
};

describe('compare of multi-turn session runs', () => {
  it('judges the first and last turn among the headline figures and every turn index in the per-turn table', async () => {
    const a = await dirOf(SESSIONS);
    const b = await dirOf({ ...SESSIONS, laterScale: 1.3 });
    const c = await compareRuns(await readRun(a), await readRun(b), opts);
    const bench = c.benchmarks[0];

    // the first turn is unchanged, the last 30% slower
    for (const name of ['turn_first.ttft.p50', 'turn_first.e2e.p99', 'turn_first.tpot.p50']) {
      expect(fig(bench.figures, name).verdict, name).toBe('no significant difference');
      expect(Math.abs(fig(bench.figures, name).change ?? 1)).toBeLessThan(0.005);
    }
    for (const name of [
      'turn_last.ttft.p50',
      'turn_last.ttft.p99',
      'turn_last.e2e.p50',
      'turn_last.e2e.p99',
    ]) {
      const f = fig(bench.figures, name);
      expect(f.verdict, name).toBe('worse');
      expect(f.interval).toBe('bootstrap');
      expect(f.change).toBeCloseTo(0.3, 1);
      const [lo, hi] = f.ci ?? [0, 0];
      expect(lo).toBeLessThan(0.3);
      expect(hi).toBeGreaterThan(0.3);
    }

    // every turn index, its requests on both sides
    const turns = bench.per_turn ?? [];
    expect(turns.map((t) => t.turn)).toEqual([1, 2, 3, 4]);
    for (const t of turns) {
      expect(t.requests).toEqual([1000, 1000]);
      expect(t.figures.map((f) => f.figure)).toEqual([
        'ttft.p50',
        'ttft.p99',
        'tpot.p50',
        'e2e.p50',
        'e2e.p99',
        'prompt_tokens.mean',
      ]);
      const ttft = fig(t.figures, 'ttft.p50');
      expect(ttft.verdict, `turn ${t.turn}`).toBe(t.turn === 1 ? 'no significant difference' : 'worse');
      // the same conversations: the prompt tokens of each turn unchanged (64 per turn)
      const tokens = fig(t.figures, 'prompt_tokens.mean');
      expect(tokens.baseline).toBe(64 * t.turn);
      expect(tokens.change).toBe(0);
      expect(tokens.verdict).toBe('no significant difference');
    }

    // --fail-on-regression judges the headline turn figures, not the per-turn rows
    const worse = regressions([c], 0.05).map((r) => r.figure);
    expect(worse).toContain('turn_last.ttft.p50');
    expect(worse.some((f) => f.startsWith('turn_first'))).toBe(false);

    const text = renderComparison([c], 0.95);
    expect(text).toMatch(/per turn of the multi-turn sessions/);
    expect(text).toMatch(/^turn\s+requests\s+figure\s+baseline\s+run\s+change\s+interval\s+verdict$/m);
    expect(text).toMatch(/^4\s+1000 \/ 1000\s+ttft\.p50\s+\S+ms\s+\S+ms\s+\+30\.\d%\s+\[.*\]\s+worse$/m);
    expect(text).toMatch(/^turn_last\.ttft\.p50\s.*worse$/m);
    expect(renderComparisonMarkdown([c], 0.95)).toMatch(
      /\| 1 \| 1000 \/ 1000 \| prompt_tokens\.mean \| 64 \|/,
    );
  });

  it('a different growth of the conversations differs, and is no regression', async () => {
    const a = await dirOf(SESSIONS);
    const b = await dirOf({ ...SESSIONS, promptPerTurn: 80 });
    const c = await compareRuns(await readRun(a), await readRun(b), opts);
    for (const t of c.benchmarks[0].per_turn ?? []) {
      const tokens = fig(t.figures, 'prompt_tokens.mean');
      expect(tokens.value).toBe(80 * t.turn);
      expect(tokens.change).toBeCloseTo(0.25, 6);
      expect(tokens.verdict).toBe('differs');
    }
    expect(regressions([c], 0).some((r) => r.figure.includes('prompt_tokens'))).toBe(false);
  });

  it('runs without sessions have no turn figures', async () => {
    const a = await dirOf(BASE);
    const c = await compareRuns(await readRun(a), await readRun(a), opts);
    expect(c.benchmarks[0].per_turn).toBeUndefined();
    expect(c.benchmarks[0].figures.some((f) => f.figure.startsWith('turn_'))).toBe(false);
    expect(renderComparison([c], 0.95)).not.toMatch(/per turn/);
  });

  it('hpcbench compare --json and --html carry the per-turn figures', async () => {
    const a = await dirOf(SESSIONS);
    const b = await dirOf({ ...SESSIONS, laterScale: 1.3 });
    const html = join(tmp, 'cmp.html');
    const r = await runCli(['compare', a, b, '--json', '--resamples', '200', '--html', html]);
    expect(r.exitCode, r.all).toBe(0);
    const bench = JSON.parse(r.stdout).comparisons[0].benchmarks[0];
    expect(bench.figures.map((f: FigureComparison) => f.figure)).toContain('turn_last.e2e.p99');
    expect(bench.per_turn.map((t: { turn: number }) => t.turn)).toEqual([1, 2, 3, 4]);
    expect(bench.per_turn[3].figures[0]).toMatchObject({ figure: 'ttft.p50', verdict: 'worse' });
    const page = await readFile(html, 'utf8');
    expect(page).toMatch(/Per turn \(multi-turn sessions\)/);
    expect(page).toMatch(/<tr data-figure="ttft\.p50" data-turn="4">.*?data-verdict="worse"/);
    expect(page).toMatch(/<tr data-figure="prompt_tokens\.mean" data-turn="1">/);
  }, 60_000);
});
