/**
 * Runs a capacity search (src/decide/search.ts): asks the strategy for the next value, runs the probe as
 * an ordinary benchmark of the run (its own folder in the results; open loop: stopped early once
 * over-saturated), judges it by the search's SLO, the over-saturation detector and the load-generator
 * gate, and repeats until the strategy is done or the run stops.
 */
import { evaluateThresholds, formatFigure } from '../decide/evaluate.js';
import { saturationText } from '../decide/saturation.js';
import {
  nextProbe,
  type Probe,
  type ProbeVerdict,
  type SearchOutcome,
  type SearchSettings,
  searchOutcome,
} from '../decide/search.js';
import { probePlan } from '../recipe/index.js';
import type { BenchmarkResult } from '../report/types.js';
import type { BenchmarkPlanLike } from './run-plan.js';

/**
 * Runs one benchmark of the run (the orchestrator's): its result and whether no benchmark can run after
 * it (no executor left, `on_failure: stop`), or it throws the run's failure. `judge` is called on a
 * result that was not interrupted, before its files are written.
 */
export type RunOne = (
  b: BenchmarkPlanLike,
  index: number,
  total: number,
  remainingSeconds: number,
  judge?: (result: BenchmarkResult) => void,
) => Promise<{ result: BenchmarkResult; halt: boolean }>;

/**
 * A probe's verdict (kept as the result's `probe`): invalid when its load generator fell behind, else pass
 * when every SLO condition holds (a figure without a value fails its condition).
 */
export function judgeProbe(result: BenchmarkResult, s: SearchSettings, value: number): Probe {
  const gen = result.load_generator;
  const slo = evaluateThresholds(s.slo, {
    ...result.summary,
    server_metrics: result.server_metrics,
    energy: result.energy,
  });
  const failed = slo.filter((c) => !c.pass);
  // over-saturated (src/decide/saturation.ts): the server cannot sustain this load, whatever the SLO
  // figures of a probe that may have been stopped early
  const saturated = result.saturation?.saturated === true;
  const verdict: ProbeVerdict = gen && !gen.valid ? 'invalid' : failed.length || saturated ? 'fail' : 'pass';
  const why =
    verdict === 'invalid'
      ? (gen?.reasons ?? [])
      : [
          ...(saturated && result.saturation ? [saturationText(result.saturation)] : []),
          ...failed.map(
            (c) =>
              `${c.figure} ${c.actual === null ? 'has no value' : `= ${formatFigure(c.actual, c.unit)}`} (${c.condition})`,
          ),
        ];
  result.probe = { field: s.field, value, verdict, why, slo };
  return { benchmark: result.name, value, verdict, why };
}

export async function runSearch(
  search: { settings: SearchSettings; base: BenchmarkPlanLike },
  one: RunOne,
  signal: AbortSignal,
  update: (o: SearchOutcome) => void,
): Promise<SearchOutcome> {
  const s = search.settings;
  const base = search.base as Parameters<typeof probePlan>[0];
  const probes: Probe[] = [];
  const probeSeconds = (search.base.spec.warmup ?? 0) + (search.base.spec.duration ?? 0);
  let stopped = false;
  update(searchOutcome(s, probes, true));
  for (let value = nextProbe(s, probes); value !== undefined; value = nextProbe(s, probes)) {
    if (signal.aborted) break;
    const plan = probePlan(base, s.field, value, probes.at(-1)?.value === value);
    const index = probes.length;
    let probe: Probe | undefined;
    const { halt } = await one(plan, index, s.max_probes, (s.max_probes - index - 1) * probeSeconds, (r) => {
      probe = judgeProbe(r, s, value);
    });
    if (probe) probes.push(probe);
    update(searchOutcome(s, probes, true));
    if (!probe || halt) {
      stopped = true; // interrupted (no verdict), or no executor left
      break;
    }
  }
  const outcome = searchOutcome(s, probes, stopped || signal.aborted);
  update(outcome);
  return outcome;
}
