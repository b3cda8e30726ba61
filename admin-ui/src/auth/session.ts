import { isRole, type Role } from '../nav/navigation';

/**
 * The credential the console signs its calls with, kept in sessionStorage: it lives as long as the tab and is never
 * shared with another tab or left behind after the browser closes.
 */
export interface StoredSession {
  token: string;
  /** 'session' from a password sign-in (expires at expiresAt), 'key' for an API key or the admin token. */
  kind: 'session' | 'key';
  expiresAt?: string;
}

/** Who is signed in, as GET /api/v1/me answers. */
export interface Me {
  actorId: string;
  role: Role;
  tenantId: string | null;
  mfaPending: boolean;
  credentialKind: string;
}

const STORAGE_KEY = 'voicecore.session';

export function loadSession(storage: Storage = sessionStorage): StoredSession | null {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null');
    if (parsed && typeof parsed === 'object' && typeof (parsed as StoredSession).token === 'string') {
      return parsed as StoredSession;
    }
  } catch {
    // A damaged entry counts as none.
  }
  return null;
}

export function saveSession(session: StoredSession | null, storage: Storage = sessionStorage): void {
  if (session) {
    storage.setItem(STORAGE_KEY, JSON.stringify(session));
  } else {
    storage.removeItem(STORAGE_KEY);
  }
}

/** Milliseconds until the session expires (negative when it has), or null for a credential that does not expire. */
export function msUntilExpiry(session: StoredSession, now: number = Date.now()): number | null {
  if (!session.expiresAt) {
    return null;
  }
  const at = Date.parse(session.expiresAt);
  return Number.isNaN(at) ? null : at - now;
}

export function parseMe(body: unknown): Me {
  const b = (body ?? {}) as Record<string, unknown>;
  if (!isRole(b.role) || typeof b.actorId !== 'string') {
    throw new Error('Unexpected answer from GET /api/v1/me');
  }
  return {
    actorId: b.actorId,
    role: b.role,
    tenantId: typeof b.tenantId === 'string' ? b.tenantId : null,
    mfaPending: b.mfaPending === true,
    credentialKind: typeof b.credentialKind === 'string' ? b.credentialKind : 'session',
  };
}
