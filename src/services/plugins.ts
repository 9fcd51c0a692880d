/**
 * Services defined outside hpcbench: a plugin is an ES module (.js/.mjs; hpcbench's children run plain Node)
 * exporting `register(hpcbench)` (named or default). It receives the classes it needs to extend and the
 * `ServiceFactory`, so it does not have to import hpcbench itself. See docs/extending.md.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BaseWorkloadController } from '../controller/base-workload-controller.js';
import * as errors from '../errors.js';
import { ConfigValidationError } from '../errors.js';
import { BaseWorkloadExecutor } from '../executor/base-workload-executor.js';
import { BaseServerManager } from './base/base-server-manager.js';
import { OpenAiServerManager } from './base/openai-server-manager.js';
import { ServiceFactory } from './factory.js';
import { OllamaServerManager } from './ollama/ollama-server-manager.js';

/** What a plugin's `register` receives. */
export const pluginApi = {
  ServiceFactory,
  BaseServerManager,
  OpenAiServerManager,
  OllamaServerManager,
  BaseWorkloadController,
  BaseWorkloadExecutor,
  errors,
};
export type PluginApi = typeof pluginApi;

const loaded = new Map<string, string[]>();

/**
 * Imports each plugin module (paths relative to `baseDir`, default the working directory) and calls its
 * `register`. Returns the services each one added. A missing file or a module without `register` is E006
 * naming `field` (e.g. `plugins[0]` or `--plugin`); so is a `register` that throws, e.g. a service
 * registered without valid capabilities (the message names the file and `capabilities.<field>`) or with a
 * server manager class missing a method it must define (`parseServiceConfig`, ...). Loading
 * the same file twice is a no-op.
 */
export async function loadPlugins(
  paths: string[],
  options: { baseDir?: string; field?: string } = {},
): Promise<Record<string, string[]>> {
  const added: Record<string, string[]> = {};
  for (const [i, p] of paths.entries()) {
    const field = options.field ?? `plugins[${i}]`;
    const file = isAbsolute(p) ? p : resolve(options.baseDir ?? process.cwd(), p);
    const seen = loaded.get(file);
    if (seen) {
      added[p] = seen;
      continue;
    }
    const fail = (message: string, cause?: unknown) =>
      new ConfigValidationError(`${field}: ${message}`, [{ severity: 'error', path: field, message }], {
        cause,
        hint: (cause as { hint?: string } | undefined)?.hint,
      });
    if (!existsSync(file)) throw fail(`plugin file ${file} does not exist`);
    let mod: { register?: unknown; default?: unknown };
    try {
      mod = await import(pathToFileURL(file).href);
    } catch (err) {
      throw fail(`could not load plugin ${file}: ${(err as Error).message}`, err);
    }
    const register = typeof mod.register === 'function' ? mod.register : mod.default;
    if (typeof register !== 'function') {
      throw fail(`plugin ${file} exports no register(hpcbench) function (named export or default)`);
    }
    const before = new Set(ServiceFactory.listServices());
    try {
      await register(pluginApi);
    } catch (err) {
      throw fail(`plugin ${file}: ${(err as Error)?.message ?? String(err)}`, err);
    }
    const now = ServiceFactory.listServices().filter((s) => !before.has(s));
    loaded.set(file, now);
    added[p] = now;
  }
  return added;
}
