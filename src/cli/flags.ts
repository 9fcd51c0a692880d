/** Numeric CLI flags with E006 errors naming the flag and what is allowed. */
import { ConfigValidationError } from '../errors.js';
import { DURATION_HELP, parseDuration } from '../util/duration.js';

export function positiveSeconds(flag: string, value: string): number {
  const s = parseDuration(value);
  if (s === undefined || s <= 0) {
    throw new ConfigValidationError(`invalid ${flag} '${value}'`, [
      { severity: 'error', path: flag, message: `'${value}' is not ${DURATION_HELP} (> 0)` },
    ]);
  }
  return s;
}

export function portNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 65535) {
    throw new ConfigValidationError(`invalid ${flag} '${value}'`, [
      { severity: 'error', path: flag, message: 'a TCP port number 1-65535' },
    ]);
  }
  return n;
}
