/**
 * The monitor's own CPU cost: a `Monitor` in this process sampling a fake nvidia-smi (4 GPUs, one
 * long-lived `-lms` process) plus /proc CPU/RAM into a CSV, at several intervals. CPU = process.cpuUsage()
 * over the run minus the same sleep without a monitor (the Node process's own idle cost). The fake
 * nvidia-smi's own cost (a bash loop) is not the monitor's and is not counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Monitor } from '../src/monitor/monitor.js';
import type { Bench } from './lib.js';

const FAKE_SMI = fileURLToPath(new URL('../test/monitor/fixtures/fake-gpu/nvidia-smi', import.meta.url));
const SECONDS = 10;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function cpuMs(fn: () => Promise<void>): Promise<number> {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const bench: Bench = {
  name: 'monitor-cost',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'monbench-'));
    process.env.FAKE_GPU_COUNT = '4';
    const idle = await cpuMs(() => sleep(SECONDS * 1000));
    const rows: string[] = [];
    for (const interval of [1, 0.5, 0.1]) {
      let samples = 0;
      const used = await cpuMs(async () => {
        const m = new Monitor({
          outputFile: join(dir, `m-${interval}.csv`),
          interval,
          nvidiaSmi: FAKE_SMI,
          node: 'bench',
          role: 'server',
        });
        await m.start();
        await sleep(SECONDS * 1000);
        samples = (await m.stop()).samples;
      });
      const own = used - idle;
      const pct = (ms: number) => `${((ms / (SECONDS * 1000)) * 100).toFixed(2)}%`;
      rows.push(
        `| ${interval} | 4 | ${samples} | ${pct(used)} | ${pct(own)} | ${samples ? ((own * 1000) / samples).toFixed(0) : '-'} |`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
    return [
      'The monitor in its own process (`hpcbench monitor`, one per node on Slurm) costs the CPU below: a',
      `\`Monitor\` sampling 4 GPUs from one long-lived fake \`nvidia-smi -lms\` plus /proc CPU/RAM into a CSV for ${SECONDS} s`,
      'per interval, in the bench process; CPU from process.cpuUsage(), also minus the same sleep without a monitor',
      `(${idle.toFixed(1)} ms). The fake nvidia-smi's own cost (a bash loop) is not counted; a real nvidia-smi`,
      'costs its own few ms per query.',
      '',
      '| interval (s) | GPUs | samples | process CPU (% of one core) | minus idle | µs CPU per sample (minus idle) |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
  },
};
export default bench;
