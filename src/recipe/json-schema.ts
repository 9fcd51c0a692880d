/** The recipe's JSON Schema (draft 2020-12), generated from the zod schema. */
import { z } from 'zod';
import { recipeSchema } from './schema/recipe.js';
import type { JsonSchemaNode } from './unknown-keys.js';

let cached: Record<string, unknown> | undefined;

/** The JSON Schema of what a user may write (defaults shown, none required beyond scenario and workload). */
export function recipeJsonSchema(): Record<string, unknown> {
  cached ??= {
    ...z.toJSONSchema(recipeSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
    title: 'hpcbench recipe',
    description: 'A benchmark recipe for hpcbench; see docs/recipe-reference.md',
  };
  return structuredClone(cached);
}

let walk: JsonSchemaNode | undefined;
/** The same schema, shared, for the unknown-key walk. */
export function schemaForWalk(): JsonSchemaNode {
  walk ??= recipeJsonSchema() as JsonSchemaNode;
  return walk;
}
