import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, startLivePoller } from './livePoller';

describe('backoffDelay', () => {
  it('doubles from the base after each failure and stops at the maximum', () => {
    expect(backoffDelay(0, 1000, 30000)).toBe(1000);
    expect(backoffDelay(1, 1000, 30000)).toBe(2000);
    expect(backoffDelay(3, 1000, 30000)).toBe(8000);
    expect(backoffDelay(10, 1000, 30000)).toBe(30000);
  });
});

describe('startLivePoller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks again every interval while answers come', async () => {
    const refresh = vi.fn().mockResolvedValue(undefined);
    const poller = startLivePoller(refresh, { intervalMs: 1000, maxMs: 8000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(refresh).toHaveBeenCalledTimes(4);
    poller.stop();
    await vi.advanceTimersByTimeAsync(10000);
    expect(refresh).toHaveBeenCalledTimes(4);
  });

  it('backs off exponentially after failures and returns to the interval after a success', async () => {
    let failing = true;
    const refresh = vi.fn().mockImplementation(() => (failing ? Promise.reject(new Error('down')) : Promise.resolve()));
    const poller = startLivePoller(refresh, { intervalMs: 1000, maxMs: 8000 });
    await vi.advanceTimersByTimeAsync(0); // first attempt fails: next after 2 s
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // second fails: next after 4 s
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3999);
    expect(refresh).toHaveBeenCalledTimes(2);
    failing = false;
    await vi.advanceTimersByTimeAsync(1); // third succeeds: back to every second
    expect(refresh).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(refresh).toHaveBeenCalledTimes(4);
    poller.stop();
  });

  it('never waits longer than the maximum', async () => {
    const refresh = vi.fn().mockRejectedValue(new Error('down'));
    const poller = startLivePoller(refresh, { intervalMs: 1000, maxMs: 4000 });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(2000 + 4000 + 4000 + 4000);
    expect(refresh).toHaveBeenCalledTimes(5);
    poller.stop();
  });
});
