/**
 * `hpcbench check RUN_DIR [--threshold COND]...`: evaluates thresholds on a finished run (every
 * benchmark), prints the pass/fail table and exits 99 when one fails. Without --threshold, the
 * conditions the recipe gave each benchmark (kept in its summary.json) are evaluated again. A run figure
 * (`search.capacity_rps >= 18`: the capacity search's answer) is evaluated once, as the row `search`.
 */
import type { Command } from '@commander-js/extra-typings';
import { evaluateThresholds, failedThresholds, renderThresholdTable } from '../decide/evaluate.js';
import { figureSource } from '../decide/figures.js';
import { parseThreshold } from '../decide/threshold.js';
import { type ConfigIssue, ConfigValidationError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { effectiveStatus, readRun } from '../results-folder/index.js';

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command): void {
  program
    .command('check')
    .description("evaluate thresholds on a finished run's figures; exit 99 when one fails")
    .argument('<run-dir>', 'results folder of the run')
    .option('--threshold <condition>', "a condition such as 'ttft.p99 < 500ms' (repeatable)", collect, [])
    .option('--json', 'print the results as JSON instead of a table')
    .action(async (dir, opts) => {
      const issues: ConfigIssue[] = opts.threshold.flatMap((c, i) => {
        const p = parseThreshold(c);
        return p.ok ? [] : [{ severity: 'error' as const, path: `--threshold[${i}]`, message: p.message }];
      });
      if (issues.length) throw new ConfigValidationError('invalid --threshold', issues);
      const run = await readRun(dir, { requireSummaries: true });
      // a run figure (search.capacity_rps) is checked once, on the run's capacity search: row `search`
      const isRun = (c: string) => {
        const p = parseThreshold(c);
        return p.ok && p.threshold.figure.scope === 'run';
      };
      const runConditions = opts.threshold.filter(isRun);
      const perBenchmark = opts.threshold.filter((c) => !isRun(c));
      const benchmarks =
        perBenchmark.length || !opts.threshold.length
          ? run.benchmarks.map((b) => {
              const conditions = opts.threshold.length
                ? perBenchmark
                : (b.thresholds ?? []).map((t) => t.condition);
              return {
                name: b.name,
                status: String(b.status),
                thresholds: evaluateThresholds(conditions, figureSource(b)),
              };
            })
          : [];
      if (runConditions.length)
        benchmarks.push({
          name: 'search',
          status: run.search ? run.search.status : 'no capacity search',
          thresholds: evaluateThresholds(runConditions, { search: run.search }),
        });
      // a run that did not complete is checked on what it measured, and says so
      const state = effectiveStatus(run.run);
      if (!benchmarks.some((b) => b.thresholds.length))
        throw new ConfigValidationError(`no thresholds to check in ${dir}`, [
          {
            severity: 'error',
            path: '--threshold',
            message:
              "the run's recipe had no thresholds: give at least one, e.g. --threshold 'ttft.p99 < 500ms'",
          },
        ]);
      const failed = failedThresholds(benchmarks);
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ run: dir, status: state.status, ...(state.note ? { status_note: state.note } : {}), failed, benchmarks }, null, 2)}\n`,
        );
      else {
        process.stdout.write(renderThresholdTable(benchmarks));
        if (state.status !== 'completed')
          process.stdout.write(
            `note: the run is ${state.status}${state.note ? ` (${state.note})` : ''}: checked on what it measured\n`,
          );
        for (const b of benchmarks)
          if (b.name === 'search' && runConditions.length)
            process.stdout.write(
              run.search
                ? `note: capacity search ${run.search.status}: ${run.search.text}\n`
                : `note: ${dir} has no capacity search (workload.search): its figures have no value\n`,
            );
          else if (b.status !== 'completed' && b.thresholds.length)
            process.stdout.write(`note: benchmark ${b.name} is ${b.status}\n`);
      }
      if (failed) process.exitCode = EXIT_CODES.thresholds;
    });
}
