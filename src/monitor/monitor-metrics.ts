/** A monitor sample as Prometheus gauges (what `Monitor` pushes to the Pushgateway). */

import { type GaugeFamily, renderPrometheusText } from '../util/prom-text.js';
import type { MonitorSample } from './monitor-csv.js';
import type { GpuSample } from './nvidia-smi.js';

function gpuFamily(
  gpus: GpuSample[],
  name: string,
  help: string,
  pick: (g: GpuSample) => number | undefined,
): GaugeFamily {
  const samples = [];
  for (const g of gpus) {
    const v = pick(g);
    if (v !== undefined) samples.push({ labels: { gpu: String(g.index) }, value: v });
  }
  return { name, help, samples };
}

export function renderMonitorSample(sample: MonitorSample | undefined, samplesTaken: number): string {
  const families: GaugeFamily[] = [
    {
      name: 'hpcbench_monitor_samples_total',
      help: 'Samples taken by this monitor',
      type: 'counter',
      samples: [{ value: samplesTaken }],
    },
  ];
  if (!sample) return renderPrometheusText(families);
  const one = (name: string, help: string, v: number | undefined) =>
    families.push({ name, help, samples: v === undefined ? [] : [{ value: v }] });
  one('hpcbench_node_cpu_percent', 'Host CPU busy percent over the last interval', sample.cpuPercent);
  one('hpcbench_node_ram_used_mb', 'Host RAM used (MemTotal - MemAvailable), MiB', sample.ramUsedMB);
  one('hpcbench_node_ram_total_mb', 'Host RAM total, MiB', sample.ramTotalMB);
  const g = sample.gpus;
  families.push(
    gpuFamily(g, 'hpcbench_gpu_utilization_percent', 'GPU utilisation percent', (x) => x.util),
    gpuFamily(g, 'hpcbench_gpu_memory_used_mb', 'GPU memory used, MiB', (x) => x.memUsed),
    gpuFamily(g, 'hpcbench_gpu_memory_total_mb', 'GPU memory total, MiB', (x) => x.memTotal),
    gpuFamily(g, 'hpcbench_gpu_power_watts', 'GPU power draw, W', (x) => x.power),
    gpuFamily(g, 'hpcbench_gpu_temperature_celsius', 'GPU temperature, degrees C', (x) => x.temp),
  );
  return renderPrometheusText(families);
}
