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
