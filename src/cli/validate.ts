/**
 * `hpcbench validate FILE... [--service NAME...] [--plugin PATH...] [--json]`: checks recipes and prints
 * every problem of every file at once, one per line: `file:line:col: error|warning: path: message`.
 * Errors → E006 and exit 1; warnings alone → exit 0.
 */
import type { Command } from '@commander-js/extra-typings';
import { type ConfigIssue, ConfigValidationError, formatConfigIssue } from '../errors.js';
import { validateRecipeFile } from '../recipe/index.js';
import { loadPlugins } from '../services/plugins.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description(
      'check recipe files: every error and warning with file:line:column, the field and what is allowed',
    )
    .argument('<files...>', 'recipe files (YAML or JSON)')
    .option('--service <names...>', 'service names registered elsewhere, accepted besides the built-in ones')
    .option('--plugin <paths...>', 'service plugin modules to load first (their services become known)')
    .option('--json', 'print the issues as JSON ({file, issues}[]) instead of text')
    .action(async (files, opts) => {
      if (opts.plugin?.length) await loadPlugins(opts.plugin, { field: '--plugin' });
      const results: { file: string; issues: ConfigIssue[] }[] = [];
      for (const file of files)
        results.push({ file, issues: await validateRecipeFile(file, { extraServices: opts.service }) });
      const count = (s: ConfigIssue['severity']) =>
        results.reduce((n, r) => n + r.issues.filter((i) => i.severity === s).length, 0);
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else
        for (const { file, issues } of results) {
          for (const issue of issues) process.stdout.write(`${formatConfigIssue(issue)}\n`);
          const errors = issues.filter((i) => i.severity === 'error').length;
          const warnings = issues.length - errors;
          const verdict = errors ? `${errors} error(s)` : 'valid';
          process.stdout.write(`${file}: ${verdict}${warnings ? `, ${warnings} warning(s)` : ''}\n`);
        }
      const errors = count('error');
      if (errors > 0) {
        const bad = results.filter((r) => r.issues.some((i) => i.severity === 'error')).length;
        throw new ConfigValidationError(
          `${errors} error(s) in ${bad} of ${files.length} recipe file(s) (listed above)`,
        );
      }
    });
}
