import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { useI18n } from '../../i18n/i18n';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { ConfirmDialog, Dialog, formatInstant } from '../users/ConfirmDialog';
import '../users/admin.css';

export interface ApiKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type KeyRole = 'tenant-admin' | 'tenant-user';

/**
 * The tenant's API keys (GET /api/v1/tenants/{t}/api-keys, never their secrets): create one (the secret is in the
 * creation answer only, so it is shown once in a dialog with a copy button) and revoke one (DELETE; its next use
 * answers 401).
 */
export default function ApiKeysPage() {
  const { t, language } = useI18n();
  const { me } = useAuth();
  const tenant = me?.tenantId ?? '';
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [createError, setCreateError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<KeyRole>('tenant-user');
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const load = useCallback(async (cursor?: string) => {
    try {
      const { data } = await api.GET('/api/v1/tenants/{tenant}/api-keys', {
        params: { path: { tenant }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
      });
      const page = data as unknown as { items: ApiKey[]; next: string | null };
      setKeys((before) => (cursor ? [...before, ...page.items] : page.items));
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
    try {
      const { data } = await api.POST('/api/v1/tenants/{tenant}/api-keys', {
        params: { path: { tenant } }, body: { name: name.trim(), role },
      });
      const createdKey = data as unknown as ApiKey & { secret: string };
      setCopied(false);
      setSecret({ name: createdKey.name, value: createdKey.secret });
      setName('');
      await load();
    } catch (e) {
      setCreateError(e);
    } finally {
      setBusy(false);
    }
  }

  async function revoke() {
    if (!revoking) {
      return;
    }
    setBusy(true);
    try {
      await api.DELETE('/api/v1/tenants/{tenant}/api-keys/{keyId}', { params: { path: { tenant, keyId: revoking.id } } });
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setRevoking(null);
      setBusy(false);
    }
  }

  async function copy() {
    if (!secret) {
      return;
    }
    try {
      await navigator.clipboard.writeText(secret.value);
      setCopied(true);
    } catch {
      // No clipboard access (permission refused): select the secret so the user can copy it by hand.
      const shown = document.querySelector('[data-testid="api-key-secret"]');
      if (shown) {
        window.getSelection()?.selectAllChildren(shown);
      }
    }
  }

  return (
    <Page title={t('nav.apiKeys')}>
      <h2 id="keys-create">{t('apiKeys.create.title')}</h2>
      <form className="admin-form" aria-labelledby="keys-create" onSubmit={(e) => void create(e)}>
        <div className="field">
          <label htmlFor="keys-name">{t('apiKeys.name')}</label>
          <input id="keys-name" required value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="keys-role">{t('apiKeys.role')}</label>
          <select id="keys-role" value={role} onChange={(e) => setRole(e.target.value as KeyRole)}>
            <option value="tenant-user">{t('apiKeys.role.tenant-user')}</option>
            <option value="tenant-admin">{t('apiKeys.role.tenant-admin')}</option>
          </select>
        </div>
        <div className="admin-actions">
          <button type="submit" className="primary" disabled={busy || !name.trim()}>{t('apiKeys.create.submit')}</button>
        </div>
      </form>
      <ProblemMessage error={createError} />
      <ProblemMessage error={error} />
      {loaded && (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <caption>{t('apiKeys.list', { count: String(keys.length) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('apiKeys.name')}</th>
                <th scope="col">{t('apiKeys.prefix')}</th>
                <th scope="col">{t('apiKeys.role')}</th>
                <th scope="col">{t('apiKeys.createdAt')}</th>
                <th scope="col">{t('apiKeys.lastUsed')}</th>
                <th scope="col">{t('apiKeys.status')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td><code>{key.prefix}…</code></td>
                  <td>{key.role === 'tenant-admin' || key.role === 'tenant-user' ? t(`apiKeys.role.${key.role}`) : key.role}</td>
                  <td className="admin-nowrap">{formatInstant(language, key.createdAt)}</td>
                  <td className="admin-nowrap">{formatInstant(language, key.lastUsedAt)}</td>
                  <td>
                    {key.revokedAt
                      ? <span className="admin-status">{t('apiKeys.revokedAt', { when: formatInstant(language, key.revokedAt) })}</span>
                      : <button type="button" aria-label={t('apiKeys.revokeKey', { name: key.name })}
                                onClick={() => setRevoking(key)}>{t('apiKeys.revoke')}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {keys.length === 0 && <p className="muted" style={{ padding: '0 0.75rem 0.75rem' }}>{t('apiKeys.none')}</p>}
        </div>
      )}
      {next && <p><button type="button" onClick={() => void load(next)}>{t('apiKeys.more')}</button></p>}

      <Dialog title={t('apiKeys.secret.title', { name: secret?.name ?? '' })} open={secret !== null} onClose={() => setSecret(null)}>
        <p className="notice">{t('apiKeys.secret.warning')}</p>
        <code className="admin-secret" data-testid="api-key-secret">{secret?.value}</code>
        <div className="admin-actions">
          <button type="button" onClick={() => void copy()}>{t('apiKeys.secret.copy')}</button>
          {copied && <span role="status">{t('apiKeys.secret.copied')}</span>}
          <button type="button" className="primary" onClick={() => setSecret(null)}>{t('apiKeys.secret.done')}</button>
        </div>
      </Dialog>
      {revoking && (
        <ConfirmDialog title={t('apiKeys.confirm.title')} message={t('apiKeys.confirm.message', { name: revoking.name })}
                       confirmLabel={t('apiKeys.revoke')} cancelLabel={t('apiKeys.confirm.cancel')} busy={busy}
                       onConfirm={() => void revoke()} onCancel={() => setRevoking(null)} />
      )}
    </Page>
  );
}
