import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Monitor } from '../../src/monitor/monitor.js';
import { parseMonitorCsv } from '../../src/monitor/monitor-csv.js';

const FAKE_GPU_DIR = fileURLToPath(new URL('./fixtures/fake-gpu', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Monitor CSV', () => {
  let dir: string;
  const savedPath = process.env.PATH;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mon-'));
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    delete process.env.FAKE_GPU_COUNT;
    delete process.env.FAKE_GPU_EXIT_AFTER;
    delete process.env.FAKE_GPU_NA_POWER;
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes GPU columns from a long-lived nvidia-smi (fake, 3 GPUs) and CPU/RAM from /proc', async () => {
    process.env.PATH = `${FAKE_GPU_DIR}${delimiter}${savedPath}`;
    process.env.FAKE_GPU_COUNT = '3';
    const warnings: string[] = [];
    const file = join(dir, 'sub', 'metrics.csv');
    const m = new Monitor({
      outputFile: file,
      interval: 0.2,
      node: 'n1',
      role: 'server',
      onWarning: (w) => warnings.push(w),
    });
    await m.start();
    await sleep(1500);
    const latest = m.getLatest();
    const summary = await m.stop();
    expect(warnings).toEqual([]);
    expect(summary.gpus).toBe(3);
    expect(latest?.gpus.map((g) => g.index)).toEqual([0, 1, 2]);

    const text = readFileSync(file, 'utf8');
    const header = text.split('\n')[0];
    expect(
      header.startsWith(
        'timestamp,gpu0_util,gpu0_mem_used,gpu1_util,gpu1_mem_used,gpu2_util,gpu2_mem_used,cpu_percent,ram_used_MB,',
      ),
    ).toBe(true);
    expect(header).toContain('gpu2_power_W');
    expect(header.endsWith(',node,role,host')).toBe(true);
    const rows = parseMonitorCsv(text);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBe(summary.samples);
    const iterations = new Set<number>();
    for (const r of rows) {
      expect(new Date(r.timestamp as string).toISOString()).toBe(r.timestamp);
      for (const i of [0, 1, 2]) {
        // The fake prints, for iteration k: mem_used = 1000 + 100 i + k, util = (7k + 10 i) % 100.
        const k = (r[`gpu${i}_mem_used`] as number) - 1000 - 100 * i;
        expect(k).toBeGreaterThanOrEqual(0);
        expect(r[`gpu${i}_util`]).toBe((7 * k + 10 * i) % 100);
        expect(r[`gpu${i}_mem_total`]).toBe(81920);
        expect(r[`gpu${i}_power_W`]).toBe(250.5 + i);
        expect(r[`gpu${i}_temp_C`]).toBe(60 + i);
        iterations.add(k);
      }
      expect(r.cpu_percent).toBeGreaterThanOrEqual(0);
      expect(r.cpu_percent).toBeLessThanOrEqual(100);
      expect(r.ram_used_MB).toBeGreaterThan(0);
      expect(r.ram_used_MB as number).toBeLessThanOrEqual(r.ram_total_MB as number);
      expect(r.node).toBe('n1');
      expect(r.role).toBe('server');
    }
    // Lines were parsed as they came: later rows saw later nvidia-smi iterations.
    expect(iterations.size).toBeGreaterThan(1);
  });

  it('without nvidia-smi: one warning, no GPU columns, CPU and RAM still sampled', async () => {
    process.env.PATH = '/nonexistent-bin';
    const warnings: string[] = [];
    const file = join(dir, 'metrics.csv');
    const m = new Monitor({ outputFile: file, interval: 0.2, onWarning: (w) => warnings.push(w) });
    await m.start();
    await sleep(900);
    const summary = await m.stop();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/nvidia-smi not found/);
    expect(summary.gpus).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('timestamp,cpu_percent,ram_used_MB,ram_total_MB,node,host');
    const rows = parseMonitorCsv(text);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(typeof r.cpu_percent).toBe('number');
      expect(r.ram_used_MB).toBeGreaterThan(0);
    }
  });

  it('nvidia-smi dying mid-run: one warning, GPU cells empty from then on, CPU/RAM go on; N/A is empty', async () => {
    process.env.PATH = `${FAKE_GPU_DIR}${delimiter}${savedPath}`;
    process.env.FAKE_GPU_EXIT_AFTER = '3';
    process.env.FAKE_GPU_NA_POWER = '1';
    const warnings: string[] = [];
    const file = join(dir, 'metrics.csv');
    const m = new Monitor({ outputFile: file, interval: 0.2, onWarning: (w) => warnings.push(w) });
    await m.start();
    await sleep(2000);
    await m.stop();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/nvidia-smi exited \(code 3\) GPU lost/);
    const rows = parseMonitorCsv(readFileSync(file, 'utf8'));
    expect(rows[0].gpu1_power_W).toBeUndefined(); // [N/A]
    expect(rows[0].gpu0_power_W).toBe(250.5);
    const last = rows[rows.length - 1];
    expect(last.gpu0_util).toBeUndefined();
    expect(last.gpu0_mem_used).toBeUndefined();
    expect(typeof last.cpu_percent).toBe('number');
  });

  it('a CSV path that cannot be written is E006 naming the file', async () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    const m = new Monitor({ outputFile: join(blocker, 'metrics.csv'), metrics: ['cpu'] });
    await expect(m.start()).rejects.toMatchObject({
      code: 'E006',
      message: expect.stringContaining(blocker),
    });
    expect(() => new Monitor({ prometheusPushgatewayUrl: 'pushgw:9091' })).toThrowError(
      /prometheusPushgatewayUrl/,
    );
  });

  it('monitors in one process share one nvidia-smi per interval', async () => {
    process.env.PATH = `${FAKE_GPU_DIR}${delimiter}${savedPath}`;
    const starts = join(dir, 'starts.txt');
    process.env.FAKE_GPU_STARTS_FILE = starts;
    const a = new Monitor({ outputFile: join(dir, 'a.csv'), interval: 0.2, role: 'server' });
    const b = new Monitor({ outputFile: join(dir, 'b.csv'), interval: 0.2, role: 'client' });
    await Promise.all([a.start(), b.start()]);
    await sleep(600);
    await a.stop();
    await sleep(400); // b still gets fresh GPU lines after a stopped
    const sb = await b.stop();
    delete process.env.FAKE_GPU_STARTS_FILE;
    expect(readFileSync(starts, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(sb.gpus).toBe(2);
    const rows = parseMonitorCsv(readFileSync(join(dir, 'b.csv'), 'utf8'));
    const its = rows.map((r) => (r.gpu0_mem_used as number) - 1000);
    expect(its.at(-1)!).toBeGreaterThan(its[0]);
    expect(parseMonitorCsv(readFileSync(join(dir, 'a.csv'), 'utf8'))[0].gpu1_util).toBeDefined();
  });

  it('samples only the metrics asked for', async () => {
    process.env.PATH = `${FAKE_GPU_DIR}${delimiter}${savedPath}`;
    const file = join(dir, 'metrics.csv');
    const m = new Monitor({ outputFile: file, interval: 0.2, metrics: ['ram'], node: 'x' });
    await m.start();
    await sleep(500);
    await m.stop();
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('timestamp,ram_used_MB,ram_total_MB,node,host');
  });

  it('rejects bad options with E006', () => {
    expect(() => new Monitor({ interval: 0 })).toThrowError(/interval/);
    expect(() => new Monitor({ metrics: ['disk' as 'gpu'] })).toThrowError(/metrics/);
    try {
      new Monitor({ interval: -1 });
    } catch (err) {
      expect((err as { code: string }).code).toBe('E006');
    }
  });
});
