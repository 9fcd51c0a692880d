/**
 * report.html's provenance and energy parts (pure): where the run ran and with what (run.json
 * `provenance`: nodes with CPU, GPUs, driver/CUDA and OS; software and commit; recipe digest; Slurm job;
 * container digests; the servers' own version and model), and a benchmark's energy line.
 */
import type { EnergyReport } from '../monitor/energy.js';
import type { Provenance } from '../provenance/run.js';
import { esc, table } from './html-page.js';

const short = (sha?: string) => (sha ? sha.slice(0, 12) : '-');

/** The provenance section, empty when run.json has none (older runs). */
export function provenanceSection(p: Provenance | undefined): string {
  if (!p) return '';
  const nodes = (p.nodes ?? []).map((n) => [
    n.node,
    n.roles.join(', '),
    n.hostname,
    `${n.cpu.model} × ${n.cpu.count}`,
    `${n.memory_gib} GiB`,
    n.gpus.count ? `${n.gpus.count} × ${n.gpus.models.join(', ')}` : (n.gpus.note ?? '0'),
    [n.gpus.driver_version, n.gpus.cuda_version && `CUDA ${n.gpus.cuda_version}`]
      .filter(Boolean)
      .join(', ') || '-',
    `${n.os.name ?? n.os.platform} (${n.os.kernel})`,
  ]);
  const sw = [
    `hpcbench ${p.hpcbench.version}${p.hpcbench.git_commit ? ` @ ${short(p.hpcbench.git_commit)}${p.hpcbench.git_dirty ? ' (modified)' : ''}` : ''}`,
    `Node ${p.node_version}`,
    p.recipe ? `recipe sha256 ${short(p.recipe.sha256)}` : '',
    p.slurm
      ? `Slurm job ${p.slurm.job_id}${p.slurm.partition ? ` on ${p.slurm.partition}` : ''}${p.slurm.account ? `, account ${p.slurm.account}` : ''}${p.slurm.node_list ? `, nodes ${p.slurm.node_list}` : ''}`
      : '',
  ].filter(Boolean);
  const servers = (p.servers ?? []).map((s) => [
    s.url,
    s.service,
    s.version ?? '-',
    String(s.model?.id ?? s.model?.name ?? s.models?.join(', ') ?? '-'),
  ]);
  const images = (p.containers ?? []).map((c) => [
    c.role,
    c.image,
    c.sha256 ? short(c.sha256) : (c.note ?? '-'),
    c.remote ?? '-',
  ]);
  return [
    '<details open><summary>Where it ran (provenance)</summary>',
    `<p class="note">${esc(sw.join(' · '))}</p>`,
    table(['node', 'roles', 'hostname', 'CPU', 'memory', 'GPUs', 'driver / CUDA', 'OS (kernel)'], nodes, 8),
    servers.length ? table(['server', 'service', 'version', 'model'], servers, 4) : '',
    images.length ? table(['role', 'image', 'sha256', 'remote'], images, 4) : '',
    `<p class="note">Command: <code>${esc(p.command_line.join(' '))}</code></p>`,
    '</details>',
  ].join('');
}

/** One line on a benchmark's energy, empty without power readings. */
export function energyLine(e: EnergyReport | undefined): string {
  if (!e || !(e.energy_j > 0)) return '';
  const parts = [
    `${e.energy_j.toFixed(0)} J on ${e.gpus} GPU(s) (${e.avg_power_w.toFixed(0)} W average)`,
    e.output_tokens_per_j !== undefined ? `${e.output_tokens_per_j.toFixed(3)} output tokens/J` : '',
    e.j_per_request !== undefined ? `${e.j_per_request.toFixed(1)} J/request` : '',
    e.energy_above_idle_j !== undefined ? `${e.energy_above_idle_j.toFixed(0)} J above idle` : '',
    e.cpu_energy_j !== undefined ? `CPU packages ${e.cpu_energy_j.toFixed(0)} J` : '',
  ].filter(Boolean);
  return `<p class="note">Energy: ${esc(parts.join(', '))}.</p>`;
}
