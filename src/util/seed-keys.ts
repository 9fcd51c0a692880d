/**
 * Options objects that also accept the seed's (Python) snake_case keys: `output_file` for `outputFile`.
 * A key that is neither an option nor a seed alias is E006 naming it and listing what is allowed; so is
 * an option given in both spellings.
 */
import { ConfigValidationError } from '../errors.js';

/**
 * `input` with every seed alias renamed to its option name. `what` names the object in messages
 * (`Monitor`, `LogSource`); `allowed` lists the option names; `aliases` maps seed key → option name.
 */
export function withSeedKeys<T extends object>(
  input: object,
  what: string,
  allowed: readonly string[],
  aliases: Readonly<Record<string, string>>,
): T {
  const out: Record<string, unknown> = {};
  const fail = (path: string, message: string): never => {
    throw new ConfigValidationError(`${what}: ${path}: ${message}`, [{ severity: 'error', path, message }]);
  };
  for (const [key, value] of Object.entries(input)) {
    const name = aliases[key] ?? key;
    if (!allowed.includes(name)) {
      const names = [...allowed, ...Object.keys(aliases)].join(', ');
      fail(key, `unknown key "${key}"; allowed: ${names}`);
    }
    if (name in out) fail(key, `"${key}" and "${name}" are the same option; give one`);
    if (value !== undefined) out[name] = value;
  }
  return out as T;
}
