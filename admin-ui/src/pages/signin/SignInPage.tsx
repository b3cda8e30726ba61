import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiProblem } from '../../api/problem';
import { useAuth, type PasswordSignIn } from '../../auth/auth';
import { CodeForm, type SecondFactor } from '../../auth/CodeForm';
import type { Me } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import { homeFor } from '../../nav/navigation';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { Preferences } from '../../shell/Preferences';

type Tab = 'password' | 'key';

export default function SignInPage() {
  const { t } = useI18n();
  const { me, notice, signInWithPassword, signInWithKey } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [tab, setTab] = useState<Tab>('password');
  const [fields, setFields] = useState({ tenant: '', email: '', password: '' });
  const [key, setKey] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const requested = (location.state as { from?: string } | null)?.from;
  // After signing out of an enrolment-only session, return to the console, not to the enrolment page.
  const from = requested === '/security' ? undefined : requested;
  const landing = (who: Me) => (who.mfaPending ? '/security' : from ?? homeFor(who.role));

  if (me) {
    return <Navigate to={landing(me)} replace />;
  }

  async function attempt(run: () => Promise<Me>) {
    setBusy(true);
    setError(null);
    try {
      navigate(landing(await run()), { replace: true });
    } catch (e) {
      if (e instanceof ApiProblem && e.is('mfa-required')) {
        setNeedsCode(true);
      } else {
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  }

  function submitPassword(event: FormEvent) {
    event.preventDefault();
    void attempt(() => signInWithPassword(fields));
  }

  function submitCode(factor: SecondFactor) {
    const withFactor: PasswordSignIn = { ...fields, ...factor };
    void attempt(() => signInWithPassword(withFactor));
  }

  function submitKey(event: FormEvent) {
    event.preventDefault();
    void attempt(() => signInWithKey(key));
  }

  const field = (name: keyof typeof fields, label: string, type: string, autoComplete: string) => (
    <div className="field">
      <label htmlFor={`signin-${name}`}>{label}</label>
      <input id={`signin-${name}`} name={name} type={type} autoComplete={autoComplete} required value={fields[name]}
             onChange={(e) => setFields({ ...fields, [name]: e.target.value })} />
    </div>
  );

  return (
    <div className="signin">
      <header className="signin-header">
        <span className="brand">{t('app.name')}</span>
        <Preferences />
      </header>
      <main id="main" className="signin-card">
        <h1>{t('signIn.title')}</h1>
        {notice && <p role="status" className="notice">{t(notice)}</p>}
        {needsCode ? (
          <>
            <CodeForm onSubmit={submitCode} submitLabel={t('signIn.verify')} allowRecovery busy={busy} />
            <ProblemMessage error={error} />
            <button type="button" className="link" onClick={() => { setNeedsCode(false); setError(null); }}>
              {t('signIn.back')}
            </button>
          </>
        ) : (
          <>
            <div role="tablist" aria-label={t('signIn.title')} className="tabs">
              {(['password', 'key'] as const).map((name) => (
                <button key={name} type="button" role="tab" id={`tab-${name}`} aria-selected={tab === name}
                        aria-controls={`panel-${name}`} tabIndex={tab === name ? 0 : -1}
                        onClick={() => { setTab(name); setError(null); }}
                        onKeyDown={(e) => {
                          if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                            const next = tab === 'password' ? 'key' : 'password';
                            setTab(next);
                            document.getElementById(`tab-${next}`)?.focus();
                          }
                        }}>
                  {name === 'password' ? t('signIn.tab.password') : t('signIn.tab.apiKey')}
                </button>
              ))}
            </div>
            {tab === 'password' ? (
              <form id="panel-password" role="tabpanel" aria-labelledby="tab-password" className="stack"
                    onSubmit={submitPassword}>
                {field('tenant', t('signIn.tenant'), 'text', 'organization')}
                {field('email', t('signIn.email'), 'email', 'username')}
                {field('password', t('signIn.password'), 'password', 'current-password')}
                <button type="submit" className="primary" disabled={busy}>{t('signIn.submit')}</button>
              </form>
            ) : (
              <form id="panel-key" role="tabpanel" aria-labelledby="tab-key" className="stack" onSubmit={submitKey}>
                <p className="hint">{t('signIn.apiKeyHint')}</p>
                <div className="field">
                  <label htmlFor="signin-key">{t('signIn.apiKey')}</label>
                  <input id="signin-key" name="apiKey" type="password" autoComplete="off" required value={key}
                         onChange={(e) => setKey(e.target.value)} />
                </div>
                <button type="submit" className="primary" disabled={busy}>{t('signIn.submit')}</button>
              </form>
            )}
            <ProblemMessage error={error} />
          </>
        )}
      </main>
    </div>
  );
}
