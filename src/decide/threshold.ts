/**
 * Threshold conditions over reported figures, as written in a recipe (`thresholds:`) or on the command
 * line (`hpcbench check --threshold`): `FIGURE OP VALUE[UNIT]`, e.g. `ttft.p99 < 500ms`,
 * `error_rate < 1%`, `goodput_ratio >= 0.95`, `output_tokens_per_s > 1000`.
 */
import type { FigureUnit, ThresholdOperator } from '../results-folder/types.js';
import { type Figure, figure, figureNamesHelp } from './figures.js';

export interface Threshold {
  /** The condition as written. */
  text: string;
  figure: Figure;
  op: ThresholdOperator;
  /** The limit in the figure's unit (ms, fraction, per second, count). */
  value: number;
}

export type ParsedThreshold = { ok: true; threshold: Threshold } | { ok: false; message: string };

const CONDITION =
  /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*([A-Za-zµ%/]*)\s*$/;
const MS_UNITS: Record<string, number> = { ms: 1, s: 1000, us: 0.001, µs: 0.001, m: 60_000 };

const UNIT_HELP: Record<FigureUnit, string> = {
  ms: 'a latency in ms (bare number), or with a unit: us, ms, s, m',
  ratio: 'a fraction (0.95) or a percentage (95%)',
  per_s: 'a number per second (optionally written with /s)',
  count: 'a whole number',
  J: 'joules (bare number, or with J or kJ)',
  W: 'watts (bare number, or with W or kW)',
  per_J: 'a number per joule (optionally written with /J)',
};

function limit(unit: FigureUnit, n: number, suffix: string): number | undefined {
  if (unit === 'ms')
    return suffix === '' ? n : MS_UNITS[suffix] !== undefined ? n * MS_UNITS[suffix] : undefined;
  if (unit === 'ratio') return suffix === '%' ? n / 100 : suffix === '' ? n : undefined;
  if (unit === 'per_s') return suffix === '' || suffix === '/s' ? n : undefined;
  if (unit === 'J' || unit === 'W')
    return suffix === '' || suffix === unit ? n : suffix === `k${unit}` ? n * 1000 : undefined;
  if (unit === 'per_J') return suffix === '' || suffix === '/J' ? n : undefined;
  return suffix === '' ? n : undefined;
}

export const THRESHOLD_HELP = "a condition 'FIGURE OP VALUE', OP one of < <= > >=, e.g. 'ttft.p99 < 500ms'";

export function parseThreshold(text: unknown): ParsedThreshold {
  if (typeof text !== 'string') return { ok: false, message: `expected ${THRESHOLD_HELP}` };
  const m = CONDITION.exec(text);
  if (!m) return { ok: false, message: `'${text}' is not ${THRESHOLD_HELP}` };
  const [, name, op, num, suffix] = m;
  const fig = figure(name);
  if (!fig)
    return {
      ok: false,
      message: `unknown figure '${name}' in '${text}'; valid figures: ${figureNamesHelp()}`,
    };
  const value = limit(fig.unit, Number(num), suffix);
  if (value === undefined)
    return { ok: false, message: `'${num}${suffix}' in '${text}': ${fig.name} takes ${UNIT_HELP[fig.unit]}` };
  return { ok: true, threshold: { text: text.trim(), figure: fig, op: op as ThresholdOperator, value } };
}

/** Why a run figure (`search.capacity_rps`) cannot be a benchmark's condition. */
export function runFigureMessage(name: string): string {
  return `${name} is a figure of the whole run (its capacity search), not of one benchmark: check it after the run with hpcbench check RUN_DIR --threshold '${name} >= ...'`;
}

export function holds(op: ThresholdOperator, actual: number, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
  }
}
