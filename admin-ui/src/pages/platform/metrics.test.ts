import { describe, expect, it } from 'vitest';
import { parsePrometheus, total } from './metrics';

describe('Prometheus text', () => {
  const text = [
    '# HELP http_requests_total Requests',
    '# TYPE http_requests_total counter',
    'http_requests_total{method="GET",status="200"} 12',
    'http_requests_total{method="POST",status="500"} 3',
    'jvm_memory_used_bytes{area="heap"} 1.5e6',
    'garbage line',
    'process_uptime_seconds 42.5',
  ].join('\n');

  it('reads names, labels and values and skips comments and bad lines', () => {
    const samples = parsePrometheus(text);
    expect(samples).toHaveLength(4);
    expect(samples[1]).toEqual({ name: 'http_requests_total', labels: { method: 'POST', status: '500' }, value: 3 });
    expect(samples[2]!.value).toBe(1_500_000);
  });

  it('sums a metric over its labels, null when absent', () => {
    const samples = parsePrometheus(text);
    expect(total(samples, 'http_requests_total')).toBe(15);
    expect(total(samples, 'nothing_here')).toBeNull();
  });
});
