/**
 * `Monitor` (the seed's class): samples GPU (nvidia-smi), CPU and RAM (/proc) and CPU package energy
 * (RAPL, where readable) every `interval` seconds into a CSV, and optionally pushes the latest sample to a Pushgateway every `prometheusPushInterval`
 * seconds with job/instance/node/role/run labels.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { ConfigValidationError } from '../errors.js';
import { withSeedKeys } from '../util/seed-keys.js';
import { type PeriodicPush, startPeriodicPush } from './executor-push.js';
import { acquireGpuReader, type GpuReaderHandle } from './gpu-shared.js';
import { type CsvLayout, csvHeader, csvRow, type MetricKind, type MonitorSample } from './monitor-csv.js';
import { renderMonitorSample } from './monitor-metrics.js';
import { ProcSampler } from './proc-sampler.js';
import { RaplReader } from './rapl.js';

export interface MonitorOptions {
  outputFile?: string;
  /** Sampling interval, seconds (default 1). */
  interval?: number;
  metrics?: readonly MetricKind[];
  prometheusPushgatewayUrl?: string;
  /** Seconds between pushes (default 15). */
  prometheusPushInterval?: number;
  /** Node name (default: $SLURMD_NODENAME or the hostname); also the `instance` label. */
  node?: string;
  /** server | client | orchestrator | ... */
  role?: string;
  /** Extra grouping-key labels, e.g. `{ run: '2026-...' }`. `job` defaults to `hpcbench_monitor`. */
  labels?: Record<string, string>;
  /** Keep the Pushgateway group after stop (default: delete it). */
  keepPushgatewayGroup?: boolean;
  /** nvidia-smi binary (default $HPCBENCH_NVIDIA_SMI, else `nvidia-smi` on PATH). */
  nvidiaSmi?: string;
  /** Root of the powercap tree for RAPL CPU energy (default $HPCBENCH_POWERCAP_ROOT, else /sys/class/powercap). */
  powercapRoot?: string;
  /** Hostname written in the `host` column (default: os.hostname()). */
  host?: string;
  /** Warnings (no nvidia-smi, push failures); default: stderr. */
  onWarning?: (message: string) => void;
}

/** The seed's keyword arguments (`Monitor(output_file=..., prometheus_pushgateway_url=...)`), also accepted. */
export interface SeedMonitorOptions {
  output_file?: string;
  interval?: number;
  metrics?: readonly MetricKind[];
  prometheus_pushgateway_url?: string;
  prometheus_push_interval?: number;
}

const OPTION_KEYS = [
  'outputFile',
  'interval',
  'metrics',
  'prometheusPushgatewayUrl',
  'prometheusPushInterval',
  'node',
  'role',
  'labels',
  'keepPushgatewayGroup',
  'nvidiaSmi',
  'powercapRoot',
  'host',
  'onWarning',
] as const satisfies readonly (keyof MonitorOptions)[];
/** Fails to compile when an option of MonitorOptions is missing from OPTION_KEYS (it would be refused). */
const allOptionKeys: [Exclude<keyof MonitorOptions, (typeof OPTION_KEYS)[number]>] extends [never]
  ? true
  : never = true;
void allOptionKeys;
const SEED_KEYS: Record<keyof SeedMonitorOptions, keyof MonitorOptions> = {
  output_file: 'outputFile',
  interval: 'interval',
  metrics: 'metrics',
  prometheus_pushgateway_url: 'prometheusPushgatewayUrl',
  prometheus_push_interval: 'prometheusPushInterval',
};

export interface MonitorSummary {
  outputFile: string;
  samples: number;
  gpus: number;
}

const KINDS: readonly MetricKind[] = ['gpu', 'cpu', 'ram'];

function openOutput(file: string): number {
  try {
    mkdirSync(dirname(file), { recursive: true });
    return openSync(file, 'w');
  } catch (err) {
    throw new ConfigValidationError(`cannot write the monitor CSV ${file}`, [
      { severity: 'error', path: 'outputFile', message: (err as Error).message },
    ]);
  }
}

function validate(o: MonitorOptions): void {
  const bad = (path: string, message: string) => {
    throw new ConfigValidationError(`invalid monitor option ${path}`, [{ severity: 'error', path, message }]);
  };
  if (o.interval !== undefined && !(o.interval > 0))
    bad('interval', `must be a number of seconds > 0, got ${o.interval}`);
  if (o.prometheusPushgatewayUrl !== undefined && !/^https?:\/\/[^/]+/.test(o.prometheusPushgatewayUrl))
    bad(
      'prometheusPushgatewayUrl',
      `must be an http(s) URL such as http://host:9091, got '${o.prometheusPushgatewayUrl}'`,
    );
  if (o.prometheusPushInterval !== undefined && !(o.prometheusPushInterval > 0))
    bad('prometheusPushInterval', `must be > 0 seconds, got ${o.prometheusPushInterval}`);
  for (const m of o.metrics ?? [])
    if (!KINDS.includes(m)) bad('metrics', `'${m}' is not one of ${KINDS.join(', ')}`);
}

export class Monitor {
  readonly outputFile: string;
  readonly interval: number;
  readonly metrics: readonly MetricKind[];
  readonly node: string;
  private readonly proc = new ProcSampler();
  private rapl?: RaplReader;
  private gpu?: GpuReaderHandle;
  private out?: WriteStream;
  private layout?: CsvLayout;
  private timer?: NodeJS.Timeout;
  private push?: PeriodicPush;
  private latest?: MonitorSample;
  private samples = 0;
  private stopped = false;
  private ticking: Promise<void> = Promise.resolve();
  private readonly warn: (message: string) => void;

  private readonly options: MonitorOptions;

  /** Options in camelCase or the seed's snake_case keys; an unknown key is E006 naming it. */
  constructor(input: MonitorOptions | SeedMonitorOptions = {}) {
    const options = withSeedKeys<MonitorOptions>(input, 'Monitor', OPTION_KEYS, SEED_KEYS);
    validate(options);
    this.options = options;
    this.outputFile = options.outputFile ?? 'metrics.csv';
    this.interval = options.interval ?? 1;
    this.metrics = options.metrics ?? KINDS;
    this.node = options.node ?? process.env.SLURMD_NODENAME ?? hostname();
    this.warn = options.onWarning ?? ((m) => process.stderr.write(`warning: monitor: ${m}\n`));
  }

  /** Starts nvidia-smi (and waits for its first GPU batch), writes the CSV header, starts sampling. */
  async start(): Promise<void> {
    if (this.out) throw new Error('Monitor already started');
    const fd = openOutput(this.outputFile); // fail on a bad path before starting anything
    if (this.metrics.includes('gpu')) {
      this.gpu = acquireGpuReader(this.interval * 1000, this.warn, this.options.nvidiaSmi);
      await this.gpu.ready;
    }
    await this.proc.baseline();
    if (this.metrics.includes('cpu')) {
      const rapl = new RaplReader(this.options.powercapRoot);
      if (await rapl.open()) this.rapl = rapl;
    }
    const gpuIndices = (this.gpu?.reader.readings() ?? []).map((g) => g.index);
    this.layout = {
      gpuIndices,
      metrics: this.metrics,
      node: this.node,
      role: this.options.role,
      host: this.options.host ?? hostname(),
      cpuEnergy: this.rapl !== undefined,
    };
    this.out = createWriteStream('', { fd });
    this.out.on('error', (err) => this.warn(`writing ${this.outputFile}: ${err.message}`));
    this.out.write(`${csvHeader(this.layout).join(',')}\n`);
    this.schedule();
    const url = this.options.prometheusPushgatewayUrl;
    if (url) {
      this.push = startPeriodicPush(
        {
          url,
          labels: this.groupingLabels(),
          interval: this.options.prometheusPushInterval ?? 15,
          render: () => renderMonitorSample(this.latest, this.samples),
          keep: this.options.keepPushgatewayGroup,
          onError: (err) => this.warn(err.message),
        },
        'hpcbench_monitor',
      );
    }
  }

  /** The Pushgateway grouping key this monitor pushes under. */
  groupingLabels(): Record<string, string> {
    const labels: Record<string, string> = { job: 'hpcbench_monitor', instance: this.node, node: this.node };
    if (this.options.role) labels.role = this.options.role;
    return { ...labels, ...this.options.labels };
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.ticking = this.sample().catch((err: Error) => this.warn(`sampling failed: ${err.message}`));
      void this.ticking.then(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.interval * 1000);
  }

  private async sample(): Promise<void> {
    const s: MonitorSample = { timestamp: new Date().toISOString(), gpus: this.gpu?.reader.readings() ?? [] };
    if (this.metrics.includes('cpu')) s.cpuPercent = await this.proc.sampleCpu();
    if (this.rapl) s.cpuEnergyJ = await this.rapl.read();
    if (this.metrics.includes('ram')) {
      const mem = await this.proc.sampleMem();
      s.ramUsedMB = mem.usedMB;
      s.ramTotalMB = mem.totalMB;
    }
    if (!this.out || !this.layout) return;
    this.latest = s;
    this.samples++;
    this.out.write(`${csvRow(this.layout, s).join(',')}\n`);
  }

  /** The most recent sample (undefined before the first interval has passed). */
  getLatest(): MonitorSample | undefined {
    return this.latest;
  }

  /** Stops sampling and nvidia-smi, closes the CSV, removes (or keeps) the Pushgateway group. */
  async stop(): Promise<MonitorSummary> {
    const out = this.out;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    this.out = undefined;
    this.gpu?.release();
    if (out) {
      out.end();
      await once(out, 'close');
    }
    await this.push?.stop();
    this.push = undefined;
    return { outputFile: this.outputFile, samples: this.samples, gpus: this.layout?.gpuIndices.length ?? 0 };
  }
}
