/**
 * The models the simulator serves: `dummy-model`, the configured `models`, and any pulled through
 * /api/pull. Names compare without a `:latest` tag, as Ollama does. Each model loads (load_ms) on its
 * first request; /api/ps lists the loaded ones.
 */
import { createHash } from 'node:crypto';

export const DEFAULT_MODEL = 'dummy-model';

export interface ModelInfo {
  name: string;
  digest: string;
  size: number;
  modifiedAt: string;
  /** performance.now() at which the model is (or will be) loaded; undefined until first used. */
  readyAt?: number;
}

export function baseName(name: string): string {
  return name.endsWith(':latest') ? name.slice(0, -7) : name;
}

/** Ollama shows tags: `dummy-model:latest`. */
export function taggedName(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

export class ModelRegistry {
  private readonly byName = new Map<string, ModelInfo>();

  constructor(extra: readonly string[]) {
    this.add(DEFAULT_MODEL);
    for (const m of extra) this.add(m);
  }

  add(name: string): ModelInfo {
    const key = baseName(name);
    const have = this.byName.get(key);
    if (have) return have;
    const digest = createHash('sha256').update(key).digest('hex');
    const size = 500_000_000 + (Number.parseInt(digest.slice(0, 6), 16) % 4_000_000_000);
    const info: ModelInfo = { name: key, digest, size, modifiedAt: new Date().toISOString() };
    this.byName.set(key, info);
    return info;
  }

  get(name: string): ModelInfo | undefined {
    return this.byName.get(baseName(name));
  }

  remove(name: string): boolean {
    return this.byName.delete(baseName(name));
  }

  list(): ModelInfo[] {
    return [...this.byName.values()];
  }

  /** Loaded now (readyAt passed). */
  loaded(now: number): ModelInfo[] {
    return this.list().filter((m) => m.readyAt !== undefined && m.readyAt <= now);
  }

  /** Starts loading on first use; returns when the model is ready. */
  load(name: string, now: number, loadMs: number): number {
    const m = this.get(name) ?? this.add(name);
    if (m.readyAt === undefined) m.readyAt = now + loadMs;
    return m.readyAt;
  }
}
