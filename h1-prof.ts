import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POST_HEADERS, spawnReady, stopReady, childSetup, cpuMsOf } from './bench/lib.js';
const here = process.cwd();
const TOKENS = 16;
const STREAM_BODY = JSON.stringify({ model: 'dummy-model', prompt: 'x '.repeat(16), max_tokens: TOKENS, stream: true, stream_options: { include_usage: true } });
const prof = process.argv[2] === 'prof';
const mock = await spawnReady(process.execPath, (r) => ['--import', 'tsx', join(here, 'bench/floor/mock-server.ts'), '0', '0', r], { cpu: '1' });
const setup = childSetup(['executor']);
const exec = await spawnReady(process.execPath, (r) => [...(prof ? ['--cpu-prof', '--cpu-prof-dir', '/tmp/h1-prof'] : []), join(here, 'bin/hpcbench.js'), 'executor', '--service', 'dummy', ...setup.args, '--port', '0', '--ready-file', r], { cpu: '0', env: setup.env });
async function run(d: number, rec?: string) {
  await fetch(`${exec.url}/start`, { method: 'POST', headers: POST_HEADERS, body: JSON.stringify({ benchmark: 'bench', model: 'dummy-model', warmup: 1, server_url: mock.url, duration: d, clients_per_node: 64, stream: true, max_tokens: TOKENS, prompts: { source: 'synthetic', input_tokens: TOKENS, output_tokens: TOKENS }, records_path: rec }) });
  for (;;) { await new Promise((r) => setTimeout(r, 250)); const s = await (await fetch(`${exec.url}/status`, { headers: POST_HEADERS })).json(); if (!s.running) break; }
}
await run(2);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${exec.pid}/status`, 'utf8'))![1]) / 1024;
for (let i = 0; i < Number(process.argv[3] ?? 2); i++) {
  const c0 = cpuMsOf(exec.pid);
  const rec = `/tmp/h1-rec-${i}.jsonl`;
  await run(4, rec);
  const lines = readFileSync(rec, 'utf8').split('\n').length - 1;
  console.log(`round ${i}: ${lines} records, ${(((cpuMsOf(exec.pid) - c0) * 1000) / lines).toFixed(1)} us/req, rss ${rss().toFixed(1)} MB`);
  (await import('node:fs')).rmSync(rec);
}
await stopReady(exec);
await stopReady(mock);
