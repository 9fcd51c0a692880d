/**
 * How compute nodes run hpcbench: the same node binary and entry file as this process (on an HPC
 * cluster both live on the shared filesystem: the checkout or `npm install` prefix, and Node from a
 * module or a tarball in $HOME/$PROJECT). `HPCBENCH_NODE` overrides the node binary when the login
 * node's path is not valid on compute nodes. From the TypeScript sources (development, tests) the tsx
 * loader is given by absolute URL, so the job does not depend on its working directory.
 */
import { selfCommand } from '../../util/self.js';

export function hpcbenchArgv(nodeBinary = process.env.HPCBENCH_NODE): string[] {
  const { command, args } = selfCommand();
  const i = args.indexOf('--import');
  const out = [...args];
  if (i >= 0 && out[i + 1] === 'tsx') out[i + 1] = import.meta.resolve('tsx');
  return [nodeBinary || command, ...out];
}
