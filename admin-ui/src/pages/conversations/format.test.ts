import { describe, expect, it } from 'vitest';
import { listQuery, NO_FILTERS, sentimentLabel } from './format';

describe('conversation formatting', () => {
  it('labels sentiment as the receptionist does', () => {
    expect(sentimentLabel(0.5)).toBe('positive');
    expect(sentimentLabel(0.2)).toBe('neutral');
    expect(sentimentLabel(-0.21)).toBe('negative');
    expect(sentimentLabel(null)).toBeNull();
  });

  it('sends only the chosen filters and never the language', () => {
    expect(listQuery(NO_FILTERS)).toEqual({});
    expect(listQuery({ ...NO_FILTERS, status: 'ended', channel: 'call', language: 'es', from: '2026-12-01' }))
      .toEqual({ status: 'ended', channel: 'call', from: '2026-12-01' });
  });
});
