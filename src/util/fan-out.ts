/**
 * `settleAll(items, limit, fn)`: runs `fn` on every item with at most `limit` calls in flight at once,
 * and resolves to the outcome of each, in the order of `items` (like Promise.allSettled; never rejects).
 * Used by the workload controller to fan its calls out to many executors without opening a connection
 * to each at once.
 */
export async function settleAll<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const out = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return out;
}

/** Like `settleAll`, but rejects with the first failure (in item order) once every call has ended. */
export async function mapAll<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const settled = await settleAll(items, limit, fn);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<R>).value);
}
