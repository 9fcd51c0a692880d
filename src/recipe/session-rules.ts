/**
 * Multi-turn sessions (`workload.session`) are checked per benchmark — the workload, each suite entry
 * merged with it (`null` unsets), every value of a swept `api`: they need the chat API (`sessionRefusal`,
 * the executor's own message), no trace, `turns` unless a ShareGPT dataset brings its conversations, and a
 * service whose executor sends its own requests (a per-user hook) cannot run them. Each problem is
 * reported once, at the field to change.
 */
import { type Api, sessionRefusal } from '../contracts/index.js';
import { datasetFormat } from './expand.js';
import { has, type Loose, obj, str } from './loose.js';
import type { Push } from './rules.js';
import { serviceCapabilities, servicePerUserHook } from './services.js';
import type { PathSegment } from './source.js';

/** A dataset as written → its format (the name decides when `format` is not given). */
function formatOf(ds: unknown): string | undefined {
  if (typeof ds === 'string') return datasetFormat(ds);
  const d = obj(ds);
  return str(d.format) ?? (str(d.path) !== undefined ? datasetFormat(String(d.path)) : undefined);
}

export function sessionRules(w: Loose, suite: Loose[], err: Push): void {
  const said = new Set<string>();
  const once = (path: PathSegment[], message: string, severity?: 'warning') => {
    const key = `${path.join('.')}\0${message}`;
    if (said.has(key)) return;
    said.add(key);
    err(path, message, severity);
  };
  const sweep = obj(w.sweep);
  const groups: { x: Loose; at?: PathSegment[] }[] = suite.length
    ? suite.map((x, i) => ({ x, at: ['workload', 'benchmark_suite', i] }))
    : [{ x: {} }];
  for (const { x, at } of groups) {
    const own = (k: string) => at !== undefined && x[k] !== undefined;
    const value = (k: string) => (own(k) ? (x[k] === null ? undefined : x[k]) : w[k]);
    const where = (k: string): PathSegment[] => (own(k) && at ? [...at, k] : ['workload', k]);
    const session = value('session');
    if (session === undefined || session === null) continue;
    const service = str(value('service'));
    const given = value('api');
    const swept = Array.isArray(sweep.api) ? sweep.api : undefined;
    const apis = swept ?? [given ?? (service ? serviceCapabilities(service)?.default_api : undefined)];
    const trace = value('trace') !== undefined && value('trace') !== null;
    for (const [i, api] of apis.entries()) {
      const refused = sessionRefusal(str(api) as Api | undefined, trace ? 'trace' : undefined);
      if (!refused) continue;
      const path: PathSegment[] = trace
        ? where('trace')
        : swept
          ? ['workload', 'sweep', 'api', i]
          : given !== undefined
            ? where('api')
            : where('session');
      once(path, refused);
      break;
    }
    const s = obj(session);
    const sharegpt = formatOf(value('dataset')) === 'sharegpt' || has(sweep, 'dataset');
    // a session that is not a mapping is the schema's error (`expected {turns, think_time}`) alone
    const mapping = typeof session === 'object' && !Array.isArray(session);
    if (mapping && !trace && !has(s, 'turns') && !sharegpt)
      once(
        where('session'),
        'give turns: the turns per session (e.g. 4, or {dist: uniform, min: 2, max: 8}); only a ShareGPT dataset brings its own conversations',
      );
    if (value('stop_on_saturation') === true)
      once(
        where('stop_on_saturation'),
        'not used with multi-turn sessions: over-saturation is not judged for them (their TTFT grows with the turns in progress)',
        'warning',
      );
    if (service && servicePerUserHook(service))
      once(
        where('session'),
        `service ${service} runs a per-user hook (runBenchmark), which sends its own requests: remove session`,
      );
  }
}
