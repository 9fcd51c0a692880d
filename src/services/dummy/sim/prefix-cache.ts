/**
 * The simulated prefix cache (vLLM's automatic prefix caching, simplified): prompts are cut into blocks
 * of `block_size` tokens whose keys chain the whole prefix before them (src/util/tokenizer.ts
 * `blockKeys`); a request's cached tokens are its leading blocks already in the cache, at most all but
 * one prompt token (the last one is always computed, to produce the first output token). Admitting a
 * request puts its blocks in the cache; the cache holds `capacity` blocks and evicts the least recently
 * used. Only the prefill cost depends on it: cached tokens are not prefilled again.
 */

export class PrefixCache {
  /** Block keys, least recently used first (a Map keeps insertion order). */
  private readonly blocks = new Map<number, true>();

  constructor(
    readonly blockSize: number,
    readonly capacity: number,
  ) {}

  get size(): number {
    return this.blocks.size;
  }

  /** Tokens of a prompt of `promptTokens` tokens (block keys `keys`) found in the cache; refreshes them. */
  lookup(keys: readonly number[], promptTokens: number): number {
    let n = 0;
    while (n < keys.length && this.blocks.has(keys[n])) n++;
    for (let i = 0; i < n; i++) this.touch(keys[i]);
    return Math.max(0, Math.min(n * this.blockSize, promptTokens - 1));
  }

  /** Puts a prompt's blocks in the cache (most recently used), evicting the oldest beyond capacity. */
  insert(keys: readonly number[]): void {
    for (const k of keys) this.touch(k);
    while (this.blocks.size > this.capacity) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
  }

  clear(): void {
    this.blocks.clear();
  }

  private touch(k: number): void {
    this.blocks.delete(k);
    this.blocks.set(k, true);
  }
}
