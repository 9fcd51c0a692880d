/**
 * The tables `hpcbench run` and `hpcbench orchestrate` print on stdout at the end of a run: the summary
 * (with its failed/degraded/skipped notes), the thresholds and the repetitions. Also printed before the
 * error line when the run ends on an error, for the benchmarks it reached.
 */
import { renderThresholdTable } from '../decide/evaluate.js';
import { renderRepetitionTable, summarizeRepetitions } from '../decide/repetitions.js';
import { renderSummaryTable } from '../report/summary-table.js';
import type { BenchmarkResult } from '../report/types.js';

export function writeRunTables(benchmarks: BenchmarkResult[], wide?: boolean): void {
  process.stdout.write(`\n${renderSummaryTable(benchmarks, { wide })}`);
  process.stdout.write(renderThresholdTable(benchmarks));
  process.stdout.write(renderRepetitionTable(summarizeRepetitions(benchmarks)));
}

/** The tables of a run that ended on an error, when it reached a benchmark (none: nothing to show). */
export function writeTablesBeforeError(benchmarks: BenchmarkResult[] | undefined, wide?: boolean): void {
  if (benchmarks?.some((b) => b.status !== 'pending')) writeRunTables(benchmarks, wide);
}
