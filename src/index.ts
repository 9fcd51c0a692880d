/** hpcbench's programmatic API. */
export * from './errors.js';
export { VERSION } from './version.js';
export type * from './loadgen/spec.js';
export type * from './metrics/types.js';
export type * from './executor/protocol.js';
export { Monitor, type MonitorOptions, startExecutorPush, startRunMonitoring, startServerMetricsScraper, deletePushgatewayGroups, deleteRunGroups } from './monitor/index.js';
export { BaseLogCollector, TailerLogCollector, type LogSource, type CollectionResult, type LoggingSettings, parseLoggingConfig } from './logs/index.js';
export * from './services/index.js';
export * from './executor/index.js';
export * from './controller/index.js';
export * from './orchestrator/index.js';
export * from './report/index.js';
export * from './launch/local/index.js';
export * from './launch/slurm/index.js';
export { apptainerExecArgv, apptainerPullArgv, containerFor } from './launch/containers.js';
export { registerLaunchCommand, serverLaunchCommand, type LaunchCommand } from './launch/commands/index.js';
export * from './launch/ray/index.js';
