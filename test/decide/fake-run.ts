/**
 * Results folders made in-process from a simulator-like model, for compare tests: closed-loop requests
 * with queueing, prefill and decode steps (the simulated service's model, docs/simulated-service.md, with
 * seeded jitter), recorded through the real MetricsRecorder into summary.json and records-*.jsonl.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionFigures, RequestRecord } from '../../src/contracts/index.js';
import { rng } from '../../src/decide/stats.js';
import { newRecord, recordToJson } from '../../src/loadgen/record.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { EnergyReport } from '../../src/monitor/energy.js';

export interface Model {
  requests: number;
  users: number;
  decodeStepMs: number;
  prefillMs: number;
  /** Multiplies every latency (a known shift). */
  scale?: number;
  errorRate?: number;
  /**
   * Multi-turn sessions of this many turns: each user's requests are the turns of one session after
   * another, turn k sending `promptPerTurn` × k prompt tokens (the conversation so far).
   */
  turns?: number;
  promptPerTurn?: number;
  /** Multiplies the latencies of the turns after the first (a known shift of the later turns). */
  laterScale?: number;
}

export const BASE: Model = { requests: 400, users: 8, decodeStepMs: 10, prefillMs: 20 };

/** Exponential jitter with mean `m`. */
const expo = (r: () => number, m: number) => -Math.log(1 - r()) * m;

export function records(name: string, m: Model, seed: number): RequestRecord[] {
  const r = rng(seed);
  const scale = m.scale ?? 1;
  const free = Array.from({ length: m.users }, () => 1_000_000);
  const out: RequestRecord[] = [];
  for (let i = 0; i < m.requests; i++) {
    const u = i % m.users;
    const turn = m.turns ? (Math.floor(i / m.users) % m.turns) + 1 : undefined;
    const shift = turn !== undefined && turn > 1 ? (m.laterScale ?? 1) : 1;
    const prompt = turn !== undefined ? (m.promptPerTurn ?? 64) * turn : 64;
    const rec = newRecord({
      id: `x-${i}`,
      benchmark: name,
      executor: 'x',
      warmup: false,
      api: 'completions',
      stream: true,
      scheduled: free[u],
      prompt_tokens_client: prompt,
    });
    if (turn !== undefined) {
      rec.session = `x-s${u}-${Math.floor(i / m.users / (m.turns ?? 1))}`;
      rec.turn = turn;
    }
    rec.sent = free[u];
    const tokens = 16 + Math.floor(r() * 33);
    if (r() < (m.errorRate ?? 0)) {
      rec.status = 'error';
      rec.error = 'http_500';
      rec.end = rec.sent + 2;
    } else {
      let t = rec.sent + shift * scale * (m.prefillMs + expo(r, m.prefillMs / 2));
      rec.first_token = t;
      rec.chunks.push(t);
      for (let k = 1; k < tokens; k++) {
        t +=
          shift * scale * (m.decodeStepMs + expo(r, m.decodeStepMs * 0.1) + (r() < 0.02 ? expo(r, 20) : 0));
        rec.chunks.push(t);
      }
      rec.last_token = t;
      rec.end = t + 0.2;
      rec.status = 'ok';
      rec.output_tokens = tokens;
      rec.prompt_tokens = prompt;
    }
    free[u] = rec.end + 0.1;
    out.push(rec);
  }
  return out.sort((a, b) => a.end - b.end);
}

/**
 * Writes a results folder with one benchmark per entry of `benchmarks` (name → model, seed, energy, the
 * executors' connections).
 */
export async function writeRun(
  dir: string,
  benchmarks: Record<
    string,
    { model: Model; seed: number; energy?: Partial<EnergyReport>; connections?: ConnectionFigures }
  >,
): Promise<string> {
  const names = Object.keys(benchmarks);
  for (const name of names) {
    const { model, seed, energy, connections } = benchmarks[name];
    const recs = records(name, model, seed);
    const rec = new MetricsRecorder({ benchmark: name });
    rec.windowStart = 1_000_000;
    for (const x of recs) rec.add(x);
    const snapshot = rec.snapshot();
    if (connections) snapshot.connections = connections;
    const summary = summarize(snapshot, name);
    const bdir = join(dir, 'benchmarks', name);
    await mkdir(bdir, { recursive: true });
    await writeFile(
      join(bdir, 'summary.json'),
      JSON.stringify({ status: 'completed', ...summary, ...(energy ? { energy } : {}) }),
    );
    await writeFile(
      join(bdir, 'metrics.json'),
      JSON.stringify({
        benchmark: name,
        spec: { benchmark: name, load: { mode: 'closed', clients_per_node: model.users } },
      }),
    );
    await writeFile(join(bdir, 'records-x.jsonl'), `${recs.map(recordToJson).join('\n')}\n`);
  }
  await writeFile(
    join(dir, 'run.json'),
    JSON.stringify({ scenario: 'fake', status: 'completed', benchmarks: names.map((name) => ({ name })) }),
  );
  return dir;
}
