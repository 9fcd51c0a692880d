/**
 * The raw per-request records of a benchmark (`records-<node>.jsonl`) as typed arrays for resampling:
 * the measured requests' latencies (docs/metrics.md definitions, through `deriveMetrics`), their
 * inter-chunk gaps grouped by request, and completion times with counts for rates.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { MAX_TURN_FIGURES, type RequestRecord, type Slo } from '../contracts/index.js';
import { deriveMetrics, meetsSlo } from '../metrics/derive.js';

export type LatencyName = 'ttft' | 'itl' | 'tpot' | 'e2e';

/** Values grouped by request: request i's values are `values[offsets[i]..offsets[i+1])`. */
export interface Grouped {
  values: Float64Array;
  offsets: Int32Array;
}

/** Multi-turn sessions: one turn index's ok turns, one value per turn (TTFT, TPOT: those that have one). */
export interface TurnSamples {
  ttft: Grouped;
  tpot: Grouped;
  e2e: Grouped;
  prompt_tokens: Grouped;
}

export interface Samples {
  /** Measured requests that finished (ok + failed + cancelled). */
  sent: number;
  /** Per ok request (TTFT, TPOT: only those that have one); ITL: every gap of every ok request. */
  latency: Record<LatencyName, Grouped>;
  /** Per measured request: completion time (epoch ms), 0/1 flags and output tokens (ok requests). */
  end: Float64Array;
  ok: Uint8Array;
  failed: Uint8Array;
  good: Uint8Array;
  outputTokens: Float64Array;
  /**
   * Multi-turn sessions: by turn index, capped at MAX_TURN_FIGURES (the last holds every later turn) as
   * summary.json's `per_turn` is; empty without sessions.
   */
  turns: Map<number, TurnSamples>;
}

class GroupBuilder {
  private values: number[] = [];
  private offsets: number[] = [0];
  add(vs: readonly number[]): void {
    if (!vs.length) return;
    for (const v of vs) this.values.push(v);
    this.offsets.push(this.values.length);
  }
  build(): Grouped {
    return { values: Float64Array.from(this.values), offsets: Int32Array.from(this.offsets) };
  }
}

type TurnBuilders = Record<keyof TurnSamples, GroupBuilder>;

const turnBuilders = (): TurnBuilders => ({
  ttft: new GroupBuilder(),
  tpot: new GroupBuilder(),
  e2e: new GroupBuilder(),
  prompt_tokens: new GroupBuilder(),
});

type Line = Omit<RequestRecord, 'chunks'> & { chunk_offsets_ms?: number[] };

/** Reads every records file of a benchmark; `slo` decides which ok requests are good (goodput). */
export async function readSamples(files: readonly string[], slo?: Slo): Promise<Samples> {
  const groups = {
    ttft: new GroupBuilder(),
    itl: new GroupBuilder(),
    tpot: new GroupBuilder(),
    e2e: new GroupBuilder(),
  };
  const end: number[] = [];
  const ok: number[] = [];
  const failed: number[] = [];
  const good: number[] = [];
  const tokens: number[] = [];
  const turns = new Map<number, TurnBuilders>();
  for (const file of files) {
    const lines = createInterface({
      input: createReadStream(file, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const text of lines) {
      if (!text) continue;
      let r: Line;
      try {
        r = JSON.parse(text) as Line;
      } catch {
        continue; // a line cut by a killed executor
      }
      if (r.warmup) continue;
      const isOk = r.status === 'ok';
      end.push(r.end);
      ok.push(isOk ? 1 : 0);
      failed.push(r.status === 'error' ? 1 : 0);
      tokens.push(isOk ? r.output_tokens : 0);
      if (!isOk) {
        good.push(0);
        continue;
      }
      const m = deriveMetrics({ ...r, chunks: [] } as RequestRecord);
      good.push(meetsSlo(m, slo) ? 1 : 0);
      if (m.ttft !== undefined) groups.ttft.add([m.ttft]);
      if (m.tpot !== undefined) groups.tpot.add([m.tpot]);
      groups.e2e.add([m.e2e]);
      const offs = r.chunk_offsets_ms ?? [];
      const gaps: number[] = [];
      for (let i = 1; i < offs.length; i++) gaps.push(offs[i] - offs[i - 1]);
      groups.itl.add(gaps);
      if (r.turn !== undefined) {
        const k = Math.min(Math.max(1, r.turn), MAX_TURN_FIGURES);
        let t = turns.get(k);
        if (!t) {
          t = turnBuilders();
          turns.set(k, t);
        }
        if (m.ttft !== undefined) t.ttft.add([m.ttft]);
        if (m.tpot !== undefined) t.tpot.add([m.tpot]);
        t.e2e.add([m.e2e]);
        t.prompt_tokens.add([Math.max(0, Math.round(r.prompt_tokens))]);
      }
    }
  }
  return {
    sent: end.length,
    latency: {
      ttft: groups.ttft.build(),
      itl: groups.itl.build(),
      tpot: groups.tpot.build(),
      e2e: groups.e2e.build(),
    },
    end: Float64Array.from(end),
    ok: Uint8Array.from(ok),
    failed: Uint8Array.from(failed),
    good: Uint8Array.from(good),
    outputTokens: Float64Array.from(tokens),
    turns: new Map(
      [...turns]
        .sort((x, y) => x[0] - y[0])
        .map(([k, t]) => [
          k,
          {
            ttft: t.ttft.build(),
            tpot: t.tpot.build(),
            e2e: t.e2e.build(),
            prompt_tokens: t.prompt_tokens.build(),
          },
        ]),
    ),
  };
}
