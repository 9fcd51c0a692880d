import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLoggingConfig } from '../../src/logs/logging-config.js';
import { TailerLogCollector } from '../../src/logs/tailer-log-collector.js';
import type { LogRecord } from '../../src/logs/types.js';

const WRITER = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const expectedLine = (prefix: string, i: number) => `${prefix} ${i} ${'x'.repeat(i % 50)} é✓`;

function runWriter(file: string, prefix: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, file, prefix, String(count)], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`))));
  });
}

const readJsonl = (file: string): LogRecord[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

async function until(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('TailerLogCollector', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tailer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every line from several concurrent writers, split writes and late files, in order', async () => {
    const out = join(dir, 'logs');
    const logging = parseLoggingConfig({ flush_interval: 0.3 });
    const c = new TailerLogCollector({ outputDir: out, logging, pollIntervalMs: 50 });
    expect(c.isReady()).toBe(false);
    expect(await c.deploy()).toBe(true);
    const f = (name: string) => join(dir, name);
    await c.startCollection([
      {
        node: 'n1',
        component: 'server',
        containerName: 'vllm',
        stdoutPath: f('s.out'),
        stderrPath: f('s.err'),
      },
      { node: 'n2', component: 'client', containerName: 'exec-0', path: f('c0.log') },
      { node: 'n3', component: 'client', containerName: 'exec-1', path: f('c1.log') },
    ]);
    expect(c.isReady()).toBe(true);
    const late = (async () => {
      await sleep(400); // c1.log does not exist until now
      await runWriter(f('c1.log'), 'c1', 300);
    })();
    await Promise.all([
      runWriter(f('s.out'), 'so', 400),
      runWriter(f('s.err'), 'se', 200),
      runWriter(f('c0.log'), 'c0', 400),
      late,
    ]);
    await sleep(200);
    const result = await c.stopCollection();
    expect(c.isReady()).toBe(false);

    expect(result.sources['n1/server/vllm']).toMatchObject({ stdout: 400, stderr: 200 });
    expect(result.sources['n2/client/exec-0']).toMatchObject({ stdout: 400, stderr: 0 });
    expect(result.sources['n3/client/exec-1']).toMatchObject({ stdout: 300, stderr: 0 });
    expect(result.totalLines).toBe(1300);

    const records = readJsonl(join(out, 'aggregated.jsonl'));
    expect(records).toHaveLength(1300);
    const by = (prefix: string) => records.filter((r) => r.line.startsWith(`${prefix} `)).map((r) => r.line);
    expect(by('so')).toEqual(Array.from({ length: 400 }, (_, i) => expectedLine('so', i)));
    expect(by('se')).toEqual(Array.from({ length: 200 }, (_, i) => expectedLine('se', i)));
    expect(by('c0')).toEqual(Array.from({ length: 400 }, (_, i) => expectedLine('c0', i)));
    expect(by('c1')).toEqual(Array.from({ length: 300 }, (_, i) => expectedLine('c1', i)));
    const se = records.find((r) => r.line.startsWith('se '))!;
    expect(se).toMatchObject({ node: 'n1', component: 'server', stream: 'stderr' });
    expect(records.find((r) => r.line.startsWith('c1 '))).toMatchObject({ node: 'n3', stream: 'stdout' });
    for (let i = 1; i < records.length; i++) expect(records[i].ts >= records[i - 1].ts).toBe(true);

    const stdoutLog = readFileSync(join(out, 'stdout.log'), 'utf8').split('\n').filter(Boolean);
    const stderrLog = readFileSync(join(out, 'stderr.log'), 'utf8').split('\n').filter(Boolean);
    expect(stdoutLog).toHaveLength(1100);
    expect(stderrLog).toHaveLength(200);
    expect(stderrLog[0]).toMatch(/^\S+ \[n1\/server\] se 0 {2}é✓$/);
  });

  it('follows truncation and rotation (rename + new file) without losing lines', async () => {
    const log = join(dir, 'server.log');
    writeFileSync(log, 'before-1\nbefore-2\n');
    const c = new TailerLogCollector({
      outputDir: join(dir, 'out'),
      logging: parseLoggingConfig({ flush_interval: 0.2 }),
      pollIntervalMs: 50,
    });
    await c.startCollection([{ node: 'n1', component: 'server', containerName: 'llama', path: log }]);
    const agg = join(dir, 'out', 'aggregated.jsonl');
    const lines = () => (existsSync(agg) ? readJsonl(agg).map((r) => r.line) : []);
    await until(() => lines().length === 2);

    // truncation (copytruncate / `> file`), then fewer bytes than before
    truncateSync(log, 0);
    await sleep(200);
    appendFileSync(log, 'after-trunc\n');
    await until(() => lines().length === 3);

    // rotation: the writer still holds the old file for a moment after the rename
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, 'old-file-late\n');
    appendFileSync(`${log}.1`, 'old-partial-');
    await sleep(150);
    appendFileSync(`${log}.1`, 'completed\n');
    writeFileSync(log, 'new-file-1\n');
    appendFileSync(log, 'new-file-2\nunterminated last line');
    await until(() => lines().length === 7);
    const result = await c.stopCollection();
    expect(lines()).toEqual([
      'before-1',
      'before-2',
      'after-trunc',
      'old-file-late',
      'old-partial-completed',
      'new-file-1',
      'new-file-2',
      'unterminated last line',
    ]);
    expect(result.sources['n1/server/llama'].stdout).toBe(8);
  });

  it("writes the recipe's output names, honours create_jsonl: false and flushes periodically", async () => {
    const log = join(dir, 'a.log');
    writeFileSync(log, 'one\n');
    const logging = parseLoggingConfig({
      type: 'tailer',
      create_jsonl: false,
      flush_interval: '200ms',
      outputs: { stdout: 'out.txt', stderr: 'err.txt', aggregated: 'all.jsonl' },
    });
    const c = new TailerLogCollector({ outputDir: join(dir, 'o'), logging, pollIntervalMs: 50 });
    await c.startCollection([
      { node: 'n', component: 'orchestrator', containerName: 'main', stderrPath: log },
    ]);
    // visible before stop: written at the flush interval
    await until(() => readFileSync(join(dir, 'o', 'err.txt'), 'utf8').includes('one'));
    const r = await c.stopCollection();
    expect(r.files.sort()).toEqual([join(dir, 'o', 'err.txt'), join(dir, 'o', 'out.txt')]);
    expect(existsSync(join(dir, 'o', 'all.jsonl'))).toBe(false);
    expect(await c.stopCollection()).toEqual(r);
  });
});

describe('parseLoggingConfig', () => {
  it('reads the MeluXina recipe section and applies defaults', () => {
    expect(
      parseLoggingConfig({
        type: 'tailer',
        create_jsonl: true,
        flush_interval: 3,
        outputs: { stdout: 'stdout.log', stderr: 'stderr.log', aggregated: 'aggregated.jsonl' },
      }),
    ).toEqual({
      enabled: true,
      flushInterval: 3,
      createJsonl: true,
      outputs: { stdout: 'stdout.log', stderr: 'stderr.log', aggregated: 'aggregated.jsonl' },
    });
    expect(parseLoggingConfig(undefined).outputs.aggregated).toBe('aggregated.jsonl');
    // the seed schema's other keys are accepted; enabled: false is passed on
    expect(parseLoggingConfig({ enabled: false, format: 'json', retention: '7d' }).enabled).toBe(false);
  });

  it('rejects bad values with E006 naming the file and field', () => {
    try {
      parseLoggingConfig(
        { flush_interval: 'soon', outputs: { stdout: '../x.log' }, type: 'fluentd' },
        'r.yaml',
      );
      expect.unreachable();
    } catch (err) {
      const e = err as { code: string; format(): string };
      expect(e.code).toBe('E006');
      const text = e.format();
      expect(text).toContain('r.yaml');
      expect(text).toContain('logging.flush_interval');
      expect(text).toContain('logging.outputs.stdout');
      expect(text).toContain('logging.type');
    }
  });
});
