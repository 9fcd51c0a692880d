/**
 * How compute nodes run hpcbench: the same node binary and built entry file as this process (on an HPC
 * cluster both live on the shared filesystem: the checkout or `npm install` prefix, and Node from a
 * module or a tarball in $HOME/$PROJECT). `HPCBENCH_NODE` overrides the node binary when the login
 * node's path is not valid on compute nodes.
 */
import { selfCommand } from '../../util/self.js';

export function hpcbenchArgv(nodeBinary = process.env.HPCBENCH_NODE): string[] {
  const { command, args } = selfCommand();
  return [nodeBinary || command, ...args];
}
