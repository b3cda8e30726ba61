import { useEffect, useState, type FormEvent } from 'react';
import { Link, NavLink, Route, Routes, useParams } from 'react-router-dom';
import { useI18n } from '../../i18n/i18n';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import './developer.css';
import { ListingsView } from './ListingsView';
import { MoneyView } from './MoneyView';
import { formatDate, market, publisherPath, textFor, type Submission } from './marketApi';
import { ReportView } from './ReportView';
import { useLoad } from './useLoad';

interface Publisher {
  id: string;
  slug: string;
  name: string;
  email?: string;
  verified: boolean;
  createdAt?: string;
}

interface SigningKey {
  id: string;
  fingerprint: string;
  algorithm: string;
  subject: string;
  notAfter: string;
  createdAt: string;
  revoked: boolean;
  revokedAt: string | null;
}

function PortalTabs() {
  const { t } = useI18n();
  return (
    <nav aria-label={t('developer.tabs')}>
      <ul className="dev-tabs">
        <li><NavLink to="/developer" end>{t('developer.tab.home')}</NavLink></li>
        <li><NavLink to="/developer/listings">{t('developer.tab.listings')}</NavLink></li>
        <li><NavLink to="/developer/money">{t('developer.tab.money')}</NavLink></li>
      </ul>
    </nav>
  );
}

export function StateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return <span className={`dev-badge dev-state-${state}`}>{textFor(t, 'developer.state.', state)}</span>;
}

function Profile() {
  const { t, language } = useI18n();
  const { value: publisher, error } = useLoad(() => market<Publisher>('GET', publisherPath()), []);
  return (
    <section className="dev-card" aria-labelledby="dev-profile">
      <h2 id="dev-profile">{t('developer.profile')}</h2>
      <ProblemMessage error={error} />
      {publisher && (
        <dl className="dev-profile">
          <dt>{t('developer.profile.name')}</dt><dd>{publisher.name}</dd>
          <dt>{t('developer.profile.slug')}</dt><dd><code>{publisher.slug}</code></dd>
          {publisher.email && <><dt>{t('developer.profile.email')}</dt><dd>{publisher.email}</dd></>}
          <dt>{t('developer.profile.verified')}</dt>
          <dd>{publisher.verified ? t('developer.profile.verifiedYes') : t('developer.profile.verifiedNo')}</dd>
          {publisher.createdAt && <><dt>{t('developer.profile.since')}</dt><dd>{formatDate(publisher.createdAt, language)}</dd></>}
        </dl>
      )}
    </section>
  );
}

function SigningKeys() {
  const { t, language } = useI18n();
  const { value, error, reload } = useLoad(
    () => market<{ items: SigningKey[] }>('GET', publisherPath('/signing-keys')).then((r) => r.items), []);
  const [pem, setPem] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);

  async function add(event: FormEvent) {
    event.preventDefault();
    setActionError(null);
    setAdded(null);
    try {
      const key = await market<SigningKey>('POST', publisherPath('/signing-keys'),
                                           { raw: { body: pem, contentType: 'application/x-pem-file' } });
      setAdded(key.fingerprint);
      setPem('');
      await reload();
    } catch (e) {
      setActionError(e);
    }
  }

  async function revoke(key: SigningKey) {
    if (!window.confirm(t('developer.keys.revokeConfirm', { fingerprint: key.fingerprint }))) {
      return;
    }
    setActionError(null);
    try {
      await market('DELETE', publisherPath(`/signing-keys/${encodeURIComponent(key.id)}`));
      await reload();
    } catch (e) {
      setActionError(e);
    }
  }

  return (
    <section className="dev-card" aria-labelledby="dev-keys">
      <h2 id="dev-keys">{t('developer.keys')}</h2>
      <ProblemMessage error={error ?? actionError} />
      {value && value.length === 0 && <p className="muted">{t('developer.keys.empty')}</p>}
      {value && value.length > 0 && (
        <div className="dev-table-wrap">
          <table className="dev-table">
            <thead><tr>
              <th scope="col">{t('developer.keys.fingerprint')}</th><th scope="col">{t('developer.keys.subject')}</th>
              <th scope="col">{t('developer.keys.validUntil')}</th><th scope="col">{t('developer.keys.status')}</th>
              <th scope="col"><span className="visually-hidden">{t('developer.actions')}</span></th>
            </tr></thead>
            <tbody>
              {value.map((key) => (
                <tr key={key.id}>
                  <td><code>{key.fingerprint}</code><br /><span className="muted">{key.algorithm}</span></td>
                  <td>{key.subject}</td>
                  <td>{formatDate(key.notAfter, language)}</td>
                  <td>{key.revoked ? t('developer.keys.revoked', { date: formatDate(key.revokedAt, language) }) : t('developer.keys.active')}</td>
                  <td>{!key.revoked && (
                    <button type="button" onClick={() => void revoke(key)}
                            aria-label={t('developer.keys.revokeOne', { fingerprint: key.fingerprint })}>
                      {t('developer.keys.revoke')}
                    </button>
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="stack" onSubmit={(e) => void add(e)}>
        <h3>{t('developer.keys.add')}</h3>
        <div className="field">
          <label htmlFor="dev-pem-file">{t('developer.keys.file')}</label>
          <input id="dev-pem-file" type="file" accept=".pem,.crt,.cer,application/x-pem-file"
                 onChange={(e) => { const file = e.target.files?.[0]; if (file) { void file.text().then(setPem); } }} />
        </div>
        <div className="field">
          <label htmlFor="dev-pem">{t('developer.keys.pem')}</label>
          <textarea id="dev-pem" rows={5} value={pem} onChange={(e) => setPem(e.target.value)}
                    placeholder="-----BEGIN CERTIFICATE-----" spellCheck={false} />
          <p className="hint">{t('developer.keys.hint')}</p>
        </div>
        <button type="submit" className="primary" disabled={!pem.trim()}>{t('developer.keys.register')}</button>
        {added && <p className="success" role="status">{t('developer.keys.added', { fingerprint: added })}</p>}
      </form>
    </section>
  );
}

function Submissions() {
  const { t, language } = useI18n();
  const { value, error, reload } = useLoad(
    () => market<{ items: Submission[] }>('GET', publisherPath('/submissions')).then((r) => r.items), []);
  // While a submission's automated review runs, look again so its state changes on its own.
  useEffect(() => {
    if (!value?.some((s) => s.state === 'automated-review')) {
      return undefined;
    }
    const timer = window.setTimeout(() => void reload(), 2000);
    return () => window.clearTimeout(timer);
  }, [value, reload]);
  const [jar, setJar] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [submitted, setSubmitted] = useState<Submission | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!jar) {
      return;
    }
    setBusy(true);
    setActionError(null);
    setSubmitted(null);
    try {
      setSubmitted(await market<Submission>('POST', publisherPath('/submissions'),
                                            { raw: { body: jar, contentType: 'application/java-archive' } }));
      await reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="dev-card" aria-labelledby="dev-submissions">
      <h2 id="dev-submissions">{t('developer.submissions')}</h2>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="dev-jar">{t('developer.submit.jar')}</label>
          <input id="dev-jar" type="file" accept=".jar,application/java-archive"
                 onChange={(e) => setJar(e.target.files?.[0] ?? null)} />
          <p className="hint">{t('developer.submit.hint')}</p>
        </div>
        <button type="submit" className="primary" disabled={!jar || busy}>{t('developer.submit.button')}</button>
        <ProblemMessage error={actionError} />
        {submitted && (
          <p className="success" role="status">
            {t('developer.submit.done', { plugin: submitted.plugin, version: submitted.version })}{' '}
            <Link to={`/developer/submissions/${submitted.id}`}>{t('developer.submit.openReport')}</Link>
          </p>
        )}
      </form>
      <ProblemMessage error={error} />
      {value && value.length === 0 && <p className="muted">{t('developer.submissions.empty')}</p>}
      {value && value.length > 0 && (
        <div className="dev-table-wrap">
          <table className="dev-table">
            <thead><tr>
              <th scope="col">{t('developer.plugin')}</th><th scope="col">{t('developer.version')}</th>
              <th scope="col">{t('developer.state')}</th><th scope="col">{t('developer.submitted')}</th>
            </tr></thead>
            <tbody>
              {value.map((s) => (
                <tr key={s.id}>
                  <td><Link to={`/developer/submissions/${s.id}`}>{s.plugin}</Link></td>
                  <td>{s.version}</td>
                  <td><StateBadge state={s.state} /></td>
                  <td>{formatDate(s.submittedAt, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A decision as the publisher reads it: who decided, when, and the reasons. */
export function DecisionView({ submission }: { submission: Submission }) {
  const { t, language } = useI18n();
  const decision = submission.decision;
  if (!decision) {
    return null;
  }
  return (
    <div className={decision.decision === 'approve' ? 'success' : 'problem'} role="status">
      <strong>{t(decision.decision === 'approve' ? 'developer.decision.approved' : 'developer.decision.rejected')}</strong>
      <span> · {formatDate(decision.at, language)}</span>
      {decision.reasons.length > 0 && (
        <>
          <p>{t('developer.decision.reasons')}</p>
          <ul>{decision.reasons.map((reason, i) => <li key={i}>{reason}</li>)}</ul>
        </>
      )}
    </div>
  );
}

function SubmissionDetail() {
  const { t, language } = useI18n();
  const { id = '' } = useParams();
  const { value: submission, error, reload } = useLoad(
    () => market<Submission>('GET', publisherPath(`/submissions/${encodeURIComponent(id)}`)), [id]);
  // The automated review takes seconds: look again until its report is there.
  useEffect(() => {
    if (submission?.state !== 'automated-review') {
      return undefined;
    }
    const timer = window.setTimeout(() => void reload(), 1500);
    return () => window.clearTimeout(timer);
  }, [submission, reload]);
  return (
    <Page title={submission ? t('developer.submission.title', { plugin: submission.plugin, version: submission.version }) : t('developer.submission')}>
      <p><Link to="/developer">{t('developer.back')}</Link></p>
      <ProblemMessage error={error} />
      {submission && (
        <>
          <p>{t('developer.state')}: <StateBadge state={submission.state} />{' · '}
            {t('developer.submitted')} {formatDate(submission.submittedAt, language)}
            {submission.fastTracked && <> · {t('developer.fastTracked')}</>}</p>
          <DecisionView submission={submission} />
          {submission.state === 'published' && (
            <p><Link to="/developer/listings">{t('developer.submission.toListing')}</Link></p>
          )}
          <h2>{t('developer.report')}</h2>
          <ReportView report={submission.report} />
        </>
      )}
    </Page>
  );
}

function Home() {
  const { t } = useI18n();
  return (
    <Page title={t('nav.developer')}>
      <PortalTabs />
      <Profile />
      <SigningKeys />
      <Submissions />
    </Page>
  );
}

export default function DeveloperPage() {
  const { t } = useI18n();
  return (
    <Routes>
      <Route index element={<Home />} />
      <Route path="submissions/:id" element={<SubmissionDetail />} />
      <Route path="listings" element={<Page title={t('developer.tab.listings')}><PortalTabs /><ListingsView /></Page>} />
      <Route path="money" element={<Page title={t('developer.tab.money')}><PortalTabs /><MoneyView /></Page>} />
    </Routes>
  );
}
