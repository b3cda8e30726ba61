import { useEffect, useRef } from 'react';

/** The wait before the next attempt after `failures` failures in a row: doubling from base, at most max. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  return failures <= 0 ? baseMs : Math.min(maxMs, baseMs * 2 ** failures);
}

export interface LivePoller {
  stop(): void;
}

/**
 * Runs `refresh` now and again every `intervalMs`; after a failure it waits twice as long each time (up to `maxMs`),
 * and goes back to the interval after the next success. The receptionist offers no stream of the conversation list,
 * so the list follows new conversations by asking again.
 */
export function startLivePoller(
  refresh: () => Promise<unknown>,
  { intervalMs = 5000, maxMs = 60000 }: { intervalMs?: number; maxMs?: number } = {},
): LivePoller {
  let failures = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    try {
      await refresh();
      failures = 0;
    } catch {
      failures += 1;
    }
    if (!stopped) {
      timer = setTimeout(run, backoffDelay(failures, intervalMs, maxMs));
    }
  };
  void run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Keeps a list fresh while the page is open (see startLivePoller); `refresh` may change between renders. */
export function useLivePoller(refresh: () => Promise<unknown>, intervalMs = 5000): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const poller = startLivePoller(() => latest.current(), { intervalMs });
    return () => poller.stop();
  }, [intervalMs]);
}
