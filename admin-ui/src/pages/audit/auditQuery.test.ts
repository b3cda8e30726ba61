import { describe, expect, it } from 'vitest';
import { auditQuery } from './AuditPage';

describe('audit filters to the API query', () => {
  it('leaves empty fields out and trims the text ones', () => {
    expect(auditQuery({ actor: '  ', action: ' api-key.* ', outcome: '', from: '', to: '' })).toEqual({ action: 'api-key.*' });
    expect(auditQuery({ actor: 'u-1', action: '', outcome: 'denied', from: '', to: '' })).toEqual({ actor: 'u-1', outcome: 'denied' });
  });

  it('turns whole local days into instants, the last day included (the API\'s to is exclusive)', () => {
    const query = auditQuery({ actor: '', action: '', outcome: '', from: '2026-03-01', to: '2026-03-01' });
    expect(query['from']).toBe(new Date(2026, 2, 1).toISOString());
    expect(query['to']).toBe(new Date(2026, 2, 2).toISOString());
    expect(Date.parse(query['to']!) - Date.parse(query['from']!)).toBeGreaterThanOrEqual(23 * 3600_000);
  });
});
