/**
 * The comparison page as a person sees it: two real runs against the simulator (the second with a larger
 * decode step), both with GPU power from the fake nvidia-smi, compared with `hpcbench compare --html`;
 * the page opened in headless Chromium: no console error, no network request, one coloured verdict cell
 * per compared figure (the JSON's), the slowdown drawn as an interval right of 0, energy figures marked
 * "needs repetitions", the unmatched suite entries and the method listed, every run's distribution
 * overlaid. A screenshot is kept in test-output/. Under CI=true a missing chromium fails.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, type PageElement, ReportBrowser } from '../helpers/browser.js';
import { onlyRunDir, recipe, runCli, Sandbox } from './helpers.js';

const missing = chromiumMissing();
if (missing) console.warn(`skipping the browser test of the comparison page: ${missing}`);
const OUT = join(process.cwd(), 'test-output');
const FAKE_GPU_DIR = fileURLToPath(new URL('../monitor/fixtures/fake-gpu', import.meta.url));

let box: Sandbox;
let browser: ReportBrowser | undefined;
const runs: Record<string, string> = {};

async function runWith(name: string, decodeStepMs: number, only: string) {
  const file = await box.writeRecipe(
    `${name}.yaml`,
    recipe(
      name,
      {
        duration: '4s',
        warmup: '1s',
        clients_per_node: 4,
        gen_tokens: 24,
        benchmark_suite: [{ name: 'c4' }, { name: only, clients_per_node: 1, duration: '1s' }],
      },
      {
        monitoring: { enabled: true, interval: 0.2 },
        servers: {
          health_check: { timeout: 20, interval: 0.2 },
          service_config: { decode_step_ms: decodeStepMs },
        },
      },
    ),
  );
  const res = await runCli(['run', file, '--results-dir', box.path(name), '--quiet'], {
    env: { PATH: `${FAKE_GPU_DIR}${delimiter}${process.env.PATH}`, FAKE_GPU_POWER: '300,150' },
    timeout: 180_000,
  });
  expect(res.exitCode, res.all).toBe(0);
  runs[name] = await onlyRunDir(box.path(name));
}

beforeAll(async () => {
  box = await Sandbox.create();
  await mkdir(OUT, { recursive: true });
  if (missing) return;
  browser = await ReportBrowser.launch();
  await runWith('base', 10, 'only_base');
  await runWith('slow', 16, 'only_slow');
}, 400_000);
afterAll(async () => {
  await browser?.close();
  await box?.close();
});

type Fig = {
  figure: string;
  verdict: string;
  change: number;
  ci: [number, number] | null;
  relative_undefined?: true;
};

const num = (e: PageElement, k: string) => Number(e.attrs[k]);

describe.skipIf(missing !== undefined)('hpcbench compare --html in headless Chromium', () => {
  it('shows each figure side by side with its change, interval and coloured verdict', async () => {
    const file = box.path('compare.html');
    const res = await runCli(['compare', runs.base, runs.slow, '--json', '--html', file]);
    expect(res.exitCode, res.all).toBe(0);
    expect((await stat(file)).size).toBeLessThan(3_000_000);
    const json = JSON.parse(res.stdout);
    const figs: Fig[] = json.comparisons[0].benchmarks[0].figures;
    const r = await browser!.open(file, join(OUT, 'compare.png'), [
      'td[data-verdict]',
      'tr[data-figure="itl.p50"] svg line.bar',
      'tr[data-figure="itl.p50"] svg line.zero',
      'ul.unmatched li',
      'p.method',
    ]);
    expect(r.consoleErrors).toEqual([]);
    expect(r.pageErrors).toEqual([]);
    expect(r.requests).toEqual([]);

    // one verdict cell per compared figure, in the JSON's order, coloured by its verdict
    const cells = r.elements['td[data-verdict]'];
    expect(cells.map((c) => c.attrs['data-verdict'])).toEqual(figs.map((f) => f.verdict));
    // a baseline of 0 (here the energy above idle) says that its change is the absolute difference
    for (const [i, f] of figs.entries())
      if (f.relative_undefined)
        expect(cells[i].text).toMatch(
          new RegExp(`^${f.verdict} \\(baseline [^:]+: relative change undefined, absolute shown\\)$`),
        );
      else expect(cells[i].text).toBe(f.verdict);
    for (const c of cells)
      expect(c.attrs.class).toBe(`verdict verdict-${c.attrs['data-verdict'].replace(/ /g, '-')}`);
    const verdict = (name: string) => figs.find((f) => f.figure === name)?.verdict;
    for (const name of ['itl.p50', 'tpot.p50', 'e2e.p50']) expect(verdict(name), name).toBe('worse');
    expect(verdict('energy.output_tokens_per_j')).toBe('needs repetitions');
    expect(figs.find((f) => f.figure === 'energy.output_tokens_per_j')?.change).toBeLessThan(0);
    expect(r.text).toMatch(/itl\.p50[\d.]+ms[\d.]+ms\+\d+\.\d%\[\+\d+\.\d%, \+\d+\.\d%\]/);

    // the slowdown's interval is drawn right of 0
    const [bar] = r.elements['tr[data-figure="itl.p50"] svg line.bar'];
    const [zero] = r.elements['tr[data-figure="itl.p50"] svg line.zero'];
    expect(num(bar, 'x1')).toBeGreaterThan(num(zero, 'x1'));
    // the bar spans the interval: zero width when every resample gave the same change (a deterministic
    // decode step can make ITL p50 one value in both runs)
    expect(num(bar, 'x2')).toBeGreaterThanOrEqual(num(bar, 'x1'));

    // unmatched entries and the method
    expect(r.elements['ul.unmatched li'].map((e) => e.text)).toEqual([
      'only in the baseline (not compared): only_base',
      'only in run 1 (not compared): only_slow',
    ]);
    const [method] = r.elements['p.method'];
    expect(method.text).toContain('95% confidence intervals');
    expect(method.text).toContain('1000 resamples');
    expect(method.text).toContain('needs repetitions');

    // the distributions of both runs overlaid, the slower run's ITL above the baseline's at the median
    for (const m of ['ttft', 'itl', 'tpot', 'e2e']) {
      const p = r.plots.find((x) => x.id === `d0-dist-${m}`);
      expect(p?.series, m).toEqual(['baseline', 'run 1']);
      expect(p?.values[0], m).toBeGreaterThan(3);
      expect(p?.values[1], m).toBe(p?.values[0]);
    }
    const itl = r.plots.find((x) => x.id === 'd0-dist-itl')!;
    const median = itl.data[0].findIndex((x) => Math.abs((x ?? 0) - Math.log10(2)) < 1e-6);
    expect(itl.data[2][median]).toBeGreaterThan((itl.data[1][median] ?? 0) * 1.3);
    expect(await readFile(file, 'utf8')).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
  }, 120_000);
});
