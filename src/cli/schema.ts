/** `hpcbench schema`: prints the recipe's JSON Schema (generated from the zod schema). */
import type { Command } from '@commander-js/extra-typings';
import { recipeJsonSchema } from '../recipe/index.js';

export function register(program: Command): void {
  program
    .command('schema')
    .description("print the recipe's JSON Schema (draft 2020-12)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(recipeJsonSchema(), null, 2)}\n`);
    });
}
