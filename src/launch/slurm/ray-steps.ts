/**
 * The Ray cluster of a distributed vLLM run, inside the job: the planned `ray start` steps started by a
 * RayClusterManager, which waits on `ray status` (run as a short step on the head node, in the servers'
 * container) until every node and GPU is registered.
 */
import { execa } from 'execa';
import { TimeoutExceededError } from '../../errors.js';
import { containerFor } from '../containers.js';
import { RayClusterManager } from '../ray/ray-cluster-manager.js';
import { type JobPlan, type StepPlan, srunArgv } from './job-plan.js';
import type { SlurmRecipe } from './recipe-view.js';
import { roleResources } from './resources.js';
import type { StepGroup } from './steps.js';

/** Ray head + workers as steps, then wait on `ray status` (run on the head, in its container). */
export async function startRay(
  plan: JobPlan,
  recipe: SlurmRecipe,
  group: StepGroup,
  env: NodeJS.ProcessEnv,
  log: (l: string) => void,
) {
  const ray = plan.ray!;
  const server = roleResources(recipe, 'servers');
  const head = plan.steps.find((s) => s.kind === 'ray-head')!;
  const image = containerFor(recipe, 'servers');
  const manager = new RayClusterManager({
    head: { node: head.node, ip: head.address },
    workers: plan.steps.filter((s) => s.kind === 'ray-worker').map((s) => ({ node: s.node, ip: s.address })),
    numCpusPerNode: server.cpus,
    numGpusPerNode: ray.expect.gpus / ray.expect.nodes,
    runner: {
      // The planned step of that node (the same `ray start`, wrapped in its container when there is
      // one, with its resources and logs) is what runs; the manager decides when.
      start: async (node) => {
        const step = plan.steps.find(
          (p) => p.node === node && (p.kind === 'ray-head' || p.kind === 'ray-worker'),
        );
        if (!step) throw new Error(`no Ray step planned on ${node}`);
        group.start(step);
      },
      exec: async (argv) => {
        const statusStep: StepPlan = {
          ...head,
          name: `ray-status-${head.node}`,
          cpus: 1,
          gpus: 0,
          memMb: 256,
          argv: image ? ['apptainer', 'exec', image.image, ...argv] : argv,
          stdout: '/dev/stdout',
          stderr: '/dev/stderr',
        };
        const [cmd, ...args] = srunArgv(statusStep, false).filter(
          (a) => !a.startsWith('--output=') && !a.startsWith('--error='),
        );
        const r = await execa(cmd, args, { reject: false, env });
        return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? 1 };
      },
    },
  });
  const port = Number(ray.headAddress.split(':').pop());
  log(`starting Ray head on ${head.node} (${ray.headAddress})`);
  if (!(await manager.startHeadNode(port))) {
    throw new TimeoutExceededError(
      `Ray head on ${head.node} did not answer \`ray status\`: ${manager.lastStatus.trim().slice(-300)}`,
    );
  }
  await manager.connectWorker(ray.headAddress);
  await manager.waitUntilReady();
  log(`Ray cluster ready: ${ray.expect.nodes} nodes, ${ray.expect.gpus} GPUs`);
}
