import { useCallback, useEffect, useState } from 'react';

/** Loads a value, with its error and a reload; the value stays while a reload runs. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  // The caller names what the loader depends on, as with useEffect.
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    try {
      setValue(await run());
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [run]);
  useEffect(() => { void reload(); }, [reload]);
  return { value, error, reload };
}
