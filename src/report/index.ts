/** The results folder and the terminal/Markdown summaries. */
export { createResultsDir, resultsDirName, utcStamp } from './results-dir.js';
export { ResultsWriter } from './results-writer.js';
export { renderSummaryMarkdown, renderSummaryTable, summaryRows } from './summary-table.js';
export { TIMESERIES_HEADER, timeseriesCsv } from './timeseries.js';
export type {
  BenchmarkResult,
  BenchmarkStatus,
  ErrorInfo,
  RunRecord,
  RunResults,
  RunStatus,
} from './types.js';
