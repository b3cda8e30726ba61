import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { CodeForm, type SecondFactor } from '../../auth/CodeForm';
import { useI18n } from '../../i18n/i18n';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { ConfirmDialog } from '../users/ConfirmDialog';
import '../users/admin.css';

/**
 * The tenant's policy (tenant admin): require two-factor authentication for everyone, PATCH /api/v1/tenants/{t}
 * {mfaRequired}. Users without it are then held on enrolment at their next sign-in.
 */
export function MfaPolicy() {
  const { t } = useI18n();
  const { me } = useAuth();
  const tenant = me?.tenantId ?? '';
  const [required, setRequired] = useState<boolean | null>(null);
  const [asking, setAsking] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.GET('/api/v1/tenants/{tenant}', { params: { path: { tenant } } })
      .then(({ data }) => setRequired(Boolean((data as { mfaRequired?: boolean }).mfaRequired)))
      .catch(setError);
  }, [tenant]);

  async function apply(value: boolean) {
    setBusy(true);
    try {
      const { data } = await api.PATCH('/api/v1/tenants/{tenant}', { params: { path: { tenant } }, body: { mfaRequired: value } });
      setRequired(Boolean((data as { mfaRequired?: boolean }).mfaRequired));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setAsking(null);
      setBusy(false);
    }
  }

  return (
    <section className="admin-section" aria-labelledby="security-policy">
      <h2 id="security-policy">{t('security.policy.title')}</h2>
      {required !== null && (
        <div className="stack">
          <p role="status" className="admin-status">{required ? t('security.policy.on') : t('security.policy.off')}</p>
          <p className="hint">{t('security.policy.hint')}</p>
          <div className="admin-actions">
            <button type="button" onClick={() => setAsking(!required)}>
              {required ? t('security.policy.disable') : t('security.policy.enable')}
            </button>
          </div>
        </div>
      )}
      <ProblemMessage error={error} />
      {asking !== null && (
        <ConfirmDialog title={asking ? t('security.policy.enable') : t('security.policy.disable')}
                       message={asking ? t('security.policy.confirmOn') : t('security.policy.confirmOff')}
                       confirmLabel={t('security.confirm')} cancelLabel={t('security.cancel')} busy={busy}
                       onConfirm={() => void apply(asking)} onCancel={() => setAsking(null)} />
      )}
    </section>
  );
}

/**
 * Turning one's own TOTP off (DELETE /api/v1/me/mfa/totp with a current code or an unused recovery code; the kernel refuses it while the tenant
 * requires MFA). Enrolling again afterwards gives a new key and new recovery codes.
 */
export function DisableTotp() {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function disable(factor: SecondFactor) {
    setBusy(true);
    setError(null);
    try {
      await api.DELETE('/api/v1/me/mfa/totp', { body: { code: 'totp' in factor ? factor.totp : factor.recoveryCode } });
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="admin-section" aria-labelledby="security-disable">
      <h2 id="security-disable">{t('security.disable.title')}</h2>
      {done
        ? <p role="status" className="success">{t('security.disable.done')}</p>
        : (
          <div className="stack">
            <p className="hint">{t('security.disable.hint')}</p>
            <CodeForm onSubmit={disable} submitLabel={t('security.disable.submit')} allowRecovery busy={busy}
                      label={t('security.disable.code')} />
          </div>
        )}
      <ProblemMessage error={error} />
    </section>
  );
}
