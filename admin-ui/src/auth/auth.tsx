import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, useCredentials } from '../api/client';
import type { MessageKey } from '../i18n/messages';
import { loadSession, msUntilExpiry, parseMe, saveSession, type Me, type StoredSession } from './session';

export interface PasswordSignIn {
  tenant: string;
  email: string;
  password: string;
  totp?: string;
  recoveryCode?: string;
}

interface AuthValue {
  /** Undefined while the stored credential is being checked, null when nobody is signed in. */
  me: Me | null | undefined;
  /** Why the user was signed out, shown on the sign-in page. */
  notice: MessageKey | null;
  /** Throws ApiProblem; one with type mfa-required means: ask for the second factor and call again with it. */
  signInWithPassword(attempt: PasswordSignIn): Promise<Me>;
  /** Throws ApiProblem when the key is not accepted. */
  signInWithKey(key: string): Promise<Me>;
  /** Ends the session on the server and here; notice says why on the sign-in page (default: signed out). */
  signOut(notice?: MessageKey): Promise<void>;
  /** Reads /me again, e.g. after the MFA enrolment lifted mfaPending. */
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const sessionRef = useRef<StoredSession | null>(loadSession());
  const [me, setMe] = useState<Me | null | undefined>(sessionRef.current ? undefined : null);
  const [notice, setNotice] = useState<MessageKey | null>(null);

  const drop = useCallback((why: MessageKey | null) => {
    sessionRef.current = null;
    saveSession(null);
    setNotice(why);
    setMe(null);
  }, []);

  useEffect(() => {
    useCredentials({
      token: () => sessionRef.current?.token ?? null,
      rejected: () => {
        if (sessionRef.current) {
          drop('signIn.expired');
        }
      },
    });
  }, [drop]);

  const readMe = useCallback(async (): Promise<Me> => {
    const { data } = await api.GET('/api/v1/me');
    return parseMe(data);
  }, []);

  const begin = useCallback(async (session: StoredSession): Promise<Me> => {
    sessionRef.current = session;
    try {
      const who = await readMe();
      saveSession(session);
      setNotice(null);
      setMe(who);
      return who;
    } catch (e) {
      sessionRef.current = null;
      throw e;
    }
  }, [readMe]);

  // A stored credential from before a reload is checked once.
  useEffect(() => {
    if (sessionRef.current && me === undefined) {
      // A 401 has already signed out with "session expired" (the client's rejected()); other failures sign out quietly.
      readMe().then(setMe, () => {
        if (sessionRef.current) {
          drop(null);
        }
      });
    }
  }, [me, readMe, drop]);

  // A session ends at its expiresAt even when no call notices it.
  useEffect(() => {
    const session = sessionRef.current;
    if (!me || !session) {
      return;
    }
    const left = msUntilExpiry(session);
    if (left === null) {
      return;
    }
    const timer = setTimeout(() => drop('signIn.expired'), Math.max(0, Math.min(left, 2_147_000_000)));
    return () => clearTimeout(timer);
  }, [me, drop]);

  const value = useMemo<AuthValue>(() => ({
    me,
    notice,
    async signInWithPassword(attempt) {
      const { data } = await api.POST('/api/v1/auth/login', { body: attempt });
      const reply = data as { token: string; expiresAt: string };
      return begin({ token: reply.token, kind: 'session', expiresAt: reply.expiresAt });
    },
    async signInWithKey(key) {
      return begin({ token: key.trim(), kind: 'key' });
    },
    async signOut(why: MessageKey = 'signIn.signedOut') {
      const session = sessionRef.current;
      if (session?.kind === 'session') {
        await api.POST('/api/v1/auth/logout').catch(() => undefined);
      }
      drop(why);
    },
    async refresh() {
      setMe(await readMe());
    },
  }), [me, notice, begin, drop, readMe]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) {
    throw new Error('useAuth outside AuthProvider');
  }
  return value;
}
