/**
 * One nvidia-smi per process, binary and sampling interval: monitors started in the same process (a local run
 * labels this machine as several nodes/roles) share the reader instead of each starting nvidia-smi.
 * The warning about a missing nvidia-smi is therefore given once per process.
 */
import { NvidiaSmiReader, nvidiaSmiCommand } from './nvidia-smi.js';

interface Entry {
  reader: NvidiaSmiReader;
  ready: Promise<void>;
  refs: number;
}

const readers = new Map<string, Entry>();

export interface GpuReaderHandle {
  reader: NvidiaSmiReader;
  /** Resolves once the first batch of GPUs is known (or nvidia-smi is known to be unavailable). */
  ready: Promise<void>;
  /** Stops nvidia-smi when the last user releases it. */
  release(): void;
}

export function acquireGpuReader(
  intervalMs: number,
  onWarning: (message: string) => void,
  command = nvidiaSmiCommand(),
): GpuReaderHandle {
  const key = `${command}\n${intervalMs}`;
  let entry = readers.get(key);
  if (!entry) {
    const reader = new NvidiaSmiReader(intervalMs, onWarning, command);
    entry = { reader, ready: reader.start(), refs: 0 };
    readers.set(key, entry);
  }
  entry.refs++;
  const e = entry;
  let released = false;
  return {
    reader: e.reader,
    ready: e.ready,
    release() {
      if (released) return;
      released = true;
      if (--e.refs === 0) {
        readers.delete(key);
        e.reader.stop();
      }
    },
  };
}
