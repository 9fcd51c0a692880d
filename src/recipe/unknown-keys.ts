/**
 * Keys the schema does not know are warnings (the first version ignored them too), except a near miss of
 * a known key (edit distance, `client_per_node`): that is an error with "did you mean", since the field
 * it was meant to be would silently keep its default. The walk follows the published JSON Schema, so it cannot drift from the
 * zod schema: `properties` are the known keys, `additionalProperties` (a schema) allows any key.
 */
import type { ConfigIssue } from '../errors.js';
import { issueAt, type PathSegment, type RecipeSource } from './source.js';
import { closest } from './suggest.js';

export interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
}

function objectBranches(s: JsonSchemaNode): JsonSchemaNode[] {
  if (s.properties || s.additionalProperties !== undefined || s.type === 'object') return [s];
  return [...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap(objectBranches);
}

/** Of a union's object shapes, the one that knows most of the value's keys. */
function objectBranch(s: JsonSchemaNode, value: object): JsonSchemaNode | undefined {
  let best: JsonSchemaNode | undefined;
  let bestMissing = Number.POSITIVE_INFINITY;
  for (const b of objectBranches(s)) {
    const known = b.properties ?? {};
    const missing = b.additionalProperties ? 0 : Object.keys(value).filter((k) => !(k in known)).length;
    if (missing < bestMissing) {
      best = b;
      bestMissing = missing;
    }
  }
  return best;
}

function arrayBranch(s: JsonSchemaNode): JsonSchemaNode | undefined {
  if (s.items) return s;
  for (const b of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
    const a = arrayBranch(b);
    if (a) return a;
  }
  return undefined;
}

export function unknownKeys(
  src: RecipeSource,
  schema: JsonSchemaNode,
  value: unknown = src.data,
  path: PathSegment[] = [],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (Array.isArray(value)) {
    const items = arrayBranch(schema)?.items;
    if (items) for (const [i, v] of value.entries()) out.push(...unknownKeys(src, items, v, [...path, i]));
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  const obj = objectBranch(schema, value);
  if (!obj) return out;
  const props = obj.properties ?? {};
  const extra = obj.additionalProperties;
  for (const [key, v] of Object.entries(value)) {
    const child = props[key] ?? (typeof extra === 'object' ? extra : undefined);
    if (child) {
      out.push(...unknownKeys(src, child, v, [...path, key]));
      continue;
    }
    if (extra === true) continue;
    const names = Object.keys(props);
    const hint = closest(key, names);
    const where = path.length ? 'here' : 'at the top level';
    // A near miss of a known key is a typo whose value would silently be replaced by the default: an error.
    if (hint)
      out.push(
        issueAt(
          src,
          'error',
          [...path, key],
          `unknown key "${key}"; did you mean "${hint}"? (known keys ${where}: ${names.join(', ')})`,
          {
            key: true,
          },
        ),
      );
    else
      out.push(
        issueAt(
          src,
          'warning',
          [...path, key],
          `unknown key "${key}", ignored; known keys ${where}: ${names.join(', ')}`,
          {
            key: true,
          },
        ),
      );
  }
  return out;
}
