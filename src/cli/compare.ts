/**
 * `hpcbench compare RUN_A RUN_B [RUN_C...]`: each run against the first, benchmark by benchmark, with
 * confidence intervals from the raw records (or the repetitions) and a verdict per headline figure.
 * `--fail-on-regression 5%` exits 99 when a figure is significantly worse by more than the tolerance.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import { type CompareOptions, compareRuns, DEFAULT_COMPARE, regressions } from '../decide/compare.js';
import { renderComparison, renderComparisonMarkdown } from '../decide/compare-render.js';
import { ConfigValidationError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { renderComparisonHtml } from '../report/compare-html.js';
import { reportAssets } from '../report/html-assets.js';
import { readRun } from '../results-folder/index.js';

function fraction(flag: string, text: string, min: number, max: number): number {
  const t = text.trim();
  const v = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  if (!Number.isFinite(v) || v < min || v > max)
    throw new ConfigValidationError(`invalid ${flag}`, [
      {
        severity: 'error',
        path: flag,
        message: `'${text}': expected a percentage such as 5% or a fraction such as 0.05 (${min}–${max})`,
      },
    ]);
  return v;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare runs benchmark by benchmark with confidence intervals: each run against the first')
    .argument('<baseline>', 'results folder of the baseline run')
    .argument('<runs...>', 'results folders of the runs to compare with it')
    .option('--confidence <level>', 'two-sided confidence level of the intervals', '95%')
    .option('--resamples <n>', 'bootstrap resamples per run and benchmark', String(DEFAULT_COMPARE.resamples))
    .option('--seed <n>', 'seed of the bootstrap', String(DEFAULT_COMPARE.seed))
    .option('--min-change <pct>', 'relative changes below this are never better/worse', '0%')
    .option('--fail-on-regression <pct>', 'exit 99 when a figure is significantly worse by more than this')
    .option('--json', 'print the comparison as JSON')
    .option('--markdown <file>', 'also write the comparison as markdown to this file')
    .option('--html <file>', 'also write the comparison as a self-contained HTML page to this file')
    .action(async (baseline, runs, opts) => {
      const resamples = Number(opts.resamples);
      if (!Number.isInteger(resamples) || resamples < 100 || resamples > 100_000)
        throw new ConfigValidationError('invalid --resamples', [
          {
            severity: 'error',
            path: '--resamples',
            message: `'${opts.resamples}': expected a whole number 100–100000`,
          },
        ]);
      const options: CompareOptions = {
        confidence: fraction('--confidence', opts.confidence, 0.5, 0.999),
        resamples,
        seed: Number.isInteger(Number(opts.seed)) ? Number(opts.seed) : DEFAULT_COMPARE.seed,
        minChange: fraction('--min-change', opts.minChange, 0, 1),
      };
      const tolerance =
        opts.failOnRegression === undefined
          ? undefined
          : fraction('--fail-on-regression', opts.failOnRegression, 0, 10);
      const base = await readRun(baseline, { arg: '<baseline>', requireSummaries: true });
      const folders = [base];
      const list = [];
      for (const dir of runs) {
        const run = await readRun(dir, { arg: '<runs>', requireSummaries: true });
        folders.push(run);
        list.push(await compareRuns(base, run, options));
      }
      const worse = tolerance === undefined ? [] : regressions(list, tolerance);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ method: { ...options, tolerance: tolerance ?? null }, comparisons: list, regressions: worse }, null, 2)}\n`,
        );
      } else process.stdout.write(renderComparison(list, options.confidence));
      if (opts.markdown) await writeFile(opts.markdown, renderComparisonMarkdown(list, options.confidence));
      if (opts.html) {
        const page = { runs: folders, comparisons: list, options, tolerance, regressions: worse };
        await writeFile(opts.html, renderComparisonHtml(page, reportAssets()));
      }
      if (worse.length) {
        process.stderr.write(
          `${worse.length} figure(s) significantly worse by more than ${(100 * (tolerance ?? 0)).toFixed(1)}%: ${worse
            .map((w) => `${w.benchmark} ${w.figure}`)
            .join(', ')}: exit 99\n`,
        );
        process.exitCode = EXIT_CODES.thresholds;
      }
    });
}
