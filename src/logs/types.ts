/** Log collection types: the seed's `LogSource` plus where its files are, and the aggregated record. */
import { ConfigValidationError } from '../errors.js';
import { withSeedKeys } from '../util/seed-keys.js';

export interface LogSource {
  /** Node hostname (or Slurm node name). */
  node: string;
  /** "server", "client", "monitor", "orchestrator", ... */
  component: string;
  /** Container ID/name (or process name when not containerised). */
  containerName: string;
  /** One combined log file (collected as the `stdout` stream). */
  path?: string;
  stdoutPath?: string;
  stderrPath?: string;
}

/** The seed's spelling of a `LogSource` (`container_name`, ...), also accepted where sources are given. */
export interface SeedLogSource {
  node: string;
  component: string;
  container_name: string;
  path?: string;
  stdout_path?: string;
  stderr_path?: string;
}

export type LogSourceInput = LogSource | SeedLogSource;

const SOURCE_KEYS = ['node', 'component', 'containerName', 'path', 'stdoutPath', 'stderrPath'] as const;
const SEED_SOURCE_KEYS = {
  container_name: 'containerName',
  stdout_path: 'stdoutPath',
  stderr_path: 'stderrPath',
};

/** A `LogSource` from either spelling; an unknown key or a missing node/component/container name is E006. */
export function toLogSource(input: LogSourceInput): LogSource {
  const s = withSeedKeys<Partial<LogSource>>(input, 'LogSource', SOURCE_KEYS, SEED_SOURCE_KEYS);
  for (const key of ['node', 'component', 'containerName'] as const)
    if (typeof s[key] !== 'string' || !s[key])
      throw new ConfigValidationError(`LogSource: ${key} is required (a non-empty string)`, [
        { severity: 'error', path: key, message: 'required (a non-empty string)' },
      ]);
  return s as LogSource;
}

export type LogStream = 'stdout' | 'stderr';

/** One line of aggregated.jsonl. */
export interface LogRecord {
  /** ISO-8601 time the collector read the line. */
  ts: string;
  node: string;
  component: string;
  stream: LogStream;
  line: string;
}

/** Lines collected per source (key `node/component/containerName`). */
export interface SourceCounts {
  node: string;
  component: string;
  containerName: string;
  stdout: number;
  stderr: number;
}

export interface CollectionResult {
  sources: Record<string, SourceCounts>;
  totalLines: number;
  /** Output files written (absolute or as given). */
  files: string[];
}

export function sourceKey(s: Pick<LogSource, 'node' | 'component' | 'containerName'>): string {
  return `${s.node}/${s.component}/${s.containerName}`;
}
