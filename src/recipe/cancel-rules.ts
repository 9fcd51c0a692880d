/**
 * `workload.cancel` by tokens needs streamed responses: checked for the workload and each suite entry
 * merged with it (its own value, else the workload's; `null` unsets), and against a `stream` sweep.
 * Reported at the field that makes the conflict: the entry's `stream: false`, else `after_tokens`.
 */
import { CANCEL_TOKENS_NEED_STREAM } from '../loadgen/index.js';
import { has, type Loose, obj } from './loose.js';
import type { Push } from './rules.js';
import type { PathSegment } from './source.js';

const byTokens = (c: unknown) => has(obj(c), 'after_tokens');

export function cancelRules(w: Loose, suite: Loose[], err: Push): void {
  const sweep = obj(w.sweep);
  const sweptOff = Array.isArray(sweep.stream) && sweep.stream.includes(false);
  let streamSwept = false;
  const check = (x: Loose, at: PathSegment[] | undefined) => {
    const own = (k: string) => at !== undefined && x[k] !== undefined;
    const cancel = own('cancel') ? x.cancel : w.cancel;
    if (!byTokens(cancel)) return;
    const cancelAt: PathSegment[] = own('cancel') && at ? [...at, 'cancel'] : ['workload', 'cancel'];
    const stream = own('stream') ? x.stream : w.stream;
    if (stream === false) {
      const where = own('stream') && at && !own('cancel') ? [...at, 'stream'] : [...cancelAt, 'after_tokens'];
      err(where, `cancel.after_tokens ${CANCEL_TOKENS_NEED_STREAM}`);
    } else if (sweptOff) streamSwept = true;
  };
  if (!suite.length) check(w, undefined);
  for (const [i, x] of suite.entries()) check(x, ['workload', 'benchmark_suite', i]);
  if (streamSwept)
    err(['workload', 'sweep', 'stream'], `false: cancel.after_tokens ${CANCEL_TOKENS_NEED_STREAM}`);
}
