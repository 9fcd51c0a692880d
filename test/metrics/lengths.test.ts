/** Token lengths per request: recorded per ok request, merged exactly across executors, summarised. */
import { describe, expect, it } from 'vitest';
import { mergeSnapshots } from '../../src/metrics/merge.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import { mulberry32 } from '../../src/util/rng.js';
import { craft } from './records.js';

const T = 1_700_000_000_000;

/** HdrHistogram's percentile of raw values: the smallest value covering p%. */
function exact(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('token lengths', () => {
  it('prompt and output lengths of 3 executors merge to the percentiles of the union (exact below 2048)', () => {
    const rng = mulberry32(3);
    const prompts: number[] = [];
    const outputs: number[] = [];
    const snaps = [0, 1, 2].map((i) => {
      const rec = new MetricsRecorder({ source: `n${i}` });
      rec.windowStart = T;
      for (let k = 0; k < 300 + 100 * i; k++) {
        // each executor a different range: the union's percentiles differ from any one's
        const prompt = 1 + Math.floor(rng() * 500 * (i + 1));
        const output = 1 + Math.floor(rng() * 64) + 200 * i;
        prompts.push(prompt);
        outputs.push(output);
        const sent = T + k;
        rec.add(craft({ sent, chunks: [sent + 5, sent + 9], prompt, output }));
      }
      // a failed request's lengths are not counted (as in tokens.prompt / tokens.output)
      rec.add(craft({ sent: T + 1, status: 'error', error: 'http_500', prompt: 99_999 }));
      const s = rec.snapshot();
      rec.destroy();
      return s;
    });
    const s = summarize(mergeSnapshots(snaps), 'b');
    prompts.sort((a, b) => a - b);
    outputs.sort((a, b) => a - b);
    const p = s.lengths?.prompt_tokens;
    const o = s.lengths?.output_tokens;
    expect(p?.count).toBe(prompts.length);
    expect(o?.count).toBe(s.requests.ok);
    for (const [st, pct] of [
      ['p50', 50],
      ['p90', 90],
      ['p99', 99],
    ] as const) {
      expect(p?.[st]).toBe(exact(prompts, pct));
      expect(o?.[st]).toBe(exact(outputs, pct));
    }
    expect(p?.min).toBe(prompts[0]);
    expect(p?.max).toBe(prompts[prompts.length - 1]);
    // the histograms hold the same tokens as the totals
    expect(Math.round(p!.mean * p!.count)).toBe(s.tokens.prompt);
    expect(Math.round(o!.mean * o!.count)).toBe(s.tokens.output);
  });

  it('a snapshot without lengths (an older executor) merges and summarises without them', () => {
    const rec = new MetricsRecorder();
    rec.windowStart = T;
    rec.add(craft({ sent: T, chunks: [T + 1, T + 2], prompt: 7, output: 2 }));
    const { lengths: _l, ...old } = rec.snapshot();
    rec.destroy();
    expect(summarize(mergeSnapshots([old]), 'b').lengths).toBeUndefined();
  });
});
