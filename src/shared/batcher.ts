/**
 * Collects the single requests made during one turn of the event loop and serves them with one call
 * (one SQL statement for many jobs instead of one each). `flush` returns a result per key.
 */
export function createBatcher<K, R>(options: {
  flush: (keys: K[]) => Promise<Map<K, R>>;
  maxSize?: number;
  fallback: R;
}) {
  const maxSize = options.maxSize ?? 200;
  let pending: Array<{ key: K; resolve: (value: R) => void; reject: (error: unknown) => void }> = [];
  let scheduled: NodeJS.Immediate | undefined;
  const inFlight = new Set<Promise<void>>();

  async function send(batch: typeof pending) {
    try {
      const results = await options.flush(batch.map((item) => item.key));
      for (const item of batch) item.resolve(results.get(item.key) ?? options.fallback);
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  function run() {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const sending = send(batch).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }

  return {
    load(key: K): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        pending.push({ key, resolve, reject });
        if (pending.length >= maxSize) run();
        else scheduled ??= setImmediate(run);
      });
    },
    /** Sends whatever is waiting and waits for every batch in flight (used when stopping). */
    async flushNow() {
      run();
      await Promise.all([...inFlight]);
    },
  };
}
