/**
 * Collects single requests for a few milliseconds and serves them with one call (one SQL statement
 * for many jobs instead of one each). `flush` receives the keys and returns a result per key.
 */
export function createBatcher<K, R>(options: {
  flush: (keys: K[]) => Promise<Map<K, R>>;
  maxSize?: number;
  maxWaitMs?: number;
  fallback: R;
}) {
  const maxSize = options.maxSize ?? 200;
  const maxWaitMs = options.maxWaitMs ?? 2;
  let pending: Array<{ key: K; resolve: (value: R) => void; reject: (error: unknown) => void }> = [];
  let timer: NodeJS.Timeout | undefined;

  async function run() {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      const results = await options.flush(batch.map((item) => item.key));
      for (const item of batch) item.resolve(results.get(item.key) ?? options.fallback);
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  return {
    load(key: K): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        pending.push({ key, resolve, reject });
        if (pending.length >= maxSize) void run();
        else timer ??= setTimeout(() => void run(), maxWaitMs);
      });
    },
    /** Sends whatever is waiting now (used when stopping). */
    flushNow: run,
  };
}
