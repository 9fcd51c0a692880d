/**
 * Follows one log file by polling, like `tail -F`: waits for a file that does not exist yet, restarts
 * from the beginning after truncation, and after rotation (rename + new file) reads the old file to its
 * end before switching to the new one. A partial last line is held until its newline arrives (or until
 * the file is rotated away or the follower is closed).
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 64 * 1024;

export class FileFollower {
  private fh?: FileHandle;
  private ino?: number;
  private dev?: number;
  private offset = 0;
  private partial = '';
  private decoder = new StringDecoder('utf8');
  private readonly buf = Buffer.allocUnsafe(CHUNK);

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Reads whatever is new; never throws for a missing file. */
  async poll(): Promise<void> {
    if (!this.fh && !(await this.openCurrent())) return;
    await this.drain();
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(this.path);
    } catch {
      return; // renamed away and not recreated yet: keep the old handle
    }
    if (st.ino !== this.ino || st.dev !== this.dev) {
      await this.drain(); // lines written to the old file just before the switch
      this.endPartial();
      await this.fh?.close();
      this.fh = undefined;
      if (await this.openCurrent()) await this.drain();
    }
  }

  /** Reads to the end, emits a pending partial line, and closes the file. */
  async close(): Promise<void> {
    await this.poll();
    this.endPartial();
    await this.fh?.close();
    this.fh = undefined;
  }

  private async openCurrent(): Promise<boolean> {
    try {
      const fh = await open(this.path, 'r');
      const st = await fh.stat();
      this.fh = fh;
      this.ino = st.ino;
      this.dev = st.dev;
      this.offset = 0;
      this.partial = '';
      this.decoder = new StringDecoder('utf8');
      return true;
    } catch {
      return false;
    }
  }

  private async drain(): Promise<void> {
    const fh = this.fh;
    if (!fh) return;
    const { size } = await fh.stat();
    if (size < this.offset) {
      // Truncated (e.g. copytruncate, or `> file`): start over.
      this.endPartial();
      this.offset = 0;
      this.decoder = new StringDecoder('utf8');
    }
    while (this.offset < size) {
      const { bytesRead } = await fh.read(this.buf, 0, Math.min(CHUNK, size - this.offset), this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      this.split(this.decoder.write(this.buf.subarray(0, bytesRead)));
    }
  }

  private split(text: string): void {
    const data = this.partial + text;
    let start = 0;
    let nl = data.indexOf('\n');
    while (nl >= 0) {
      const end = nl > start && data.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.onLine(data.slice(start, end));
      start = nl + 1;
      nl = data.indexOf('\n', start);
    }
    this.partial = data.slice(start);
  }

  private endPartial(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest) this.onLine(rest);
  }
}
