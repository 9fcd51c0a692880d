/**
 * Appends raw request records to a JSONL file as they complete, in 256 KiB batches (one write syscall per
 * batch, not per record), and at least once a second, so a killed run leaves its records on disk.
 * Memory stays bounded: at most one batch is buffered besides the stream's queue.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigValidationError } from '../../errors.js';

const BATCH = 256 * 1024;
const FLUSH_MS = 1000;

export class RecordWriter {
  private buf = '';
  private readonly out: WriteStream;
  private failed?: Error;
  private readonly timer: NodeJS.Timeout;
  /** Lines written so far. */
  lines = 0;

  constructor(readonly path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new ConfigValidationError(
        `records_path ${path}: cannot create its folder (${(err as Error).message})`,
        [{ severity: 'error', path: 'records_path', message: 'folder cannot be created' }],
      );
    }
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', (err) => {
      this.failed ??= err;
    });
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  write(line: string): void {
    this.buf += line;
    this.buf += '\n';
    this.lines++;
    if (this.buf.length >= BATCH) this.flush();
  }

  private flush(): void {
    if (!this.buf || this.failed) return;
    this.out.write(this.buf);
    this.buf = '';
  }

  /** Writes what is buffered and closes the file; rejects if any write failed. */
  close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    return new Promise((resolve, reject) => {
      this.out.end(() => (this.failed ? reject(this.failed) : resolve()));
    });
  }
}
