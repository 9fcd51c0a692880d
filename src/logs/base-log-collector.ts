/** The seed's abstract log collector: deploy, startCollection, isReady, stopCollection. */
import type { CollectionResult, LogSource } from './types.js';

export abstract class BaseLogCollector {
  /** Prepares the collection infrastructure (output folder, files). */
  abstract deploy(): Promise<boolean>;
  /** Starts collecting from the given sources. */
  abstract startCollection(sources: LogSource[]): Promise<boolean>;
  abstract isReady(): boolean;
  /** Stops, writes out everything collected, returns line counts per source. */
  abstract stopCollection(): Promise<CollectionResult>;
}
