/** Defensive readers for a recipe that may not have passed the schema (cross-field rules run on it anyway). */
import { parseDuration } from '../util/duration.js';

export type Loose = Record<string, unknown>;

export function obj(v: unknown): Loose {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {};
}
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
export function secs(v: unknown): number | undefined {
  return v === undefined ? undefined : parseDuration(v);
}
export function has(o: Loose, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}
