/** Provenance: what ran where (hosts, software, recipe, job, images, servers), for run.json. */
export { type GpuInfo, type HostInfo, probeHost } from './host.js';
export {
  type ContainerImageRef,
  type NodeProvenance,
  type Provenance,
  readNodeHosts,
  runProvenance,
  sha256File,
} from './run.js';
export { type ServerInfo, serverInfo } from './server.js';
