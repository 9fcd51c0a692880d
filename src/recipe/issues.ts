/** zod issues → ConfigIssues located in the source, each naming the field and what is allowed. */
import type { z } from 'zod';
import type { ConfigIssue } from '../errors.js';
import { UNSETTABLE_FIELDS } from './schema/workload.js';
import { issueAt, type PathSegment, type RecipeSource } from './source.js';

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function describe(issue: z.core.$ZodIssue, present: boolean): string {
  const msg = issue.message;
  if (!present && issue.code === 'invalid_type') return `required: ${msg.replace(/^required: /, '')}`;
  if (issue.code === 'invalid_type' && /^Invalid input/.test(msg)) {
    const names: Record<string, string> = { object: 'a mapping', array: 'a list', record: 'a mapping' };
    return `expected ${names[issue.expected] ?? issue.expected}`;
  }
  return msg;
}

type Issue = z.core.$ZodIssue;

/**
 * A value given as a mapping that fails a union (`trace: path | {path, time_scale, ...}`, a length or a
 * distribution) is reported at the field inside it that is wrong, not as the union's summary, when one
 * branch is clearly the one meant: its issues all lie inside the value, and it is the only such branch
 * (or the only one whose discriminator, e.g. `dist: uniform`, matched). Otherwise the union's message,
 * which lists the forms allowed, stands.
 */
function located(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length < 2) return [issue];
  const inside = issue.errors.filter((b) => b.length > 0 && b.every((i) => i.path.length > 0));
  const matched =
    inside.length > 1 ? inside.filter((b) => !b.some((i) => i.code === 'invalid_value')) : inside;
  if (matched.length !== 1) return [issue];
  return matched[0].flatMap((i) => located({ ...i, path: [...issue.path, ...i.path] } as Issue));
}

export function zodIssues(
  src: RecipeSource,
  error: z.ZodError,
  prefix: readonly PathSegment[] = [],
): ConfigIssue[] {
  return error.issues.flatMap(located).map((issue) => {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    const value = valueAt(src.data, path);
    let message = describe(issue, value !== undefined);
    if (value === null && path.length === 4 && path[1] === 'benchmark_suite')
      message = `null cannot unset this field (it always has a value; null unsets only ${UNSETTABLE_FIELDS.join(', ')}): ${message}`;
    return issueAt(src, 'error', path, message);
  });
}
