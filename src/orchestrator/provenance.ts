/**
 * The run's provenance hook: gathering starts with the run (hosts, software, recipe, job, image digests
 * hashed in the background), the servers' identity is asked once they are prepared, and everything lands
 * in run.json as `provenance` when the run's results are written — also when the run failed.
 */
import { type ContainerImageRef, type Provenance, runProvenance } from '../provenance/run.js';
import { type ServerInfo, serverInfo } from '../provenance/server.js';

export interface RunProvenance {
  /** Asks every server what it is (call when they are up). */
  servers(urls: string[], service: string, model?: string): void;
  /** The provenance gathered so far (waits for what is under way). */
  finish(): Promise<Provenance>;
}

export function startProvenance(o: {
  runDir: string;
  recipeFile?: string;
  recipe?: unknown;
  containers?: ContainerImageRef[];
  mode: string;
}): RunProvenance {
  const base = runProvenance({
    runDir: o.runDir,
    recipeFile: o.recipeFile,
    recipe: o.recipe,
    containers: o.containers,
    // A local run has every component on this machine; attaching, only the orchestrator is known.
    localRoles: o.mode === 'local' ? ['orchestrator', 'server', 'client'] : ['orchestrator'],
  });
  base.catch(() => undefined);
  let servers: Promise<ServerInfo[]> = Promise.resolve([]);
  return {
    servers(urls, service, model) {
      servers = Promise.all(urls.map((u) => serverInfo(u, service, model)));
    },
    async finish() {
      return { ...(await base), servers: await servers };
    },
  };
}
