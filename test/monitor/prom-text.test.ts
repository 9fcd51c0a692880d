import { describe, expect, it } from 'vitest';
import { parsePrometheusText, renderPrometheusText } from '../../src/util/prom-text.js';

describe('Prometheus text', () => {
  it('parses names with colons, escaped label values, special values and timestamps', () => {
    const text = [
      '# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage.',
      '# TYPE vllm:gpu_cache_usage_perc gauge',
      'vllm:gpu_cache_usage_perc{model_name="a \\"b\\" c,d",path="x\\\\y\\nz"} 0.25',
      'up 1 1700000000000',
      'h_bucket{le="+Inf"} +Inf',
      'neg -Inf',
      'n NaN',
      'broken{a="x} 3',
      'novalue',
    ].join('\n');
    const { samples, families, invalid } = parsePrometheusText(text);
    expect(families['vllm:gpu_cache_usage_perc']).toEqual({ help: 'GPU KV-cache usage.', type: 'gauge' });
    expect(samples[0]).toEqual({
      name: 'vllm:gpu_cache_usage_perc',
      labels: { model_name: 'a "b" c,d', path: 'x\\y\nz' },
      value: 0.25,
    });
    expect(samples[1]).toEqual({ name: 'up', labels: {}, value: 1, timestamp: 1700000000000 });
    expect(samples[2].value).toBe(Number.POSITIVE_INFINITY);
    expect(samples[3].value).toBe(Number.NEGATIVE_INFINITY);
    expect(samples[4].value).toBeNaN();
    expect(samples).toHaveLength(5);
    expect(invalid).toBe(2);
  });

  it('round-trips what it renders', () => {
    const text = renderPrometheusText([
      { name: 'g', help: 'a gauge', samples: [{ labels: { gpu: '0', q: 'a"b' }, value: 1.5 }, { value: 2 }] },
      { name: 'empty', help: 'skipped', samples: [] },
    ]);
    expect(text).toContain('# TYPE g gauge\n');
    expect(text).not.toContain('empty');
    const { samples } = parsePrometheusText(text);
    expect(samples).toEqual([
      { name: 'g', labels: { gpu: '0', q: 'a"b' }, value: 1.5 },
      { name: 'g', labels: {}, value: 2 },
    ]);
  });
});
