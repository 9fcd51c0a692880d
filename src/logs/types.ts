/** Log collection types: the seed's `LogSource` plus where its files are, and the aggregated record. */

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
