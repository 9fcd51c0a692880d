/** Test helpers: a streaming client that timestamps every NDJSON line / SSE event as it arrives. */
export interface StreamTiming {
  status: number;
  sent: number;
  /** performance.now() when each generated chunk arrived. */
  chunks: number[];
  body: string;
  error?: string;
}

/** POSTs `body` and timestamps each content line (Ollama NDJSON with done:false, or SSE data with text). */
export async function timedStream(url: string, body: unknown): Promise<StreamTiming> {
  const sent = performance.now();
  const chunks: number[] = [];
  let text = '';
  let status = 0;
  try {
    const res = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    status = res.status;
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let pending = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const now = performance.now();
      const part = dec.decode(value, { stream: true });
      text += part;
      pending += part;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        if (l.includes('"done":false') || (l.startsWith('data: {') && /"(text|content)":"[^"]/.test(l)))
          chunks.push(now);
      }
    }
    return { status, sent, chunks, body: text };
  } catch (err) {
    return { status, sent, chunks, body: text, error: String((err as Error).cause ?? err) };
  }
}

export const gaps = (t: number[]): number[] => t.slice(1).map((v, i) => v - t[i]);
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** Polls the simulator's /metrics until the running/waiting gauges satisfy `ok` (10 s at most). */
export async function until(url: string, ok: (running: number, waiting: number) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await fetch(`${url}/metrics`).then((r) => r.text());
    const g = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    if (ok(g('vllm:num_requests_running'), g('vllm:num_requests_waiting'))) return;
    if (Date.now() > deadline) throw new Error('simulator never reached the expected running/waiting counts');
    await new Promise((r) => setTimeout(r, 10));
  }
}
