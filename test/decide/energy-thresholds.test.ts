/** Thresholds over the energy figures: units (J/kJ, W/kW, per J), direction, no value without power readings. */
import { describe, expect, it } from 'vitest';
import { evaluateThresholds, formatFigure } from '../../src/decide/evaluate.js';
import { figure } from '../../src/decide/figures.js';
import { parseThreshold } from '../../src/decide/threshold.js';
import type { EnergyReport } from '../../src/monitor/energy.js';

const energy = {
  energy_j: 1500,
  avg_power_w: 450,
  avg_power_per_gpu_w: 225,
  output_tokens_per_j: 0.8,
  j_per_output_token: 1.25,
  j_per_request: 150,
} as EnergyReport;

describe('energy thresholds', () => {
  it('parse with their units and evaluate on summary.json energy', () => {
    const limit = (c: string) => {
      const p = parseThreshold(c);
      return p.ok ? p.threshold.value : p.message;
    };
    expect(limit('energy.energy_j < 2kJ')).toBe(2000);
    expect(limit('energy.avg_power_w < 1.2kW')).toBe(1200);
    expect(limit('energy.output_tokens_per_j > 0.5/J')).toBe(0.5);
    expect(limit('energy.avg_power_w < 5ms')).toMatch(/takes watts/);
    expect(figure('energy.output_tokens_per_j')?.better).toBe('higher');
    expect(figure('energy.j_per_request')?.better).toBe('lower');
    const r = evaluateThresholds(
      [
        'energy.output_tokens_per_j > 0.5',
        'energy.j_per_request < 100J',
        'energy.avg_power_per_gpu_w <= 225W',
      ],
      { energy },
    );
    expect(r.map((t) => [t.actual, t.pass])).toEqual([
      [0.8, true],
      [150, false],
      [225, true],
    ]);
    expect(formatFigure(1500, 'J')).toBe('1500.0J');
    expect(formatFigure(0.8, 'per_J')).toBe('0.800/J');
  });

  it('without power readings the figure has no value and the threshold fails', () => {
    const [t] = evaluateThresholds(['energy.output_tokens_per_j > 0.5'], {});
    expect(t).toMatchObject({ actual: null, pass: false });
  });
});
