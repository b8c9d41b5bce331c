import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from './errors';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload(): Promise<void>;
  setData(update: (current: T | null) => T | null): void;
}

/** Loads once per `load` (memoise it with useCallback), with loading and error states and a reload. */
export function useLoad<T>(load: () => Promise<T>, fallbackError: string): Loaded<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setDataState(await load());
      setError(null);
    } catch (caught) {
      setError(errorMessage(caught, fallbackError));
    } finally {
      setLoading(false);
    }
  }, [load, fallbackError]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const setData = useCallback((update: (current: T | null) => T | null) => setDataState(update), []);
  return { data, error, loading, reload, setData };
}
