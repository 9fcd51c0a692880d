/**
 * Multi-turn sessions begun and completed, counted from their turns' records: the one definition the
 * executor uses while it runs (src/loadgen/run/sessions.ts) and `hpcbench report` uses when it rebuilds a
 * benchmark from its records files (src/metrics/from-records.ts). A session began when its first turn was
 * recorded (every session sends its first turn, so at the end of a run this is every session started), and
 * completed when a turn of it with index `turns` (the number it was planned to send) ended ok.
 */
import type { RequestRecord } from '../contracts/index.js';

type SessionFields = Pick<RequestRecord, 'session' | 'turn' | 'turns' | 'status'>;

export class SessionCounter {
  started = 0;
  completed = 0;
  /** Session turns recorded without their session's planned `turns` (a records file of an older version). */
  unplanned = 0;
  /** Whether any session turn was seen. */
  seen = false;

  /** Counts one turn's record (warmup included); records of no session are ignored. */
  add(r: SessionFields): void {
    if (r.session === undefined) return;
    this.seen = true;
    if (r.turn === 1) this.started++;
    if (r.turns === undefined) this.unplanned++;
    else if (r.status === 'ok' && r.turn === r.turns) this.completed++;
  }

  counts(): { started: number; completed: number } {
    return { started: this.started, completed: this.completed };
  }
}
