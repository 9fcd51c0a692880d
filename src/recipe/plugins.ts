/**
 * A recipe's `plugins:` list, loaded before the recipe is checked, so that `validate` knows the services
 * they register (and their capabilities) as `run` does. Paths are relative to the recipe's folder. A
 * plugin that cannot be loaded, or whose registration is refused (e.g. invalid capabilities), is an
 * error at its `plugins[i]` line naming the file and the field.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { type ConfigIssue, isHpcBenchError } from '../errors.js';
import { loadPlugins } from '../services/plugins.js';
import { readRecipeFile } from './encoding.js';
import { issueAt, parseSource } from './source.js';

/** The plugin paths a recipe document lists (strings only; the schema reports the rest). */
export function pluginList(raw: unknown): string[] {
  const list = (raw as { plugins?: unknown } | null)?.plugins;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
}

/**
 * Loads the plugins a recipe file lists; returns their absolute paths and an issue per plugin that failed
 * (an unreadable recipe loads none: its own check reports it).
 */
export async function loadRecipePlugins(file: string): Promise<{ paths: string[]; issues: ConfigIssue[] }> {
  const text = await readRecipeFile(file);
  if (typeof text !== 'string') return { paths: [], issues: [] };
  const src = parseSource(text, file);
  const raw = (src.data as { plugins?: unknown } | null)?.plugins;
  const list: unknown[] = Array.isArray(raw) ? raw : [];
  const base = dirname(resolve(file));
  const paths: string[] = [];
  const issues: ConfigIssue[] = [];
  for (const [i, p] of list.entries()) {
    if (typeof p !== 'string') continue;
    const abs = isAbsolute(p) ? p : resolve(base, p);
    paths.push(abs);
    try {
      await loadPlugins([abs], { field: `plugins[${i}]` });
    } catch (err) {
      if (!isHpcBenchError(err)) throw err;
      const message = err.message.replace(/^plugins\[\d+\]: /, '');
      issues.push(issueAt(src, 'error', ['plugins', i], message));
    }
  }
  return { paths, issues };
}
