import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ApiProblem } from '../../api/problem';
import { useAuth } from '../../auth/auth';
import { useI18n } from '../../i18n/i18n';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { ConfirmDialog, formatInstant } from './ConfirmDialog';
import './admin.css';

export interface User {
  id: string;
  email: string;
  role: 'tenant-admin' | 'tenant-user';
  displayName: string | null;
  status: 'active' | 'disabled';
  mfaEnabled: boolean;
  createdAt: string;
}

type Change = { user: User; patch: { role?: User['role']; status?: User['status'] } };

/** A refusal that names a field in its detail marks that field invalid (the kernel's 422 details name the field). */
function refusedField(error: unknown, field: string): boolean {
  return error instanceof ApiProblem && error.status === 422 && error.detail.toLowerCase().includes(field);
}

/**
 * The tenant's users (GET /api/v1/tenants/{t}/users): create one with a first password, change the role, disable and
 * enable (PATCH; both end the user's sessions). The API has no deletion: disabling is how a user is removed.
 */
export default function UsersPage() {
  const { t, language } = useI18n();
  const { me } = useAuth();
  const tenant = me?.tenantId ?? '';
  const [users, setUsers] = useState<User[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [createError, setCreateError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [change, setChange] = useState<Change | null>(null);
  const [form, setForm] = useState({ email: '', displayName: '', role: 'tenant-user' as User['role'], password: '' });

  const load = useCallback(async (cursor?: string) => {
    try {
      const { data } = await api.GET('/api/v1/tenants/{tenant}/users', {
        params: { path: { tenant }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
      });
      const page = data as unknown as { items: User[]; next: string | null };
      setUsers((before) => (cursor ? [...before, ...page.items] : page.items));
      setNext(page.next);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoaded(true);
    }
  }, [tenant]);

  useEffect(() => { void load(); }, [load]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setCreateError(null);
    setCreated(null);
    try {
      await api.POST('/api/v1/tenants/{tenant}/users', {
        params: { path: { tenant } },
        body: { email: form.email.trim(), password: form.password, role: form.role,
                ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}) },
      });
      setCreated(form.email.trim());
      setForm({ email: '', displayName: '', role: 'tenant-user', password: '' });
      await load();
    } catch (e) {
      setCreateError(e);
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    if (!change) {
      return;
    }
    setBusy(true);
    try {
      await api.PATCH('/api/v1/tenants/{tenant}/users/{userId}', {
        params: { path: { tenant, userId: change.user.id } }, body: change.patch,
      });
      setChange(null);
      await load();
    } catch (e) {
      setChange(null);
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const passwordTooShort = form.password.length > 0 && form.password.length < 12;

  function confirmation(c: Change) {
    const who = c.user.displayName ?? c.user.email;
    if (c.patch.role) {
      return { title: t('users.confirm.roleTitle'), message: t('users.confirm.role', { user: who, role: t(`users.role.${c.patch.role}`) }) };
    }
    return c.patch.status === 'disabled'
      ? { title: t('users.confirm.disableTitle'), message: t('users.confirm.disable', { user: who }) }
      : { title: t('users.confirm.enableTitle'), message: t('users.confirm.enable', { user: who }) };
  }

  return (
    <Page title={t('nav.users')}>
      <h2 id="users-create">{t('users.create.title')}</h2>
      <form className="admin-form" aria-labelledby="users-create" onSubmit={(e) => void create(e)} noValidate>
        <div className="field">
          <label htmlFor="users-email">{t('users.email')}</label>
          <input id="users-email" type="email" autoComplete="off" required value={form.email}
                 aria-invalid={refusedField(createError, 'email') ? true : undefined}
                 onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="users-name">{t('users.displayName')}</label>
          <input id="users-name" autoComplete="off" value={form.displayName}
                 onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="users-role">{t('users.role')}</label>
          <select id="users-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as User['role'] })}>
            <option value="tenant-user">{t('users.role.tenant-user')}</option>
            <option value="tenant-admin">{t('users.role.tenant-admin')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="users-password">{t('users.password')}</label>
          <input id="users-password" type="password" autoComplete="new-password" required minLength={12} value={form.password}
                 aria-invalid={passwordTooShort || refusedField(createError, 'password') ? true : undefined} aria-describedby="users-password-hint"
                 onChange={(e) => setForm({ ...form, password: e.target.value })} />
          <p id="users-password-hint" className={passwordTooShort ? 'field-error' : 'hint'}>{t('users.passwordHint')}</p>
        </div>
        <div className="admin-actions">
          <button type="submit" className="primary" disabled={busy || !form.email || form.password.length < 12}>{t('users.create.submit')}</button>
        </div>
      </form>
      {created && <p className="success" role="status">{t('users.created', { email: created })}</p>}
      <ProblemMessage error={createError} />

      <ProblemMessage error={error} />
      {loaded && (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <caption>{t('users.list', { count: String(users.length) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.user')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('users.status')}</th>
                <th scope="col">{t('users.mfa')}</th>
                <th scope="col">{t('users.createdAt')}</th>
                <th scope="col">{t('users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => {
                const self = user.id === me?.actorId;
                return (
                  <tr key={user.id}>
                    <td>{user.displayName && <strong>{user.displayName}<br /></strong>}{user.email}</td>
                    <td>
                      <label className="visually-hidden" htmlFor={`role-${user.id}`}>{t('users.changeRole', { user: user.email })}</label>
                      <select id={`role-${user.id}`} value={user.role} disabled={self}
                              onChange={(e) => setChange({ user, patch: { role: e.target.value as User['role'] } })}>
                        <option value="tenant-user">{t('users.role.tenant-user')}</option>
                        <option value="tenant-admin">{t('users.role.tenant-admin')}</option>
                      </select>
                    </td>
                    <td className="admin-status">{t(`users.status.${user.status}`)}</td>
                    <td>{user.mfaEnabled ? t('users.mfa.on') : t('users.mfa.off')}</td>
                    <td className="admin-nowrap">{formatInstant(language, user.createdAt)}</td>
                    <td>
                      {!self && (user.status === 'active'
                        ? <button type="button" aria-label={t('users.disableUser', { user: user.email })}
                                  onClick={() => setChange({ user, patch: { status: 'disabled' } })}>{t('users.disable')}</button>
                        : <button type="button" aria-label={t('users.enableUser', { user: user.email })}
                                  onClick={() => setChange({ user, patch: { status: 'active' } })}>{t('users.enable')}</button>)}
                      {self && <span className="muted">{t('users.you')}</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {next && <p><button type="button" onClick={() => void load(next)}>{t('users.more')}</button></p>}
      {change && (
        <ConfirmDialog {...confirmation(change)} confirmLabel={t('users.confirm.ok')} cancelLabel={t('users.confirm.cancel')}
                       busy={busy} onConfirm={() => void apply()} onCancel={() => setChange(null)} />
      )}
    </Page>
  );
}
