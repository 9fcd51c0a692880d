/**
 * The prepare wait of `hpcbench run` (local) with a real slow preparation: the recipe's `servers.command`
 * is a small Ollama stand-in that answers /api/tags without the model and holds POST /api/pull forever,
 * streaming progress. The wait is visible (what is awaited, the last progress line, elapsed/timeout) on the
 * terminal and in logs/orchestrator.log; SIGINT during it ends the run at once: run.json interrupted
 * in phase prepare with exit code 130, the pull's connection closed by hpcbench, every child stopped.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/exit-codes.js';
import { selfCommand } from '../../src/util/self.js';
import { gone, readJson, recipe, Sandbox } from './helpers.js';

let box: Sandbox;
beforeAll(async () => {
  box = await Sandbox.create('hpcbench-faults-prep-');
});
afterAll(async () => {
  await box.close();
});

/** `ollama serve` as far as hpcbench sees it (`node fake-ollama.mjs PORT`): healthy, no models, a pull that never ends. */
const FAKE_OLLAMA = `import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
const port = process.argv[2];
const log = (line) => appendFileSync(process.env.FAKE_OLLAMA_LOG, line + '\\n');
createServer((req, res) => {
  if (req.url === '/api/tags') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"models":[]}');
  } else if (req.url === '/api/pull') {
    log('pull started');
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let n = 0;
    const t = setInterval(() => {
      n++;
      res.write(JSON.stringify({ status: 'pulling 8934d96d3f08', total: 1000, completed: Math.min(n, 999) }) + '\\n');
    }, 200);
    res.on('close', () => {
      clearInterval(t);
      log('pull closed');
    });
  } else {
    res.writeHead(404);
    res.end();
  }
}).listen(Number(port), '127.0.0.1');
`;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await f();
    if (v !== undefined) return v;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a signal during prepare', () => {
  it('the prepare wait is shown; SIGINT ends the run in phase prepare and stops every child', async () => {
    const script = box.path('fake-ollama.mjs');
    await writeFile(script, FAKE_OLLAMA);
    const pullLog = box.path('pull.log');
    await writeFile(pullLog, '');
    const file = await box.writeRecipe(
      'prep.yaml',
      recipe(
        'prep',
        { service: 'ollama', model: 'tiny:1b', duration: '5s', warmup: '0s', clients_per_node: 1 },
        {
          orchestration: { mode: 'local', node_allocation: { servers: { nodes: 1 }, clients: { nodes: 1 } } },
          servers: {
            command: `exec ${process.execPath} ${script} {port}`,
            health_check: { timeout: 60, interval: 0.5 },
          },
        },
      ),
    );
    const base = box.path('r-prep');
    const self = selfCommand('run', file, '--results-dir', base);
    const cli = execa(self.command, self.args, {
      reject: false,
      all: true,
      env: { FAKE_OLLAMA_LOG: pullLog },
    });
    let out = '';
    cli.all?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      await until('the prepare wait line', async () =>
        /waiting for ollama model tiny:1b ready \(prepare\)/.test(out) ? true : undefined,
      );
    } catch (err) {
      cli.kill('SIGKILL');
      throw err;
    }
    // what is awaited, the endpoint with its last progress line, elapsed of the timeout
    expect(out).toMatch(
      /waiting for ollama model tiny:1b ready \(prepare\): \S+ \((pulling 8934d96d3f08 \d+%|waiting for the first answer)\) — \d+s of \d+s/,
    );
    const [name] = await readdir(base);
    const run = join(base, name);
    const pids = (await readFile(join(run, 'launch', 'pids'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map(Number);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await until('the pull', async () =>
      (await readFile(pullLog, 'utf8')).includes('pull started') ? true : undefined,
    );

    cli.kill('SIGINT');
    const res = await cli;
    expect(res.exitCode, res.all).toBe(EXIT_CODES.sigint);
    expect(res.all).toMatch(/during prepare/);
    const runJson = await readJson(join(run, 'run.json'));
    expect(runJson).toMatchObject({
      status: 'interrupted',
      exit_code: EXIT_CODES.sigint,
      interrupted_phase: 'prepare',
    });
    // hpcbench closed the pull itself (the server was still running to see it), then stopped every child
    // (the stand-in writes 'pull closed' when it sees the socket close, which may come just after hpcbench exits)
    await until('the stand-in to see the pull closed', async () =>
      (await readFile(pullLog, 'utf8')).includes('pull closed') ? true : undefined,
    );
    expect(await readFile(pullLog, 'utf8')).toMatch(/pull started\npull closed\n/);
    expect(await gone(pids)).toEqual([]);
    const log = await readFile(join(run, 'logs', 'orchestrator.log'), 'utf8');
    expect(log).toMatch(
      /phase prepare: waiting for ollama model tiny:1b ready \(prepare\): .* — \d+s of \d+s/,
    );
  }, 180_000);
});
