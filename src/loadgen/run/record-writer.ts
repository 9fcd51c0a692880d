/**
 * Appends raw request records to a JSONL file as they complete, in 256 KiB batches (one write syscall per
 * batch, not per record), and at least once a second, so a killed run leaves its records on disk. Each
 * record's line is written as bytes straight into the batch's buffer (record-line.ts: no string per
 * line, nothing to flatten or encode again), and a batch's buffer is used again once the file has it.
 * Memory stays bounded: at most one batch is filled besides the stream's queue. When a write fails (disk
 * full, file-size limit) the file is cut back to its last whole line and close() rejects with
 * `records incomplete: E005: ...`.
 */
import { createWriteStream, mkdirSync, statSync, truncateSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { RequestRecord } from '../../contracts/record.js';
import { ConfigValidationError, fromSystemError } from '../../errors.js';
import { maxLineBytes, writeRecordLine } from '../record-line.js';

const BATCH = 256 * 1024;
const FLUSH_MS = 1000;

export class RecordWriter {
  private buf: Buffer = Buffer.allocUnsafe(BATCH);
  /** Batch buffers the file has taken in full, to fill again (a fresh 256 KiB each time costs page faults and GC). */
  private readonly spare: Buffer[] = [];
  /** Bytes of `buf` holding lines not yet written. */
  private used = 0;
  private readonly out: WriteStream;
  private failed?: Error;
  private readonly timer: NodeJS.Timeout;
  /** Bytes of the file known to end on a whole line (what it had, plus every batch written in full). */
  private committed = 0;
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
    try {
      this.committed = statSync(path).size;
    } catch {
      this.committed = 0;
    }
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', (err) => {
      if (this.failed) return;
      // disk full / file-size limit: cut a partly written batch back to its last whole line
      try {
        truncateSync(path, this.committed);
      } catch {
        // nothing more can be done: the error below says the records are incomplete
      }
      const typed = fromSystemError(err);
      this.failed = new Error(`records incomplete: ${typed ? typed.format() : err.message}`, { cause: err });
    });
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  write(r: RequestRecord): void {
    this.lines++;
    const most = maxLineBytes(r) + 1;
    if (this.used + most > BATCH) {
      this.flush();
      if (most > BATCH) {
        // a line longer than a batch: on its own
        const b = Buffer.allocUnsafe(most);
        const end = writeRecordLine(r, b, 0);
        b[end] = 0x0a;
        this.send(b.subarray(0, end + 1));
        return;
      }
    }
    this.used = writeRecordLine(r, this.buf, this.used);
    this.buf[this.used++] = 0x0a;
  }

  private flush(): void {
    if (this.used === 0) return;
    const full = this.buf;
    const batch = full.subarray(0, this.used);
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(BATCH);
    this.used = 0;
    this.send(batch, full);
  }

  /** Writes `bytes`; `reuse`: the batch buffer they are in, filled again once they are written. */
  private send(bytes: Buffer, reuse?: Buffer): void {
    if (this.failed) return;
    this.out.write(bytes, (err) => {
      if (!err) this.committed += bytes.length;
      if (reuse && this.spare.length < 2) this.spare.push(reuse);
    });
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
