/** The seed's abstract log collector: deploy, startCollection, isReady, stopCollection. */
import type { CollectionResult, LogSourceInput } from './types.js';

export abstract class BaseLogCollector {
  /** Prepares the collection infrastructure (output folder, files). */
  abstract deploy(): Promise<boolean>;
  /** Starts collecting from the given sources (either spelling: normalise them with `toLogSource`). */
  abstract startCollection(sources: LogSourceInput[]): Promise<boolean>;
  abstract isReady(): boolean;
  /** Stops, writes out everything collected, returns line counts per source. */
  abstract stopCollection(): Promise<CollectionResult>;
}
