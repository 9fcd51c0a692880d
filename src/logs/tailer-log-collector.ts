/**
 * `TailerLogCollector`: follows every component's log files on the shared filesystem by polling and
 * writes, every `flushInterval` seconds, the lines read since the last flush (in time order) to
 * stdout.log, stderr.log and aggregated.jsonl (`{ts, node, component, stream, line}`) in `outputDir`.
 */
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { BaseLogCollector } from './base-log-collector.js';
import { FileFollower } from './file-follower.js';
import { DEFAULT_LOGGING, type LoggingSettings } from './logging-config.js';
import {
  type CollectionResult,
  type LogRecord,
  type LogSource,
  type LogSourceInput,
  type LogStream,
  type SourceCounts,
  sourceKey,
  toLogSource,
} from './types.js';

export interface TailerOptions {
  /** Folder for the outputs (e.g. `<resultsDir>/logs`). */
  outputDir: string;
  logging?: LoggingSettings;
  /** Milliseconds between polls of the followed files (default 250). */
  pollIntervalMs?: number;
  /** Problems writing the outputs; default: stderr. */
  onWarning?: (message: string) => void;
}

interface Followed {
  follower: FileFollower;
  source: LogSource;
  stream: LogStream;
}

export class TailerLogCollector extends BaseLogCollector {
  private readonly logging: LoggingSettings;
  private readonly outputs: Partial<Record<'stdout' | 'stderr' | 'aggregated', FileHandle>> = {};
  private followed: Followed[] = [];
  private readonly counts = new Map<string, SourceCounts>();
  private pending: LogRecord[] = [];
  private pollTimer?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;
  private polling: Promise<void> = Promise.resolve();
  private flushing: Promise<void> = Promise.resolve();
  private deployed = false;
  private collecting = false;

  constructor(private readonly options: TailerOptions) {
    super();
    this.logging = options.logging ?? DEFAULT_LOGGING;
  }

  /** Output file paths, by kind. */
  outputPaths(): { stdout: string; stderr: string; aggregated?: string } {
    const o = this.logging.outputs;
    const dir = this.options.outputDir;
    const paths = { stdout: join(dir, o.stdout), stderr: join(dir, o.stderr) };
    return this.logging.createJsonl ? { ...paths, aggregated: join(dir, o.aggregated) } : paths;
  }

  async deploy(): Promise<boolean> {
    if (this.deployed) return true;
    await mkdir(this.options.outputDir, { recursive: true });
    for (const [kind, path] of Object.entries(this.outputPaths())) {
      this.outputs[kind as 'stdout'] = await open(path, 'a');
    }
    this.deployed = true;
    return true;
  }

  async startCollection(inputs: LogSourceInput[]): Promise<boolean> {
    const sources = inputs.map(toLogSource); // E006 before anything starts
    if (!this.deployed) await this.deploy();
    for (const source of sources) {
      const key = sourceKey(source);
      if (!this.counts.has(key)) {
        const { node, component, containerName } = source;
        this.counts.set(key, { node, component, containerName, stdout: 0, stderr: 0 });
      }
      const add = (path: string | undefined, stream: LogStream) => {
        if (!path) return;
        const counts = this.counts.get(key)!;
        const follower = new FileFollower(path, (line) => {
          counts[stream]++;
          this.pending.push({
            ts: new Date().toISOString(),
            node: source.node,
            component: source.component,
            stream,
            line,
          });
        });
        this.followed.push({ follower, source, stream });
      };
      add(source.path, 'stdout');
      add(source.stdoutPath, 'stdout');
      add(source.stderrPath, 'stderr');
    }
    if (!this.collecting) {
      this.collecting = true;
      this.schedulePoll();
      this.flushTimer = setInterval(() => {
        this.flushing = this.flushing.then(() => this.flush()).catch((err: Error) => this.warn(err));
      }, this.logging.flushInterval * 1000);
    }
    return true;
  }

  private warn(err: Error): void {
    const w = this.options.onWarning ?? ((m: string) => process.stderr.write(`warning: logs: ${m}\n`));
    w(`writing collected logs: ${err.message}`);
  }

  isReady(): boolean {
    return this.deployed && this.collecting;
  }

  private schedulePoll(): void {
    this.pollTimer = setTimeout(() => {
      this.polling = this.pollAll().then(() => {
        if (this.collecting) this.schedulePoll();
      });
    }, this.options.pollIntervalMs ?? 250);
  }

  private async pollAll(): Promise<void> {
    for (const f of this.followed) {
      await f.follower.poll().catch(() => {});
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    batch.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0)); // stable: keeps file order on ties
    let out = '';
    let err = '';
    let jsonl = '';
    for (const r of batch) {
      const text = `${r.ts} [${r.node}/${r.component}] ${r.line}\n`;
      if (r.stream === 'stderr') err += text;
      else out += text;
      if (this.outputs.aggregated) jsonl += `${JSON.stringify(r)}\n`;
    }
    if (out) await this.outputs.stdout?.write(out);
    if (err) await this.outputs.stderr?.write(err);
    if (jsonl) await this.outputs.aggregated?.write(jsonl);
  }

  async stopCollection(): Promise<CollectionResult> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private stopped?: Promise<CollectionResult>;

  private async stopOnce(): Promise<CollectionResult> {
    this.collecting = false;
    clearTimeout(this.pollTimer);
    clearInterval(this.flushTimer);
    await this.polling;
    for (const f of this.followed) {
      await f.follower.close().catch(() => {});
    }
    await this.flushing;
    await this.flush();
    for (const fh of Object.values(this.outputs)) await fh?.close();
    const sources = Object.fromEntries(this.counts);
    const totalLines = [...this.counts.values()].reduce((n, c) => n + c.stdout + c.stderr, 0);
    return { sources, totalLines, files: Object.values(this.outputPaths()) };
  }
}
