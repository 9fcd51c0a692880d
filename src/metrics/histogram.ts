/**
 * HdrHistogram helpers. Latencies are recorded as integer microseconds with 3 significant digits (every
 * recorded value is kept within 0.1% of its true value), auto-resizing, so any latency fits. Snapshots carry
 * histograms as compressed base64 (the HdrHistogram V2 encoding), which merge exactly by adding counts.
 */
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
  initWebAssemblySync,
} from 'hdr-histogram-js';

export const SIGNIFICANT_DIGITS = 3;

export function newHistogram(): Histogram {
  return build({ bitBucketSize: 32, numberOfSignificantValueDigits: SIGNIFICANT_DIGITS, autoResize: true });
}

let wasm: boolean | undefined;

/** Whether hdr-histogram-js's WebAssembly build is usable here (compiled once, on first use). */
export function wasmAvailable(): boolean {
  if (wasm === undefined) {
    try {
      initWebAssemblySync();
      wasm = true;
    } catch {
      wasm = false;
    }
  }
  return wasm;
}

/**
 * A histogram for the recording hot path: the WebAssembly implementation when available (measured 2-6x
 * faster per recordValue than the JavaScript one here, see docs/BENCHMARKS.md). It must be destroy()ed.
 */
export function newRecordingHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    autoResize: true,
    useWebAssembly: wasmAvailable(),
  });
}

/** A duration in ms as the integer µs a histogram holds (negative values, from clock skew, become 0). */
export const histogramUs = (ms: number): number => (ms > 0 ? Math.round(ms * 1000) : 0);

/** Records a duration given in milliseconds. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(histogramUs(ms));
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(b64: string): Histogram {
  const h = decodeFromCompressedBase64(b64, 32, false);
  // decoded histograms must keep growing when other histograms are added into them
  h.autoResize = true;
  return h;
}

/** Adds the encoded histograms into one histogram (undefined when none is given). */
export function mergeEncoded(list: (string | undefined)[]): Histogram | undefined {
  let acc: Histogram | undefined;
  for (const b64 of list) {
    if (!b64) continue;
    const h = decodeHistogram(b64);
    if (!acc) acc = h;
    else acc.add(h);
  }
  return acc;
}
