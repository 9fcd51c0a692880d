/**
 * CPU-time microbenchmark of reading a streamed response (the executor's parse path, built code):
 * `npm run build && node bench/sse-read.mjs [REQUESTS]`. Each request is a fresh parse state fed one
 * network piece holding a whole 16-token stream (the streamed-ceiling endpoint of bench/floor/mock-server.ts
 * writes it at once), then finished. Shapes: `mock` (bench/floor/mock-server.ts: the last text event carries
 * finish_reason, then a usage event), `vllm` (the same with a different id and `created` in every
 * request), `sim-chat` (the simulator's chat stream: a role event first, usage event), `ollama-generate`
 * (16 NDJSON text lines and the final `done: true` line with counts and durations). Prints CPU µs per
 * request (process.cpuUsage, user + system) for each shape, best of 5 rounds.
 */
import { ollamaProtocol } from '../dist/loadgen/clients/ollama.js';
import { openAiProtocol } from '../dist/loadgen/clients/openai.js';
import { newRecord } from '../dist/loadgen/record.js';

const N = Number(process.argv[2] ?? 200000);
const TOKENS = 16;

function mock(r, id, created) {
  const head = `{"id":"${id}","object":"text_completion","created":${created},"model":"dummy-model","choices":[{"index":0,"text":"`;
  let s = '';
  for (let i = 0; i < TOKENS; i++)
    s += `data: ${head} tok${i}","logprobs":null,"finish_reason":${i === TOKENS - 1 ? '"length"' : 'null'}}]}\n\n`;
  return `${s}data: {"id":"${id}","object":"text_completion","created":${created},"model":"dummy-model","choices":[],"usage":{"prompt_tokens":${16 + (r % 3)},"completion_tokens":${TOKENS},"total_tokens":${32 + (r % 3)}}}\n\ndata: [DONE]\n\n`;
}

function simChat(r, id, created) {
  const head = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":"m","choices":[`;
  let s = `${head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
  for (let i = 0; i < TOKENS; i++)
    s += `${head}{"index":0,"delta":{"content":" tok${i}"},"logprobs":null,"finish_reason":${i === TOKENS - 1 ? '"length"' : 'null'}}]}\n\n`;
  return `${s}${head}],"usage":{"prompt_tokens":${100 + r},"total_tokens":${116 + r},"completion_tokens":16}}\n\ndata: [DONE]\n\n`;
}

function ollama(r) {
  const at = `2026-12-02T17:${String(r % 60).padStart(2, '0')}:00.${123456789 + r}Z`;
  let s = '';
  for (let i = 0; i < TOKENS; i++)
    s += `{"model":"llama3","created_at":"${at}","response":" tok${i}","done":false}\n`;
  return `${s}{"model":"llama3","created_at":"${at}","response":"","done":true,"done_reason":"length","total_duration":${1234567890 + r},"load_duration":${12345 + r},"prompt_eval_count":${16 + (r % 3)},"prompt_eval_duration":${130079000 + r},"eval_count":${TOKENS},"eval_duration":${1325948000 + r}}\n`;
}

const shapes = {
  mock: { api: 'completions', make: (r) => mock(r, 'cmpl-mock', 0) },
  vllm: {
    api: 'completions',
    make: (r) => mock(r, `cmpl-${(0x10000000 + r * 7919).toString(16)}`, 1764700000 + (r >> 10)),
  },
  'sim-chat': { api: 'chat', make: (r) => simChat(r, `chatcmpl-${r}`, 1764700000 + (r >> 10)) },
  'ollama-generate': { api: 'generate', make: ollama },
};

const spec = { model: 'm', target: 'http://127.0.0.1:1' };
let sink = 0;
for (const [name, { api, make }] of Object.entries(shapes)) {
  const ex = (api === 'generate' ? ollamaProtocol : openAiProtocol)(spec, api, true).exchange;
  const pieces = [];
  // pieces made in advance (a different id per request where the shape has one); decoded strings as the
  // transport hands them over
  for (let r = 0; r < 4096; r++) pieces.push(Buffer.from(make(r)).toString('latin1'));
  const best = [];
  for (let round = 0; round < 5; round++) {
    const c0 = process.cpuUsage();
    for (let r = 0; r < N; r++) {
      const rec = newRecord({
        id: 'x',
        benchmark: 'b',
        executor: 'e',
        warmup: false,
        api,
        stream: true,
        scheduled: 0,
        prompt_tokens_client: 1,
      });
      const st = {
        rec,
        inWord: false,
        arrived: r,
        buf: '',
        done: false,
        finished: false,
        sseMisses: 0,
        reply: undefined,
      };
      ex.feed(st, pieces[r & 4095]);
      ex.finish(st);
      sink += rec.output_tokens_server + rec.prompt_tokens_server + rec.chunks.length + (st.error ? 1 : 0);
    }
    const c = process.cpuUsage(c0);
    best.push(((c.user + c.system) / N).toFixed(3));
  }
  process.stdout.write(
    `${name}: CPU µs/request per round ${best.join(' ')} (min ${Math.min(...best.map(Number))})\n`,
  );
}
if (sink === 0) process.stdout.write('no records\n');
