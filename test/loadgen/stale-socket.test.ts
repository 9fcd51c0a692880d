/**
 * A server that closes a kept-alive connection when the next request arrives on it, without
 * `Connection: close` (what the client sees when llama.cpp's server, which closes after every streamed
 * response, closes later than the client's next request: test/e2e-llamacpp/close-after-stream.test.ts):
 * the request is sent again once on a fresh connection and succeeds; the record says it was retried.
 */
import { createServer, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createServiceClient } from '../../src/loadgen/clients/index.js';
import { newRecord, nowMs } from '../../src/loadgen/record.js';
import { capabilitiesOf } from '../helpers/capabilities.js';
import { spec } from './client-helpers.js';

const body = JSON.stringify({
  choices: [{ index: 0, text: 'hi there', finish_reason: 'length' }],
  usage: { prompt_tokens: 3, completion_tokens: 2 },
});
const response = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: keep-alive\r\n\r\n${body}`;

let close: (() => void) | undefined;
afterEach(() => close?.());

it('a request on a silently closed keep-alive connection is retried once and succeeds', async () => {
  let connections = 0;
  let requests = 0;
  const sockets: Socket[] = [];
  const server = createServer((sock) => {
    connections++;
    sockets.push(sock);
    let served = 0;
    sock.on('data', (d) => {
      if (!d.includes('\r\n\r\n')) return;
      requests++;
      if (served++ === 0) sock.write(response);
      else sock.destroy(); // second request on this connection: hang up before any header
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  close = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  const { port } = server.address() as { port: number };
  const client = createServiceClient(
    spec(`http://127.0.0.1:${port}`, { stream: false }),
    capabilitiesOf('vllm'),
  );
  const records = [];
  for (let i = 0; i < 2; i++) {
    const rec = newRecord({
      id: `r-${i}`,
      benchmark: 't',
      executor: 'x',
      warmup: false,
      api: client.api,
      stream: client.stream,
      scheduled: nowMs(),
      prompt_tokens_client: 3,
    });
    rec.sent = nowMs();
    await client.send({ prompt: 'a b c', maxTokens: 2, promptTokens: 3 }, rec, new AbortController().signal);
    records.push(rec);
  }
  await client.close();
  expect(records.map((r) => r.status)).toEqual(['ok', 'ok']);
  expect(records[0].retries).toBeUndefined();
  expect(records[1].retries).toBe(1);
  expect(records[1].output_tokens).toBe(2);
  expect(requests).toBe(3);
  expect(connections).toBe(2);
});
