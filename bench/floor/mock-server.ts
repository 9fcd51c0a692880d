/**
 * A fixed-delay OpenAI-compatible mock (bench only), run in its own process: `node --import tsx
 * bench/floor/mock-server.ts FIRST_MS STEP_MS READY_FILE`. POST /v1/completions answers a streamed request
 * with `max_tokens` content events (the first FIRST_MS after the request head arrived, then one every STEP_MS),
 * a usage event and `data: [DONE]`, like vLLM; FIRST_MS 0 and STEP_MS 0 write the whole stream at once (the
 * streamed-ceiling endpoint). A non-streaming request gets one JSON body. With FIRST_MS > 0 it keeps each
 * request's ground truth (head arrived, each content event handed to the socket; epoch ms from the monotonic
 * clock, as hpcbench stamps), keyed by `x-request-id`: GET /trace returns and forgets them.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const [firstMs, stepMs] = [Number(process.argv[2]), Number(process.argv[3])];
const readyFile = process.argv[4];
const tracing = firstMs > 0;
const ORIGIN = performance.timeOrigin;
const now = (): number => ORIGIN + performance.now();

interface Truth {
  id: string;
  arrived: number;
  written: number[];
}
let traces: Truth[] = [];

const head =
  '{"id":"cmpl-mock","object":"text_completion","created":0,"model":"dummy-model","choices":[{"index":0,"text":"';
const event = (i: number, last: boolean): string =>
  `data: ${head} tok${i}","logprobs":null,"finish_reason":${last ? '"length"' : 'null'}}]}\n\n`;
const usage = (n: number): string =>
  `data: {"id":"cmpl-mock","object":"text_completion","created":0,"model":"dummy-model","choices":[],"usage":{"prompt_tokens":16,"completion_tokens":${n},"total_tokens":${16 + n}}}\n\n`;
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

function whole(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += event(i, i === n - 1);
  return `${s}${usage(n)}data: [DONE]\n\n`;
}
const wholeCache = new Map<number, string>();

function stream(res: ServerResponse, n: number, truth: Truth | undefined): void {
  res.writeHead(200, SSE_HEADERS);
  if (!tracing) {
    let body = wholeCache.get(n);
    if (body === undefined) {
      body = whole(n);
      wholeCache.set(n, body);
    }
    res.end(body);
    return;
  }
  const t0 = truth!.arrived;
  let i = 0;
  const next = (): void => {
    const due = t0 + firstMs + i * stepMs;
    const wait = due - now();
    if (wait > 0) {
      // a timer may fire late: the ground truth is when the event was written, not when it was due
      setTimeout(next, wait);
      return;
    }
    truth!.written.push(now());
    res.write(event(i, i === n - 1));
    i++;
    if (i < n) next();
    else res.end(`${usage(n)}data: [DONE]\n\n`);
  };
  next();
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const arrived = now();
  if (req.method === 'GET' && req.url === '/trace') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(traces));
    traces = [];
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => {
    body += c;
  });
  req.on('end', () => {
    const spec = JSON.parse(body || '{}') as { max_tokens?: number; stream?: boolean };
    const n = Math.max(1, spec.max_tokens ?? 16);
    const id = req.headers['x-request-id'];
    const truth = tracing && typeof id === 'string' ? { id, arrived, written: [] } : undefined;
    if (truth) traces.push(truth);
    if (spec.stream) {
      stream(res, n, truth);
      return;
    }
    const text = Array.from({ length: n }, (_, i) => ` tok${i}`).join('');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      `{"id":"cmpl-mock","object":"text_completion","model":"dummy-model","choices":[{"index":0,"text":"${text}","finish_reason":"length"}],"usage":{"prompt_tokens":16,"completion_tokens":${n},"total_tokens":${16 + n}}}`,
    );
  });
}

const server = createServer({ keepAliveTimeout: 60_000 }, handle);
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  writeFileSync(readyFile, JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
