/** Log collection: follow every component's log files, aggregate into stdout.log / stderr.log / JSONL. */
export { BaseLogCollector } from './base-log-collector.js';
export { FileFollower } from './file-follower.js';
export { DEFAULT_LOGGING, type LoggingSettings, parseLoggingConfig } from './logging-config.js';
export { type LogFilter, matches, parseRecord } from './read-aggregated.js';
export { findRunLogs, formatLine, type LogLine, type RunLogFile, sortLines } from './run-logs.js';
export { TailerLogCollector, type TailerOptions } from './tailer-log-collector.js';
export type {
  CollectionResult,
  LogRecord,
  LogSource,
  LogSourceInput,
  LogStream,
  SeedLogSource,
  SourceCounts,
} from './types.js';
export { sourceKey, toLogSource } from './types.js';
