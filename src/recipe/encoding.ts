/**
 * Reading a recipe file without trusting it: only a regular file under MAX_RECIPE_BYTES is read (the
 * type and size come from the open descriptor, opened non-blocking, so a FIFO or a device never blocks),
 * and its bytes must be UTF-8 (a UTF-8 byte order mark is dropped; UTF-16/32 is named as such).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { MAX_RECIPE_BYTES } from '../contracts/caps.js';
import type { ConfigIssue } from '../errors.js';

function issue(file: string, message: string, line = 1, column = 1): ConfigIssue {
  return { severity: 'error', path: '', file, line, column, message };
}

const SAVE_AS = 'save the recipe as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)';

/** The text of recipe bytes, or why they are not a UTF-8 recipe. */
export function decodeRecipe(bytes: Uint8Array, file: string): string | ConfigIssue {
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) bytes = b.subarray(3);
  else if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))
    return issue(
      file,
      `the file is UTF-16 or UTF-32 encoded (byte order mark ${b[0].toString(16)} ${b[1].toString(16)}); ${SAVE_AS}`,
    );
  else if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)
    return issue(file, `the file is UTF-32 encoded; ${SAVE_AS}`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, column } = position(bytes, nul);
    const why =
      nul < 4 || bytes[nul + 2] === 0 || bytes[nul - 2] === 0
        ? 'UTF-16/UTF-32 text without a byte order mark, or a binary file'
        : 'a binary file';
    return issue(file, `NUL byte at byte ${nul}: this looks like ${why}; ${SAVE_AS}`, line, column);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const { line, column } = position(bytes, bad);
    return issue(
      file,
      `invalid UTF-8 at byte ${bad}: recipes are UTF-8 text (Latin-1 or another encoding?); ${SAVE_AS}`,
      line,
      column,
    );
  }
}

function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++)
    if (bytes[i] === 10) {
      line++;
      start = i + 1;
    }
  return { line, column: offset - start + 1 };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // the lenient decode marks the first invalid sequence with U+FFFD; its byte offset is the prefix's length
  const text = new TextDecoder('utf-8').decode(bytes);
  const at = text.indexOf('\uFFFD');
  return at < 0 ? 0 : Buffer.byteLength(text.slice(0, at));
}

/** Reads a recipe file: its text, or an issue saying why it cannot be a recipe. Never blocks on a FIFO. */
export async function readRecipeFile(path: string): Promise<string | ConfigIssue> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (st.isDirectory()) return issue(path, `cannot read recipe ${path}: is a directory`);
    if (!st.isFile())
      return issue(
        path,
        `cannot read recipe ${path}: not a regular file (a device, FIFO or socket); give a recipe file`,
      );
    if (st.size > MAX_RECIPE_BYTES)
      return issue(path, `recipe ${path} is ${st.size} bytes, above the limit of ${MAX_RECIPE_BYTES} bytes`);
    const bytes = await fh.readFile();
    if (bytes.length > MAX_RECIPE_BYTES)
      return issue(path, `recipe ${path} is above the limit of ${MAX_RECIPE_BYTES} bytes`);
    return decodeRecipe(bytes, path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT'
        ? 'no such file'
        : e.code === 'EISDIR'
          ? 'is a directory'
          : e.code === 'EACCES'
            ? 'permission denied'
            : e.code === 'ENXIO'
              ? 'not a regular file (a socket); give a recipe file'
              : e.message;
    return { severity: 'error', path: '', file: path, message: `cannot read recipe ${path}: ${why}` };
  } finally {
    await fh?.close();
  }
}
