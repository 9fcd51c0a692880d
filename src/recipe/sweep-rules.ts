/** `workload.sweep`: every key a workload field, every value valid for it, equal lengths under zip. */
import type { z } from 'zod';
import type { Loose } from './loose.js';
import { obj } from './loose.js';
import type { Push, RuleContext } from './rules.js';
import { WORKLOAD_ALIASES, type WorkloadField, workloadFields } from './schema/workload.js';
import { closest } from './suggest.js';

const NOT_SWEEPABLE = new Set(['component', 'benchmark_suite', 'sweep', 'name']);

export function sweepField(key: string): WorkloadField | undefined {
  if (key in WORKLOAD_ALIASES) return WORKLOAD_ALIASES[key];
  return key in workloadFields ? (key as WorkloadField) : undefined;
}

export function sweepRules(ctx: RuleContext, w: Loose, err: Push): void {
  if (w.sweep === undefined) return;
  const sweep = obj(w.sweep);
  const axes = Object.entries(sweep).filter(([k]) => k !== 'mode');
  if (axes.length === 0) {
    err(['workload', 'sweep'], 'lists no field: e.g. sweep: { clients_per_node: [1, 8, 32] }');
    return;
  }
  const allowed = [...Object.keys(workloadFields), ...Object.keys(WORKLOAD_ALIASES)].filter(
    (k) => !NOT_SWEEPABLE.has(k),
  );
  for (const [key, values] of axes) {
    const field = sweepField(key);
    if (!field || NOT_SWEEPABLE.has(field)) {
      const hint = closest(key, allowed);
      err(
        ['workload', 'sweep', key],
        `not a workload field${hint ? `; did you mean "${hint}"?` : `; allowed: ${allowed.join(', ')}`}`,
      );
      continue;
    }
    if (!Array.isArray(values)) continue; // the schema reports it
    const schema = workloadFields[field] as z.ZodType;
    values.forEach((v, i) => {
      const r = schema.safeParse(v);
      if (!r.success) err(['workload', 'sweep', key, i], r.error.issues[0]?.message ?? 'invalid value');
    });
    if (ctx.services && field === 'service')
      values.forEach((v, i) => {
        if (typeof v === 'string' && !ctx.services.includes(v))
          err(
            ['workload', 'sweep', key, i],
            `unknown service "${v}"; registered services: ${ctx.services.join(', ')}`,
          );
      });
  }
  if (sweep.mode === 'zip') {
    const lengths = axes.map(([, v]) => (Array.isArray(v) ? v.length : 0));
    if (new Set(lengths).size > 1)
      err(
        ['workload', 'sweep', 'mode'],
        `zip needs lists of equal length; got ${axes.map(([k], i) => `${k}: ${lengths[i]}`).join(', ')}`,
      );
  }
}
