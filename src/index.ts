/** hpcbench's programmatic API. */

export * from './controller/index.js';
export * from './errors.js';
export * from './executor/index.js';
export type * from './executor/protocol.js';
export * from './exit-codes.js';
export { type LaunchCommand, registerLaunchCommand, serverLaunchCommand } from './launch/commands/index.js';
export { apptainerExecArgv, apptainerPullArgv, containerFor } from './launch/containers.js';
export * from './launch/local/index.js';
export * from './launch/ray/index.js';
export * from './launch/slurm/index.js';
export * from './loadgen/index.js';
export type * from './loadgen/spec.js';
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
export * from './metrics/index.js';
export type * from './metrics/types.js';
export {
  deletePushgatewayGroups,
  deleteRunGroups,
  Monitor,
  type MonitorOptions,
  type SeedMonitorOptions,
  startExecutorPush,
  startRunMonitoring,
  startServerMetricsScraper,
} from './monitor/index.js';
export * from './orchestrator/index.js';
export * from './recipe/index.js';
export * from './report/index.js';
export * from './serverstats/index.js';
export {
  type DummyConfig,
  type DummyServer,
  type DummyServerOptions,
  parseDummyConfig,
  startDummyServer,
} from './services/dummy/sim/index.js';
export * from './services/index.js';
export { countTokens, generateText } from './util/tokenizer.js';
export { VERSION } from './version.js';
