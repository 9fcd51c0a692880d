/**
 * The tables `hpcbench run` and `hpcbench orchestrate` print on stdout at the end of a run: the summary
 * (with its failed/degraded/skipped notes), the thresholds, the capacity search and the repetitions. Also
 * printed before the error line when the run ends on an error, for the benchmarks it reached.
 */
import { renderThresholdTable } from '../decide/evaluate.js';
import { renderRepetitionTable, summarizeRepetitions } from '../decide/repetitions.js';
import { renderSearchText } from '../decide/search.js';
import { renderSummaryTable } from '../report/summary-table.js';
import type { RunResults } from '../report/types.js';

export function writeRunTables(results: Pick<RunResults, 'benchmarks' | 'search'>, wide?: boolean): void {
  process.stdout.write(`\n${renderSummaryTable(results.benchmarks, { wide })}`);
  process.stdout.write(renderThresholdTable(results.benchmarks));
  process.stdout.write(renderSearchText(results.search));
  process.stdout.write(renderRepetitionTable(summarizeRepetitions(results.benchmarks)));
}

/** The tables of a run that ended on an error, when it reached a benchmark (none: nothing to show). */
export function writeTablesBeforeError(results: RunResults | undefined, wide?: boolean): void {
  if (results?.benchmarks.some((b) => b.status !== 'pending')) writeRunTables(results, wide);
}
