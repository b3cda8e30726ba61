import { useState, type FormEvent } from 'react';
import { Link, Route, Routes, useParams } from 'react-router-dom';
import { useI18n } from '../../i18n/i18n';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { DecisionView, StateBadge } from '../developer/DeveloperPage';
import { useLoad } from '../developer/useLoad';
import '../developer/developer.css';
import { formatDate, market, permissionDiff, textFor, type Submission } from '../developer/marketApi';
import { ReportView } from '../developer/ReportView';

/** What a reviewer checks by hand, as the marketplace records it with the decision. */
export const CHECKLIST = ['permissions-justified', 'description-accurate', 'routes-answer', 'no-misleading-branding',
  'data-handling-described'] as const;

/** The reasons a reviewer typed, one per line, blank lines left out. */
export function reasonsFrom(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}

function Queue() {
  const { t, language } = useI18n();
  const [state, setState] = useState('pending');
  const { value, error } = useLoad(
    () => market<{ items: Submission[] }>('GET', '/api/v1/marketplace/reviews', { query: { state } }).then((r) => r.items), [state]);
  return (
    <Page title={t('nav.review')}>
      <div className="field dev-row">
        <label htmlFor="review-state">{t('review.show')}</label>
        <select id="review-state" value={state} onChange={(e) => setState(e.target.value)}>
          {['pending', 'automated', 'published', 'rejected'].map((s) => <option key={s} value={s}>{textFor(t, 'review.state.', s)}</option>)}
        </select>
      </div>
      <ProblemMessage error={error} />
      {value && value.length === 0 && <p className="muted">{t('review.empty')}</p>}
      {value && value.length > 0 && (
        <div className="dev-table-wrap">
          <table className="dev-table">
            <caption className="visually-hidden">{t('review.queue')}</caption>
            <thead><tr>
              <th scope="col">{t('developer.plugin')}</th><th scope="col">{t('developer.version')}</th>
              <th scope="col">{t('review.reportOutcome')}</th><th scope="col">{t('developer.state')}</th>
              <th scope="col">{t('developer.submitted')}</th>
            </tr></thead>
            <tbody>
              {value.map((s) => (
                <tr key={s.id}>
                  <td><Link to={`/review/${s.id}`}>{t('review.open', { plugin: s.plugin, version: s.version })}</Link></td>
                  <td>{s.version}</td>
                  <td>{s.reportOutcome ? textFor(t, 'developer.report.', s.reportOutcome) : '–'}</td>
                  <td><StateBadge state={s.state} /></td>
                  <td>{formatDate(s.submittedAt, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

function Review() {
  const { t, language } = useI18n();
  const { id = '' } = useParams();
  const { value: submission, error, reload } = useLoad(
    () => market<Submission>('GET', `/api/v1/marketplace/reviews/${encodeURIComponent(id)}`), [id]);
  const [checked, setChecked] = useState<Record<string, boolean>>({});
  const [reasons, setReasons] = useState('');
  const [reasonsInvalid, setReasonsInvalid] = useState(false);
  const [decisionError, setDecisionError] = useState<unknown>(null);

  async function decide(decision: 'approve' | 'reject', event?: FormEvent) {
    event?.preventDefault();
    const given = reasonsFrom(reasons);
    setReasonsInvalid(decision === 'reject' && given.length === 0);
    if (decision === 'reject' && given.length === 0) {
      return;
    }
    setDecisionError(null);
    const checklist = Object.fromEntries(CHECKLIST.map((item) => [item, checked[item] === true]));
    try {
      await market('POST', `/api/v1/marketplace/reviews/${encodeURIComponent(id)}/decision`, { body: { decision, reasons: given, checklist } });
      await reload();
    } catch (e) {
      setDecisionError(e);
    }
  }

  const diff = permissionDiff(submission?.report ?? null);
  return (
    <Page title={submission ? t('review.title', { plugin: submission.plugin, version: submission.version }) : t('review.loading')}>
      <p><Link to="/review">{t('review.back')}</Link></p>
      <ProblemMessage error={error} />
      {submission && (
        <>
          <p>{t('developer.state')}: <StateBadge state={submission.state} />{' · '}{t('developer.submitted')} {formatDate(submission.submittedAt, language)}
            {submission.signer && <> · {t('review.signer')} <code>{submission.signer}</code></>}</p>
          <DecisionView submission={submission} />
          <div className="dev-side">
            <section className="dev-card" aria-labelledby="review-report">
              <h2 id="review-report">{t('developer.report')}</h2>
              <ReportView report={submission.report} />
            </section>
            <div>
              <section className="dev-card" aria-labelledby="review-diff">
                <h2 id="review-diff">{t('review.diff')}</h2>
                {diff.length === 0 && <p className="muted">{t('review.diff.none')}</p>}
                {diff.length > 0 && (
                  <table className="dev-table">
                    <thead><tr><th scope="col">{t('review.diff.change')}</th><th scope="col">{t('review.diff.what')}</th><th scope="col">{t('review.diff.reason')}</th></tr></thead>
                    <tbody>{diff.map((d, i) => (
                      <tr key={i}><td>{textFor(t, 'review.change.', d.change)}</td><td><code>{d.subject}</code></td><td>{d.reason || '–'}</td></tr>
                    ))}</tbody>
                  </table>
                )}
              </section>
              {submission.state === 'in-review' && (
                <section className="dev-card" aria-labelledby="review-decide">
                  <h2 id="review-decide">{t('review.decide')}</h2>
                  <form onSubmit={(e) => void decide('approve', e)}>
                    <fieldset>
                      <legend>{t('review.checklist')}</legend>
                      <ul className="dev-checklist">
                        {CHECKLIST.map((item) => (
                          <li key={item}>
                            <input id={`review-check-${item}`} type="checkbox" checked={checked[item] === true}
                                   onChange={(e) => setChecked({ ...checked, [item]: e.target.checked })} />
                            <label htmlFor={`review-check-${item}`}>{textFor(t, 'review.check.', item)}</label>
                          </li>
                        ))}
                      </ul>
                    </fieldset>
                    <div className="field">
                      <label htmlFor="review-reasons">{t('review.reasons')}</label>
                      <textarea id="review-reasons" rows={4} value={reasons} onChange={(e) => setReasons(e.target.value)}
                                aria-invalid={reasonsInvalid} aria-describedby="review-reasons-hint" />
                      <p id="review-reasons-hint" className={reasonsInvalid ? 'field-error' : 'hint'}>
                        {t(reasonsInvalid ? 'review.reasons.needed' : 'review.reasons.hint')}
                      </p>
                    </div>
                    <div className="dev-row">
                      <button type="submit" className="primary">{t('review.approve')}</button>
                      <button type="button" onClick={() => void decide('reject')}>{t('review.reject')}</button>
                    </div>
                    <ProblemMessage error={decisionError} />
                  </form>
                </section>
              )}
            </div>
          </div>
        </>
      )}
    </Page>
  );
}

export default function ReviewPage() {
  return (
    <Routes>
      <Route index element={<Queue />} />
      <Route path=":id" element={<Review />} />
    </Routes>
  );
}
