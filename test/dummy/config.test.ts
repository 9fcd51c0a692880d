/** parseDummyConfig (E006 naming servers.service_config.<field>) and the shared tokenizer. */
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../../src/errors.js';
import {
  DUMMY_DEFAULTS,
  parseDummyConfig,
  unknownDummyConfigKeys,
} from '../../src/services/dummy/sim/index.js';
import { countTokens, generateText, tokenText } from '../../src/util/tokenizer.js';

function issues(raw: unknown, file?: string) {
  try {
    parseDummyConfig(raw, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as ConfigValidationError).code).toBe('E006');
    return (err as ConfigValidationError).issues;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('parseDummyConfig', () => {
  it('defaults, numbers given as strings (flags), model lists', () => {
    expect(parseDummyConfig(undefined)).toEqual(DUMMY_DEFAULTS);
    const c = parseDummyConfig({
      max_num_seqs: '8',
      decode_step_ms: 25,
      models: 'a, b',
      model: 'c',
      gpu_layers: 3,
    });
    expect(c.max_num_seqs).toBe(8);
    expect(c.decode_step_ms).toBe(25);
    expect(c.models).toEqual(['a', 'b', 'c']);
    expect(unknownDummyConfigKeys({ gpu_layers: 3, model: 'x', seed: 1 })).toEqual(['gpu_layers']);
  });

  it('bad values name the field and what is allowed', () => {
    const found = issues(
      { max_num_seqs: 0, error_rate: 1.5, output_tokens_distribution: 'zipf', decode_step_ms: 0 },
      'r.yaml',
    );
    const byPath = Object.fromEntries(found.map((i) => [i.path, i]));
    expect(byPath['servers.service_config.max_num_seqs'].message).toMatch(/integer >= 1/);
    expect(byPath['servers.service_config.error_rate'].message).toMatch(/from 0 to 1/);
    expect(byPath['servers.service_config.output_tokens_distribution'].message).toMatch(
      /fixed, uniform, normal, exponential/,
    );
    expect(byPath['servers.service_config.decode_step_ms'].message).toMatch(/> 0/);
    expect(found.every((i) => i.file === 'r.yaml')).toBe(true);
    expect(issues({ output_tokens_min: 10, output_tokens_max: 5 })[0].path).toBe(
      'servers.service_config.output_tokens_min',
    );
    expect(issues('fast')[0].path).toBe('servers.service_config');
    expect(issues({ seed: 1.5 })[0].path).toBe('servers.service_config.seed');
    expect(issues({ spin_share: 2 })[0]).toMatchObject({
      path: 'servers.service_config.spin_share',
      message: expect.stringMatching(/from 0 to 1/),
    });
  });
});

describe('tokenizer', () => {
  it('counts word runs and single punctuation characters', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('   ')).toBe(0);
    expect(countTokens('Hello, world!')).toBe(4);
    expect(countTokens('snake_case x2 3.14')).toBe(5); // snake_case, x2, 3, ., 14
    expect(countTokens('naïve café')).toBe(2);
    expect(countTokens('a\tb\nc')).toBe(3);
  });

  it('generated text has exactly the asked number of tokens, also as concatenated chunks', () => {
    for (const n of [0, 1, 7, 1000, 70000]) expect(countTokens(generateText(n, 3))).toBe(n);
    let s = '';
    for (let k = 0; k < 50; k++) s += tokenText(9, k);
    expect(countTokens(s)).toBe(50);
  });
});
