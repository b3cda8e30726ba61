import { describe, expect, it } from 'vitest';
import { loadSession, msUntilExpiry, parseMe, saveSession } from './session';

describe('session', () => {
  it('knows how long a session has left and that a key does not expire', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(msUntilExpiry({ token: 't', kind: 'session', expiresAt: '2026-01-01T12:30:00Z' }, now)).toBe(30 * 60_000);
    expect(msUntilExpiry({ token: 't', kind: 'session', expiresAt: '2026-01-01T11:00:00Z' }, now)).toBeLessThan(0);
    expect(msUntilExpiry({ token: 'k', kind: 'key' }, now)).toBeNull();
  });

  it('is kept in sessionStorage and a damaged entry counts as none', () => {
    saveSession({ token: 'abc', kind: 'session', expiresAt: '2026-01-01T12:30:00Z' });
    expect(loadSession()?.token).toBe('abc');
    sessionStorage.setItem('voicecore.session', '{not json');
    expect(loadSession()).toBeNull();
    saveSession(null);
    expect(sessionStorage.getItem('voicecore.session')).toBeNull();
  });

  it('reads /me and refuses an unknown role', () => {
    expect(parseMe({ actorId: 'user:1', role: 'tenant-user', tenantId: 't1', mfaPending: false, credentialKind: 'session' }))
      .toEqual({ actorId: 'user:1', role: 'tenant-user', tenantId: 't1', mfaPending: false, credentialKind: 'session' });
    expect(() => parseMe({ actorId: 'x', role: 'superuser' })).toThrow();
  });
});
