/** Small recipes for the unit tests. */
import { stringify } from 'yaml';
import type { ConfigIssue } from '../../src/errors.js';
import { checkRecipeText, type RecipeOptions } from '../../src/recipe/index.js';

export function localRecipe(workload: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  return {
    scenario: 'unit',
    orchestration: { mode: 'local', node_allocation: { servers: { nodes: 1 }, clients: { nodes: 2 } } },
    workload: { service: 'dummy', duration: '20s', warmup: '5s', ...workload },
    ...rest,
  };
}

export function check(recipe: unknown, opts?: RecipeOptions) {
  const text = typeof recipe === 'string' ? recipe : stringify(recipe);
  return checkRecipeText(text, 'r.yaml', opts);
}

export const errorsOf = (issues: ConfigIssue[]) => issues.filter((i) => i.severity === 'error');
export const warningsOf = (issues: ConfigIssue[]) => issues.filter((i) => i.severity === 'warning');
