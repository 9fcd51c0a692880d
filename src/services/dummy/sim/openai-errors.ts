/** vLLM's error body: `{"error": {"message", "type", "param", "code"}}`. */
import type { ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';

export type OpenAiErrorType =
  | 'BadRequestError'
  | 'NotFoundError'
  | 'MethodNotAllowedError'
  | 'InternalServerError'
  | 'ServiceUnavailableError'
  | 'RequestEntityTooLarge';

export function openaiError(
  res: ServerResponse,
  status: number,
  message: string,
  type: OpenAiErrorType = 'BadRequestError',
  param?: string,
): void {
  sendJson(res, status, { error: { message, type, param: param ?? null, code: status } });
}
