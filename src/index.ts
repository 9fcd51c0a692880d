/**
 * hpcbench's programmatic API: the seed's classes (the first, Python version's API — see
 * docs/architecture.md, "Terms"), the recipe, results and metrics types, and the functions the docs
 * show. Internal helpers are not exported: paths under dist/ are not a stable API.
 */

// The contracts: the workload (schemas and types), the request record, the metrics snapshot and the
// executor's REST shapes (the seed's JSON answers)
export type * from './contracts/index.js';
export {
  loadSchema,
  serviceCapabilitiesSchema,
  startRequestSchema,
  TOKEN_ENV,
  workloadSpecSchema,
} from './contracts/index.js';
// Workload controller and executor (the executor's REST shapes are the seed's JSON answers)
export type {
  AggregatedMetrics,
  ClientMetrics,
  ExecutorStatus,
  ExecutorTarget,
  StartOptions,
  WorkloadConfig,
  WorkloadControllerOptions,
} from './controller/index.js';
export { BaseWorkloadController } from './controller/index.js';
// Decisions over finished runs: compare with intervals, thresholds, repetitions, the figure registry
export {
  type BenchmarkComparison,
  CONNECTION_HEADLINE,
  type CompareOptions,
  compareRuns,
  DEFAULT_COMPARE,
  ENERGY_HEADLINE,
  type FigureComparison,
  HEADLINE,
  type RunComparison,
  regressions,
  type Verdict,
} from './decide/compare.js';
export { renderComparison, renderComparisonMarkdown } from './decide/compare-render.js';
export { evaluateThresholds, failedThresholds, renderThresholdTable } from './decide/evaluate.js';
export {
  FIGURES,
  type Figure,
  type FigureSources,
  figure,
  figureSource,
  type SummaryFile,
} from './decide/figures.js';
export {
  type RepetitionFigure,
  type RepetitionSummary,
  summarizeRepetitions,
} from './decide/repetitions.js';
export { type ParsedThreshold, parseThreshold, type Threshold } from './decide/threshold.js';
// Errors (E001–E008) and exit codes
export * from './errors.js';
export type { LoadEngine, LoadRunLike, PreparedLoadLike, WorkloadExecutorOptions } from './executor/index.js';
export { BaseWorkloadExecutor } from './executor/index.js';
export { EXIT_CODES, exitCodeForStatus } from './exit-codes.js';
export { type LaunchCommand, registerLaunchCommand } from './launch/commands/index.js';
export {
  defaultUser,
  type LoadOptions,
  type LoadRun,
  type MeasureFn,
  type RunUser,
  startLoad,
  type UserContext,
} from './loadgen/index.js';
export {
  BaseLogCollector,
  type CollectionResult,
  type LoggingSettings,
  type LogSource,
  type LogSourceInput,
  parseLoggingConfig,
  type SeedLogSource,
  TailerLogCollector,
  toLogSource,
} from './logs/index.js';
export { MetricsRecorder, mergeSnapshots, summarize, toExecutorMetrics } from './metrics/index.js';
// Metrics: snapshots, exact merge, summaries
export type * from './metrics/types.js';
// Monitoring and logs
export { Monitor, type MonitorOptions, type SeedMonitorOptions } from './monitor/index.js';
// The orchestrator and its typed events
export type {
  BenchmarkProgressEvent,
  BenchmarkStartEvent,
  HookContext,
  OrchestratorEvents,
  OrchestratorOptions,
  PhaseEvent,
  PhaseName,
  RunPlan,
  Stoppable,
} from './orchestrator/index.js';
export { Orchestrator, OrchestratorEmitter, RunInterrupted } from './orchestrator/index.js';
// Recipes
export {
  type BenchmarkEntry,
  type BenchmarkPlan,
  expandBenchmarks,
  type LoadedRecipe,
  loadRecipe,
  parseRecipeText,
  type Recipe,
  type RecipeCheck,
  type RecipeInput,
  type RecipeOptions,
  type ResourceConfig,
  recipeJsonSchema,
  recipeSchema,
  resolveRecipe,
  type Sweep,
  seconds,
  validateRecipeFile,
  type Workload,
} from './recipe/index.js';
// Results: what a run returns, and a results folder read back
export type * from './report/types.js';
export {
  type CsvTable,
  type MonitorFile,
  parseCsv,
  type ReadRunOptions,
  type RunBenchmark,
  type RunFolder,
  readRun,
} from './results-folder/index.js';
export type * from './results-folder/types.js';
export type * from './serverstats/types.js';
// The simulated inference server
export {
  type DummyConfig,
  type DummyServer,
  type DummyServerOptions,
  parseDummyConfig,
  startDummyServer,
} from './services/dummy/sim/index.js';
export type {
  DistributedConfig,
  HealthCheckConfig,
  PluginApi,
  PrepareProgress,
  RayConfig,
  ServerManagerConfig,
  ServerManagerOptions,
  ServiceConfig,
} from './services/index.js';
// Services: the factory, the base classes a plugin extends, the built-in services and their config types
export {
  BaseServerManager,
  DummyServerManager,
  DummyWorkloadController,
  DummyWorkloadExecutor,
  LlamacppServerManager,
  LlamacppWorkloadController,
  LlamacppWorkloadExecutor,
  OllamaServerManager,
  OllamaWorkloadController,
  OllamaWorkloadExecutor,
  OpenAiServerManager,
  ServiceFactory,
  VllmServerManager,
  VllmWorkloadController,
  VllmWorkloadExecutor,
} from './services/index.js';
export type * from './services/registry-types.js';
export { VERSION } from './version.js';
