/**
 * The executor API against hostile callers: paths in a start body confined to the folders it was started
 * with (traversal and symlinks out refused, a dataset a regular file under the cap), no file content in
 * any answer, JSON-only POST bodies (415), a token required (or --insecure: loopback only, warnings), and
 * caps on users, rate and concurrency answered 400 naming the cap. In-process through app.request, and
 * the CLI as a child process; everything on 127.0.0.1.
 */
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CAPS } from '../../src/contracts/caps.js';
import type { BaseWorkloadExecutor } from '../../src/executor/base-workload-executor.js';
import { ServiceFactory } from '../../src/services/factory.js';
import { runCli } from '../helpers/cli.js';

const TOKEN = 'sec-token-123';
const SECRET = 'SECRET_API_KEY=hunter2';
let dir: string;
let records: string;
let datasets: string;
let outside: string;
const logs: string[] = [];
let ex: BaseWorkloadExecutor;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcbench-sec-'));
  records = join(dir, 'run');
  datasets = join(dir, 'data');
  outside = join(dir, 'elsewhere');
  for (const d of [records, datasets, outside]) await mkdir(d);
  await writeFile(join(outside, 'secrets.env'), `${SECRET}\n`);
  await writeFile(join(outside, 'prompts.jsonl'), '{"prompt":"db_password=swordfish"}\n');
  await writeFile(join(datasets, 'broken.jsonl'), `${SECRET}\n`);
  await symlink(join(outside, 'prompts.jsonl'), join(datasets, 'link.jsonl'));
  await symlink(outside, join(records, 'out'));
  await writeFile(join(datasets, 'big.jsonl'), '');
  await truncate(join(datasets, 'big.jsonl'), 2048);
  ex = ServiceFactory.createWorkloadExecutor('dummy', 0, {
    token: TOKEN,
    node: 'sec',
    confine: { recordsDirs: [records], datasetDirs: [datasets], maxDatasetBytes: 1024 },
    caps: { ...DEFAULT_CAPS, maxDatasetBytes: 1024 },
    log: (m) => logs.push(m),
  });
});
afterAll(async () => {
  await ex?.close();
  await rm(dir, { recursive: true, force: true });
});

const base = {
  server_url: 'http://127.0.0.1:9',
  model: 'm',
  duration: 1,
  warmup: 0,
  clients_per_node: 1,
};

async function start(body: unknown, headers: Record<string, string> = {}) {
  const r = await ex.app.request('/start', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
  });
  const text = await r.text();
  return { status: r.status, text, json: JSON.parse(text) as { error?: string; cap?: string } };
}

describe('paths in a start body are confined', () => {
  it.each([
    ['an existing file elsewhere', () => join(outside, 'secrets.env')],
    ['traversal out of the records folder', () => join(records, '..', 'elsewhere', 'x.jsonl')],
    ['a new deep tree elsewhere', () => join(outside, 'new', 'deep', 'dir', 'x.jsonl')],
    ['a symlinked folder leading out', () => join(records, 'out', 'x.jsonl')],
  ])('records_path: %s → 403 naming --records-dir', async (_what, path) => {
    const r = await start({ ...base, records_path: path() });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatch(/^records_path: .* outside the folders .*--records-dir/);
  });

  it.each([
    ['a secrets file elsewhere', () => join(outside, 'secrets.env')],
    ['traversal', () => join(datasets, '..', 'elsewhere', 'prompts.jsonl')],
    ['a symlink leading out', () => join(datasets, 'link.jsonl')],
    ['a missing file elsewhere (existence not revealed)', () => join(outside, 'nope.jsonl')],
  ])('prompts.path: %s → 403 naming --dataset-dir', async (_what, path) => {
    const r = await start({ ...base, prompts: { source: 'jsonl', path: path() } });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatch(/^prompts\.path: .* outside the folders .*--dataset-dir/);
    expect(r.text).not.toContain('swordfish');
    expect(r.text).not.toContain('SECRET');
  });

  it('a dataset that is not a regular file or above the cap is refused', async () => {
    const d = await start({ ...base, prompts: { source: 'jsonl', path: datasets } });
    expect(d.status).toBe(403);
    expect(d.json.error).toMatch(/not a regular file/);
    const big = await start({ ...base, prompts: { source: 'jsonl', path: join(datasets, 'big.jsonl') } });
    expect(big.status).toBe(403);
    expect(big.json.error).toMatch(/above this executor's dataset cap of 1024 bytes/);
  });

  it('a malformed dataset inside the folder: the error names file and line, never its content', async () => {
    const r = await start({ ...base, prompts: { source: 'jsonl', path: join(datasets, 'broken.jsonl') } });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/broken\.jsonl:1: malformed JSON/);
    expect(r.text).not.toContain('SECRET');
    expect(r.text).not.toContain('hunter2');
  });
});

describe('POST bodies are JSON only', () => {
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    '%s → 415 (a browser "simple" request cannot start load)',
    async (type) => {
      const r = await start(base, { 'content-type': type });
      expect(r.status).toBe(415);
      expect(r.json.error).toMatch(/content-type: application\/json/);
      expect(ex.running).toBe(false);
    },
  );
});

describe('caps answer 400 naming the cap', () => {
  it.each([
    [{ clients_per_node: 20_000 }, 'clients_per_node', /cap of 4096 .*--max-users/],
    [{ target_rps: 1e9 }, 'target_rps', /ceiling of 20,000 req\/s .*--max-rps/],
    [{ target_rps: 100, max_concurrency: 1e6 }, 'max_concurrency', /cap of 8192 .*--max-concurrency/],
  ])('%o', async (extra, cap, message) => {
    const r = await start({ ...base, ...extra });
    expect(r.status).toBe(400);
    expect(r.json.cap).toBe(cap);
    expect(r.json.error).toMatch(message);
    expect(ex.running).toBe(false);
  });

  it("the rate cap applies to this executor's share of target_rps", async () => {
    const r = await start({ ...base, target_rps: 30_000, executor_count: 1 });
    expect(r.status).toBe(400);
    const share = await start({
      ...base,
      target_rps: 30_000,
      executor_count: 2,
      executor_index: 0,
      duration: 0.01,
    });
    expect(share.status).not.toBe(400);
    await ex.stop();
  });
});

describe('a token is required', () => {
  it('without the token a POST is 401: /start, /release, /stop', async () => {
    const r = await start(base, { authorization: 'Bearer wrong' });
    expect(r.status).toBe(401);
    // a held start waits for its release: only the token's holder may release or stop it
    expect((await start({ ...base, target_rps: 1, await_release: true })).status).toBe(200);
    for (const path of ['/release', '/stop']) {
      const res = await ex.app.request(path, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      });
      expect(res.status, path).toBe(401);
    }
    expect(ex.status()).toMatchObject({ running: true, phase: 'prepared' });
    await ex.stop();
  });

  it('hpcbench executor without a token refuses to start (E006), unless --insecure', async () => {
    const r = await runCli(['executor', '--service', 'dummy', '--port', '0'], {
      env: { HPCBENCH_TOKEN: '' },
      timeout: 60_000,
    });
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(/^E006: the executor needs a bearer token/m);
    const wide = await runCli(
      ['executor', '--service', 'dummy', '--port', '0', '--insecure', '--host', '0.0.0.0'],
      {
        env: { HPCBENCH_TOKEN: '' },
        timeout: 60_000,
      },
    );
    expect(wide.exitCode).toBe(1);
    expect(String(wide.stderr)).toMatch(/E006: --insecure listens on loopback only/);
  }, 120_000);

  it('--insecure (in process: insecure, no token) warns on every /start; no token off loopback cannot listen', async () => {
    const seen: string[] = [];
    const open = ServiceFactory.createWorkloadExecutor('dummy', 0, {
      insecure: true,
      log: (m) => seen.push(m),
    });
    const r = await open.app.request('/start', {
      method: 'POST',
      body: JSON.stringify({ ...base, clients_per_node: 20_000 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(seen.some((m) => /warning: started with --insecure/.test(m))).toBe(true);
    const wide = ServiceFactory.createWorkloadExecutor('dummy', 0, { host: '0.0.0.0' });
    await expect(wide.listen()).rejects.toThrow(/without a token listens on loopback only/);
  });
});
