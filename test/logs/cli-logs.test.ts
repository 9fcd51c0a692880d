import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfCommand } from '../../src/util/self.js';
import { runCli } from '../helpers/cli.js';

const rec = (node: string, component: string, stream: string, line: string, s: number) =>
  `${JSON.stringify({ ts: `2026-01-01T00:00:${String(s).padStart(2, '0')}.000Z`, node, component, stream, line })}\n`;

describe('hpcbench logs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-logs-'));
    mkdirSync(join(dir, 'logs'));
    writeFileSync(
      join(dir, 'logs', 'aggregated.jsonl'),
      rec('n1', 'server', 'stdout', 'model loaded', 1) +
        rec('n2', 'client', 'stderr', 'request 3 failed: timeout', 2) +
        rec('n1', 'orchestrator', 'stdout', 'benchmark started', 3) +
        rec('n3', 'client', 'stdout', 'request 4 ok', 4),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every line, or only the node / component / regex asked for', async () => {
    const all = await runCli(['logs', dir]);
    expect(all.exitCode).toBe(0);
    expect(String(all.stdout).split('\n')).toEqual([
      '2026-01-01T00:00:01.000Z [n1/server] model loaded',
      '2026-01-01T00:00:02.000Z [n2/client:stderr] request 3 failed: timeout',
      '2026-01-01T00:00:03.000Z [n1/orchestrator] benchmark started',
      '2026-01-01T00:00:04.000Z [n3/client] request 4 ok',
    ]);
    expect(String((await runCli(['logs', dir, '--node', 'n1'])).stdout).split('\n')).toHaveLength(2);
    const clients = await runCli(['logs', dir, '--component', 'client', '--grep', 'fail(ed)?']);
    expect(String(clients.stdout)).toBe(
      '2026-01-01T00:00:02.000Z [n2/client:stderr] request 3 failed: timeout',
    );
  });

  it('E006 for a folder without logs or a bad regex', async () => {
    const r = await runCli(['logs', join(dir, 'nope')]);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(/^E006: no logs in/);
    expect(String(r.stderr)).toMatch(/does not exist/);
    const empty = mkdtempSync(join(tmpdir(), 'cli-logs-empty-'));
    const e = await runCli(['logs', empty]);
    rmSync(empty, { recursive: true });
    expect(String(e.stderr)).toMatch(
      /expected logs\/aggregated\.jsonl .* or component logs in logs\/\*\.log/,
    );
    expect(String(e.stderr)).not.toMatch(/create_jsonl/);
    const g = await runCli(['logs', dir, '--grep', '(']);
    expect(String(g.stderr)).toMatch(/^E006: invalid --grep/);
  });

  it('sorts by the event time the line carries and prints one timestamp per line', async () => {
    const d = mkdtempSync(join(tmpdir(), 'cli-logs-sort-'));
    mkdirSync(join(d, 'logs'));
    // read by the collector in this order; the executor's line happened after the orchestrator's
    writeFileSync(
      join(d, 'logs', 'aggregated.jsonl'),
      rec('c1', 'client', 'stdout', '2026-01-01T00:00:00.785Z executor c1: closed loop: 4 users', 9) +
        rec('vm', 'orchestrator', 'stdout', '2026-01-01T00:00:00.626Z orchestrator: phase recipe start', 9) +
        rec('s1', 'server', 'stdout', 'listening (no timestamp of its own)', 0),
    );
    const r = await runCli(['logs', d]);
    rmSync(d, { recursive: true });
    expect(String(r.stdout).split('\n')).toEqual([
      '2026-01-01T00:00:00.000Z [s1/server] listening (no timestamp of its own)',
      '2026-01-01T00:00:00.626Z [vm/orchestrator] orchestrator: phase recipe start',
      '2026-01-01T00:00:00.785Z [c1/client] executor c1: closed loop: 4 users',
    ]);
  });

  it('reads the component log files of a folder without aggregated.jsonl (attach mode)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'cli-logs-attach-'));
    mkdirSync(join(d, 'logs'));
    writeFileSync(
      join(d, 'logs', 'orchestrator.log'),
      '2026-01-01T00:00:01.000Z orchestrator: phase recipe start\n2026-01-01T00:00:03.000Z orchestrator: benchmark default done\n',
    );
    writeFileSync(
      join(d, 'logs', 'client-1-executor.log'),
      'hpcbench executor listening\n2026-01-01T00:00:02.000Z executor client-1: closed loop\ncontinued line\n',
    );
    writeFileSync(join(d, 'logs', 'stdout.log'), 'collector output, not a component\n');
    const r = await runCli(['logs', d]);
    const orch = await runCli(['logs', d, '--component', 'orchestrator']);
    rmSync(d, { recursive: true });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout).split('\n')).toEqual([
      '------------------------ [client-1/executor] hpcbench executor listening',
      '2026-01-01T00:00:01.000Z [orchestrator/orchestrator] orchestrator: phase recipe start',
      '2026-01-01T00:00:02.000Z [client-1/executor] executor client-1: closed loop',
      '2026-01-01T00:00:02.000Z [client-1/executor] continued line',
      '2026-01-01T00:00:03.000Z [orchestrator/orchestrator] orchestrator: benchmark default done',
    ]);
    expect(String(orch.stdout).split('\n')).toHaveLength(2);
  });

  it('--follow prints lines appended later', async () => {
    const { command, args } = selfCommand('logs', dir, '--follow', '--component', 'server');
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const deadline = Date.now() + 30_000;
    const waitFor = async (text: string) => {
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no '${text}' in: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor('model loaded');
      appendFileSync(join(dir, 'logs', 'aggregated.jsonl'), rec('n1', 'client', 'stdout', 'not me', 5));
      appendFileSync(
        join(dir, 'logs', 'aggregated.jsonl'),
        rec('n1', 'server', 'stdout', 'late server line', 6),
      );
      await waitFor('late server line');
    } finally {
      process.kill(child.pid!, 'SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).not.toContain('not me');
  });
});
