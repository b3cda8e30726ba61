import { useCallback, useEffect, useState } from 'react';
import { Link, Route, Routes, useParams } from 'react-router-dom';
import { pluginApi } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { useI18n } from '../../i18n/i18n';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { listQuery, NO_FILTERS, sentimentLabel, type ConversationFilters } from './format';
import { useLivePoller } from './livePoller';
import './conversations.css';

export default function ConversationsPage() {
  const { me } = useAuth();
  const { t } = useI18n();
  const tenant = me?.tenantId;
  if (!tenant) {
    return <Page title={t('nav.conversations')}><p className="muted">{t('conversations.noTenant')}</p></Page>;
  }
  return (
    <Routes>
      <Route index element={<ConversationList tenant={tenant} />} />
      <Route path=":id" element={<Transcript tenant={tenant} />} />
    </Routes>
  );
}

interface ConversationRow {
  id: string;
  channel: string;
  status: string;
  language: string;
  startedAt: string;
  sentiment: number | null;
  callerNumber: string | null;
  outcome: string | null;
  durationSeconds: number | null;
}

function Sentiment({ score }: { score: number | null | undefined }) {
  const { t } = useI18n();
  const label = sentimentLabel(score);
  return label ? <span className={`conversations-sentiment conversations-${label}`}>{t(`conversations.sentiment.${label}`)}</span>
    : <span className="muted">—</span>;
}

function ConversationList({ tenant }: { tenant: string }) {
  const { t, language } = useI18n();
  const [filters, setFilters] = useState<ConversationFilters>(NO_FILTERS);
  const [rows, setRows] = useState<ConversationRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    try {
      const { data } = await pluginApi('receptionist', tenant).GET('/conversations', {
        params: { query: { ...listQuery(filters), limit: 100 } as never },
      });
      setRows((data?.items ?? []) as ConversationRow[]);
      setError(null);
    } catch (problem) {
      setError(problem);
      throw problem;
    }
  }, [tenant, filters]);
  useEffect(() => { void refresh().catch(() => {}); }, [refresh]);
  useLivePoller(refresh, 5000);

  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const visible = (rows ?? []).filter((row) => !filters.language || row.language === filters.language);
  const select = (key: 'status' | 'channel' | 'sentiment' | 'language', options: string[]) => (
    <div className="field">
      <label htmlFor={`conversations-filter-${key}`}>{t(`conversations.filter.${key}`)}</label>
      <select id={`conversations-filter-${key}`} value={filters[key]}
              onChange={(e) => setFilters({ ...filters, [key]: e.target.value })}>
        <option value="">{t('conversations.filter.any')}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {key === 'language' ? new Intl.DisplayNames([language], { type: 'language' }).of(option) : t(`conversations.${key}.${option}` as never)}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <Page title={t('nav.conversations')}>
      <form className="conversations-filters" aria-label={t('conversations.filters')} onSubmit={(e) => e.preventDefault()}>
        {select('status', ['open', 'ended'])}
        {select('channel', ['chat', 'voice', 'call'])}
        {select('sentiment', ['positive', 'neutral', 'negative'])}
        {select('language', ['en', 'es', 'fr', 'de', 'it', 'pt'])}
        <div className="field">
          <label htmlFor="conversations-filter-from">{t('conversations.filter.from')}</label>
          <input id="conversations-filter-from" type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="conversations-filter-to">{t('conversations.filter.to')}</label>
          <input id="conversations-filter-to" type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} />
        </div>
      </form>
      <ProblemMessage error={error} />
      <p className="hint" aria-live="polite">{rows === null ? t('conversations.loading') : t('conversations.count', { count: String(visible.length) })}</p>
      {visible.length > 0 && (
        <div className="conversations-table-wrap">
          <table className="conversations-table">
            <caption className="visually-hidden">{t('nav.conversations')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('conversations.col.started')}</th>
                <th scope="col">{t('conversations.col.channel')}</th>
                <th scope="col">{t('conversations.col.status')}</th>
                <th scope="col">{t('conversations.col.language')}</th>
                <th scope="col">{t('conversations.col.sentiment')}</th>
                <th scope="col">{t('conversations.col.call')}</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((row) => (
                <tr key={row.id} data-testid="conversation-row">
                  <td><Link to={row.id}>{dateTime.format(new Date(row.startedAt))}</Link></td>
                  <td>{t(`conversations.channel.${row.channel}` as never)}</td>
                  <td>{t(`conversations.status.${row.status}` as never)}</td>
                  <td>{new Intl.DisplayNames([language], { type: 'language' }).of(row.language)}</td>
                  <td><Sentiment score={row.sentiment} /></td>
                  <td>{row.channel === 'call'
                    ? [row.callerNumber, row.outcome && t(`conversations.outcome.${row.outcome}` as never),
                       row.durationSeconds !== null && new Intl.NumberFormat(language, { style: 'unit', unit: 'second' }).format(row.durationSeconds)]
                      .filter(Boolean).join(' · ')
                    : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

interface TranscriptEntry { role: string; text: string; language: string; sentiment: number | null; emotion: string | null; at: string }
interface ConversationDetail extends ConversationRow {
  summary: { text: string; keyPoints: string[]; actionItems: string[] } | null;
  transcript: TranscriptEntry[];
}

function Transcript({ tenant }: { tenant: string }) {
  const { id = '' } = useParams();
  const { t, language } = useI18n();
  const [conversation, setConversation] = useState<ConversationDetail | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    pluginApi('receptionist', tenant).GET('/conversations/{id}', { params: { path: { id } } })
      .then(({ data }) => setConversation(data as unknown as ConversationDetail))
      .catch(setError);
  }, [tenant, id]);

  const time = new Intl.DateTimeFormat(language, { timeStyle: 'medium' });
  return (
    <Page title={t('conversations.transcript.title')}>
      <p><Link to="..">{t('conversations.back')}</Link></p>
      <ProblemMessage error={error} />
      {conversation && (
        <>
          <p className="hint">
            {new Intl.DateTimeFormat(language, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(conversation.startedAt))}
            {' · '}{t(`conversations.channel.${conversation.channel}` as never)}
            {' · '}{t(`conversations.status.${conversation.status}` as never)}
            {conversation.callerNumber ? ` · ${conversation.callerNumber}` : ''}
          </p>
          <section aria-labelledby="conversations-summary-title" className="conversations-card">
            <h2 id="conversations-summary-title">{t('conversations.summary')}</h2>
            {conversation.summary ? (
              <>
                <p>{conversation.summary.text}</p>
                {conversation.summary.keyPoints.length > 0 && (
                  <><h3>{t('conversations.keyPoints')}</h3><ul>{conversation.summary.keyPoints.map((p, i) => <li key={i}>{p}</li>)}</ul></>
                )}
                {conversation.summary.actionItems.length > 0 && (
                  <><h3>{t('conversations.actionItems')}</h3><ul>{conversation.summary.actionItems.map((p, i) => <li key={i}>{p}</li>)}</ul></>
                )}
              </>
            ) : <p className="muted">{t('conversations.noSummary')}</p>}
          </section>
          <section aria-labelledby="conversations-transcript-title" className="conversations-card">
            <h2 id="conversations-transcript-title">{t('conversations.transcript')}</h2>
            <ol className="conversations-transcript" data-testid="transcript">
              {conversation.transcript.map((entry, index) => (
                <li key={index} className={`conversations-turn conversations-turn-${entry.role}`}>
                  <div className="conversations-turn-head">
                    <strong>{t(`conversations.role.${entry.role}` as never)}</strong>
                    <span className="muted">{time.format(new Date(entry.at))}</span>
                    {entry.role === 'caller' && <Sentiment score={entry.sentiment} />}
                  </div>
                  <p>{entry.text}</p>
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </Page>
  );
}
