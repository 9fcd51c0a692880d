/** The results folder: its naming, the shapes of its shared files, and reading a finished one back. */
export { type CsvTable, parseCsv } from './csv.js';
export { createResultsDir, resultsDirName, utcStamp } from './naming.js';
export {
  type MonitorFile,
  type ReadRunOptions,
  type RunBenchmark,
  type RunFolder,
  readRun,
} from './read-run.js';
export {
  effectiveStatus,
  type OrchestratorState,
  orchestratorIdentified,
  orchestratorState,
  processIdentity,
} from './run-state.js';
export type * from './types.js';
