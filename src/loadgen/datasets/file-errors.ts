/** E006 for dataset files: the message names the file and, when known, the line. */
import { ConfigValidationError } from '../../errors.js';

export function datasetError(file: string, message: string, line?: number): ConfigValidationError {
  const where = line !== undefined ? `${file}:${line}` : file;
  return new ConfigValidationError(`dataset ${where}: ${message}`, [
    { severity: 'error', path: 'workload.prompts.path', message, file, line },
  ]);
}

/** Line number (1-based) of a character offset in a text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * A JSON.parse error without the excerpt of the text V8 quotes (`Unexpected token 'S', "SECRET"...`):
 * error messages never repeat a file's content (an executor may be asked to read any file).
 */
export function jsonSyntax(message: string): string {
  const first = message.split('\n')[0];
  const pos = /at position (\d+)/.exec(first);
  const at = pos ? ` at character ${Number(pos[1]) + 1}` : '';
  if (/Unexpected end of JSON input/.test(first)) return 'not valid JSON: unexpected end of input';
  if (/^Unexpected token/.test(first)) return `not valid JSON: unexpected character${at}`;
  if (/^Bad control character/.test(first)) return `not valid JSON: a control character inside a string${at}`;
  return `not valid JSON${at}`;
}
