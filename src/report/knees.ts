/**
 * The knees of a run's suite or sweep (src/decide/knee.ts) from its benchmarks' parameters and summaries:
 * throughput = requests/s, latency = E2E p50. Written to summary.json (`knees`), summary.md and report.html.
 */
import { type Knee, kneeText, sweepKnees } from '../decide/knee.js';
import type { BenchmarkSummary } from '../metrics/types.js';
import { type BenchmarkParameters, varyingParameters } from './params.js';

export interface KneeBenchmark {
  name: string;
  parameters?: BenchmarkParameters;
  summary?: BenchmarkSummary;
}

/** The knees over the load of these benchmarks (empty when the load does not vary). */
export function runKnees(list: KneeBenchmark[]): Knee[] {
  const measured = list.filter((b) => b.parameters && (b.summary?.requests.ok ?? 0) > 0);
  const varying = varyingParameters(measured.map((b) => b.parameters ?? {}));
  return sweepKnees(
    measured.map((b) => ({
      name: b.name,
      params: b.parameters ?? {},
      throughput: b.summary?.throughput.requests_per_s,
      latency: b.summary?.latency_ms.e2e?.p50,
    })),
    varying,
  );
}

/** summary.md's `## Knee` section (empty string without knees). */
export function renderKneeMarkdown(knees: Knee[]): string {
  if (knees.length === 0) return '';
  return `${['## Knee', '', ...knees.map((k) => `- ${kneeText(k)}`)].join('\n')}\n`;
}
