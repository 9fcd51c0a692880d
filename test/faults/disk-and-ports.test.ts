/**
 * A port already in use and a full disk (a file-size limit, `ulimit -f`, which Node turns into EFBIG)
 * are typed `E00x: message` errors without a stack trace. Under the file-size limit a local run ends
 * with a final run.json, no `.tmp` file left and records files that end on a whole line.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { selfCommand } from '../../src/util/self.js';
import { hasStackTrace, localRecipe, onlyRunDir, readJson, runCli, TOKEN, useSandbox } from './helpers.js';

const sandbox = useSandbox('hpcbench-faults-disk-');

describe('a port already in use', () => {
  it('serve and executor: E006 naming the port, no stack trace, exit 1', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      for (const args of [
        ['serve', 'dummy', '--host', '127.0.0.1', '--port', String(port)],
        ['executor', '--service', 'dummy', '--host', '127.0.0.1', '--port', String(port)],
      ]) {
        const r = await runCli(args, { timeout: 30_000, env: { HPCBENCH_TOKEN: TOKEN } });
        expect(r.exitCode, r.all).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`^E006: port ${port} on 127\\.0\\.0\\.1 is already in use`, 'm'));
        expect(hasStackTrace(r.all)).toBe(false);
      }
    } finally {
      busy.close();
    }
  }, 60_000);
});

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, encoding: 'utf8' })).map((f) => join(dir, f));
}

describe('disk full (file-size limit)', () => {
  it('typed error or degraded benchmark, final run.json, no .tmp files, whole-line records', async () => {
    const box = sandbox();
    const file = await box.writeRecipe(
      'disk.yaml',
      localRecipe(
        'disk',
        { duration: '4s', warmup: '0s', clients_per_node: 8, gen_tokens: 2 },
        { load_ms: 0, decode_step_ms: 1, prefill_ms_per_token: 0 },
      ),
    );
    const base = box.path('r-disk');
    const self = selfCommand('run', file, '--quiet', '--results-dir', base);
    // 192 KiB per file: run.json and summaries fit, the records file does not
    const cmd = ['ulimit -f 192', `exec ${[self.command, ...self.args].map((a) => `'${a}'`).join(' ')}`].join(
      '; ',
    );
    const r = await execa('bash', ['-c', cmd], { reject: false, all: true, timeout: 90_000 });
    expect(hasStackTrace(String(r.all)), String(r.all)).toBe(false);
    expect([1, 3], String(r.all)).toContain(r.exitCode);
    const run = await onlyRunDir(base);
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson.status).not.toBe('running');
    expect(runJson.exit_code).toBe(r.exitCode);
    expect(JSON.stringify(runJson)).toMatch(/E005: cannot write|EFBIG|file too large/);
    const files = await filesUnder(run);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const records = files.filter((f) => /records-.*\.jsonl$/.test(f));
    expect(records.length).toBeGreaterThan(0);
    for (const f of records) {
      const text = await readFile(f, 'utf8');
      expect(text === '' || text.endsWith('\n')).toBe(true);
      for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
    }
  }, 120_000);
});
