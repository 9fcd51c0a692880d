/**
 * A wait in progress, as the run reports it while it waits (servers healthy, model ready, executors
 * answering): what is awaited, each endpoint still awaited with its last error or progress, elapsed and
 * timeout in seconds. Shown as a line on a terminal and in plain logs.
 */
export interface Wait {
  what: string;
  pending: { endpoint: string; lastError: string }[];
  elapsedS: number;
  timeoutS: number;
}

/** `waiting for dummy health (/health): 127.0.0.1:11434 (connection refused) — 12s of 120s`. */
export function waitText(w: Wait): string {
  const pending = w.pending.map((p) => `${p.endpoint} (${p.lastError})`).join('; ');
  return `waiting for ${w.what}: ${pending} — ${Math.round(w.elapsedS)}s of ${Math.round(w.timeoutS)}s`;
}
