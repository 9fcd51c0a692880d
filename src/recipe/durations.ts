/**
 * Durations stay in the recipe as the user wrote them ('30s', '15m', 90); `seconds()` reads one as a
 * number of seconds. The expanded benchmarks (`expandBenchmarks`) carry seconds already.
 */

import type { Duration } from '../contracts/index.js';
import { ConfigValidationError } from '../errors.js';
import { DURATION_HELP, parseDuration } from '../util/duration.js';

export function seconds(value: Duration, field = 'duration'): number {
  const s = parseDuration(value);
  if (s === undefined)
    throw new ConfigValidationError(`${field}: expected ${DURATION_HELP}, got ${JSON.stringify(value)}`);
  return s;
}

export function optionalSeconds(value: Duration | undefined, field?: string): number | undefined {
  return value === undefined ? undefined : seconds(value, field);
}
