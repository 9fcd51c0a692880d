/** `hpcbench serve dummy` as a launcher runs it: --port 0, the listening line, --ready-file, SIGTERM. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { selfCommand } from '../../src/util/self.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hpcbench-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hpcbench serve dummy', () => {
  it('prints its URL, writes the ready file, serves with flags + --config, exits cleanly on SIGTERM', async () => {
    const ready = join(dir, 'ready.json');
    const cfg = JSON.stringify({ models: ['extra'], decode_step_ms: 5, gpu_layers: 1 });
    const { command, args } = selfCommand(
      'serve',
      'dummy',
      '--port',
      '0',
      '--ready-file',
      ready,
      '--config',
      cfg,
      '--max-num-seqs',
      '3',
      '--load-ms',
      '0',
    );
    const child = execa(command, args, { reject: false });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (b: Buffer) => resolve(b.toString()));
        child.once('exit', () => reject(new Error('exited early')));
      });
      const m = /^hpcbench dummy listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(line);
      expect(m).not.toBeNull();
      const info = JSON.parse(readFileSync(ready, 'utf8'));
      expect(info).toEqual({ url: m![1], port: Number(m![2]), pid: child.pid });
      const config = await fetch(`${info.url}/hpcbench/config`).then((r) => r.json());
      expect(config).toMatchObject({ max_num_seqs: 3, decode_step_ms: 5, models: ['extra'] });
      const models = (await fetch(`${info.url}/v1/models`).then((r) => r.json())) as {
        data: { id: string }[];
      };
      expect(models.data.map((d) => d.id)).toEqual(['dummy-model', 'extra']);
    } finally {
      child.kill('SIGTERM');
    }
    const done = await child;
    expect(done.exitCode).toBe(0);
    expect(done.stderr).toContain('gpu_layers is not a simulator setting');
  });

  it('bad flags and config are E006 with the field named, no stack trace', async () => {
    const r1 = await runCli(['serve', 'dummy', '--port', '0', '--error-rate', '2']);
    expect(r1.exitCode).toBe(1);
    expect(r1.stderr).toMatch(/^E006: invalid --error-rate/);
    expect(r1.stderr).toContain('from 0 to 1');
    const r2 = await runCli(['serve', 'dummy', '--port', '0', '--config', '{"max_queue": -1}']);
    expect(r2.exitCode).toBe(1);
    expect(r2.stderr).toContain('servers.service_config.max_queue');
    const r3 = await runCli(['serve', 'vllm']);
    expect(r3.exitCode).toBe(1);
    expect(r3.stderr).toContain("'vllm' cannot be served; allowed: dummy");
    expect(`${r1.stderr}${r2.stderr}${r3.stderr}`).not.toMatch(/\n\s+at /);
  });
});
