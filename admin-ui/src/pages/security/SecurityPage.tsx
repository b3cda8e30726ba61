import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import QRCode from 'qrcode';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { CodeForm, type SecondFactor } from '../../auth/CodeForm';
import { useI18n } from '../../i18n/i18n';
import { homeFor } from '../../nav/navigation';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { DisableTotp, MfaPolicy } from './MfaSettings';

interface Enrollment {
  secret: string;
  otpauthUri: string;
  qr: string;
}

/**
 * Two-factor enrolment: POST /api/v1/me/mfa/totp gives a secret and its otpauth URI, shown as a QR code made here in
 * the browser (the secret never leaves for another service) and as text; the first code activates it and the kernel
 * answers the recovery codes, shown once.
 */
export default function SecurityPage() {
  const { t } = useI18n();
  const { me, refresh, signOut } = useAuth();
  const navigate = useNavigate();
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const { data } = await api.POST('/api/v1/me/mfa/totp');
      const reply = data as { secret: string; otpauthUri: string };
      const qr = await QRCode.toDataURL(reply.otpauthUri, { margin: 2, width: 240, errorCorrectionLevel: 'M' });
      setEnrollment({ ...reply, qr });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function activate(factor: SecondFactor) {
    if (!('totp' in factor)) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { data } = await api.POST('/api/v1/me/mfa/totp/activate', { body: { code: factor.totp } });
      setRecoveryCodes((data as { recoveryCodes: string[] }).recoveryCodes);
      setEnrollment(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function finish() {
    // A session issued before enrolment may only enrol, even after it: the user signs in again with the new factor.
    if (me?.mfaPending) {
      await signOut('mfa.signInAgain');
      return;
    }
    await refresh();
    navigate(me ? homeFor(me.role) : '/', { replace: true });
  }

  return (
    <Page title={t('mfa.title')}>
      {me?.mfaPending && !recoveryCodes && <p className="notice" role="status">{t('mfa.required')}</p>}
      {!enrollment && !recoveryCodes && (
        <div className="stack">
          <p>{t('mfa.intro')}</p>
          <button type="button" className="primary" onClick={() => void start()} disabled={busy}>{t('mfa.start')}</button>
        </div>
      )}
      {enrollment && (
        <div className="stack">
          <p>{t('mfa.scan')}</p>
          <img className="qr" src={enrollment.qr} width={240} height={240} alt={t('mfa.qrAlt')} />
          <p>
            {t('mfa.secret')}: <code className="secret" data-testid="totp-secret">{enrollment.secret}</code>
          </p>
          <CodeForm onSubmit={activate} submitLabel={t('mfa.activate')} allowRecovery={false} busy={busy}
                    label={t('mfa.code')} />
        </div>
      )}
      {recoveryCodes && (
        <div className="stack">
          <p role="status" className="success">{t('mfa.active')}</p>
          <h2>{t('mfa.recoveryCodes')}</h2>
          <p>{t('mfa.recoveryNote')}</p>
          <ul className="codes" data-testid="recovery-codes">
            {recoveryCodes.map((code) => <li key={code}><code>{code}</code></li>)}
          </ul>
          <button type="button" className="primary" onClick={() => void finish()}>{t('mfa.continue')}</button>
        </div>
      )}
      <ProblemMessage error={error} />
      {!enrollment && !recoveryCodes && !me?.mfaPending && me?.credentialKind === 'session' && <DisableTotp />}
      {!enrollment && !recoveryCodes && !me?.mfaPending && me?.role === 'tenant-admin' && <MfaPolicy />}
    </Page>
  );
}
