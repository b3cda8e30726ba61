import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { useI18n } from '../../i18n/i18n';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { formatInstant } from '../users/ConfirmDialog';
import '../users/admin.css';

export interface AuditRecord {
  id: string;
  seq: number;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  requestId: string;
  occurredAt: string;
}

interface Verification {
  valid: boolean;
  chains: Array<{ chain: string; records: number; valid: boolean; firstBrokenLink: { seq: number; reason: string } | null }>;
}

export interface AuditFilters {
  actor: string;
  action: string;
  outcome: '' | 'success' | 'denied' | 'failed';
  from: string;
  to: string;
}

const noFilters: AuditFilters = { actor: '', action: '', outcome: '', from: '', to: '' };
const pageSize = 50;

/**
 * The API's query from the form: empty fields left out; dates are whole local days, 'to' inclusive (the API's 'to' is
 * exclusive, so it gets the next day's midnight).
 */
export function auditQuery(filters: AuditFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.actor.trim()) query['actor'] = filters.actor.trim();
  if (filters.action.trim()) query['action'] = filters.action.trim();
  if (filters.outcome) query['outcome'] = filters.outcome;
  if (filters.from) query['from'] = new Date(`${filters.from}T00:00:00`).toISOString();
  if (filters.to) {
    const end = new Date(`${filters.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    query['to'] = end.toISOString();
  }
  return query;
}

/**
 * The tenant's audit log (GET /api/v1/tenants/{t}/audit, oldest first, paged by cursor) with filters, an export of
 * the filtered records as a file (…/audit/export, JSON lines or CSV) and the hash chain's verification (…/audit/verify).
 */
export default function AuditPage() {
  const { t, language } = useI18n();
  const { me } = useAuth();
  const tenant = me?.tenantId ?? '';
  const [form, setForm] = useState<AuditFilters>(noFilters);
  const [applied, setApplied] = useState<AuditFilters>(noFilters);
  // The cursors of the pages before this one; the current page's cursor is the last (undefined: the first page).
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [format, setFormat] = useState<'csv' | 'jsonl'>('csv');
  const [exporting, setExporting] = useState(false);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [verifying, setVerifying] = useState(false);

  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    try {
      const { data } = await api.GET('/api/v1/tenants/{tenant}/audit', {
        params: { path: { tenant }, query: { ...auditQuery(applied), limit: pageSize, ...(cursor ? { cursor } : {}) } },
      });
      const page = data as unknown as { items: AuditRecord[]; next: string | null };
      setRecords(page.items);
      setNext(page.next);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [tenant, applied, cursor]);

  useEffect(() => { void load(); }, [load]);

  function apply(event: FormEvent) {
    event.preventDefault();
    setApplied(form);
    setCursors([undefined]);
  }

  function clear() {
    setForm(noFilters);
    setApplied(noFilters);
    setCursors([undefined]);
  }

  async function download() {
    setExporting(true);
    try {
      const { data } = await api.GET('/api/v1/tenants/{tenant}/audit/export', {
        params: { path: { tenant }, query: { ...auditQuery(applied), format } },
        parseAs: 'blob',
      });
      const url = URL.createObjectURL(data as Blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `audit-${new Date().toISOString().slice(0, 10)}.${format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setExporting(false);
    }
  }

  async function verify() {
    setVerifying(true);
    setVerification(null);
    try {
      const { data } = await api.GET('/api/v1/tenants/{tenant}/audit/verify', { params: { path: { tenant } } });
      setVerification(data as unknown as Verification);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setVerifying(false);
    }
  }

  const broken = verification?.chains.find((chain) => !chain.valid);
  const recordCount = verification?.chains.reduce((sum, chain) => sum + chain.records, 0) ?? 0;

  return (
    <Page title={t('nav.audit')}>
      <form className="admin-form" aria-label={t('audit.filters')} onSubmit={apply}>
        <div className="field">
          <label htmlFor="audit-actor">{t('audit.actor')}</label>
          <input id="audit-actor" value={form.actor} onChange={(e) => setForm({ ...form, actor: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t('audit.action')}</label>
          <input id="audit-action" value={form.action} aria-describedby="audit-action-hint"
                 onChange={(e) => setForm({ ...form, action: e.target.value })} />
          <p id="audit-action-hint" className="hint">{t('audit.actionHint')}</p>
        </div>
        <div className="field">
          <label htmlFor="audit-outcome">{t('audit.outcome')}</label>
          <select id="audit-outcome" value={form.outcome}
                  onChange={(e) => setForm({ ...form, outcome: e.target.value as AuditFilters['outcome'] })}>
            <option value="">{t('audit.outcome.any')}</option>
            <option value="success">{t('audit.outcome.success')}</option>
            <option value="denied">{t('audit.outcome.denied')}</option>
            <option value="failed">{t('audit.outcome.failed')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t('audit.from')}</label>
          <input id="audit-from" type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t('audit.to')}</label>
          <input id="audit-to" type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </div>
        <div className="admin-actions">
          <button type="submit" className="primary">{t('audit.apply')}</button>
          <button type="button" onClick={clear}>{t('audit.clear')}</button>
        </div>
      </form>

      <div className="admin-actions admin-section">
        <label htmlFor="audit-format">{t('audit.format')}</label>
        <select id="audit-format" value={format} onChange={(e) => setFormat(e.target.value as 'csv' | 'jsonl')}>
          <option value="csv">CSV</option>
          <option value="jsonl">JSON Lines</option>
        </select>
        <button type="button" onClick={() => void download()} disabled={exporting}>{t('audit.export')}</button>
        <button type="button" onClick={() => void verify()} disabled={verifying}>{t('audit.verify')}</button>
      </div>
      {verification && (
        <p role="status" className={verification.valid ? 'success' : 'problem'}>
          {verification.valid
            ? t('audit.verify.valid', { count: new Intl.NumberFormat(language).format(recordCount) })
            : t('audit.verify.broken', { seq: String(broken?.firstBrokenLink?.seq ?? '?'), reason: broken?.firstBrokenLink?.reason ?? '' })}
        </p>
      )}
      <ProblemMessage error={error} />

      {records && (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <caption>{t('audit.records')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.target')}</th>
                <th scope="col">{t('audit.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {records.map((record) => (
                <tr key={record.id}>
                  <td className="admin-nowrap">{formatInstant(language, record.occurredAt)}</td>
                  <td><code>{record.actor}</code></td>
                  <td><code>{record.action}</code></td>
                  <td><code>{record.target}</code></td>
                  <td className="admin-status">{record.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {records.length === 0 && <p className="muted" style={{ padding: '0 0.75rem 0.75rem' }}>{t('audit.none')}</p>}
        </div>
      )}
      <nav className="admin-actions admin-section" aria-label={t('audit.paging')}>
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>{t('audit.previous')}</button>
        <span>{t('audit.page', { page: String(cursors.length) })}</span>
        <button type="button" disabled={!next} onClick={() => next && setCursors([...cursors, next])}>{t('audit.next')}</button>
      </nav>
    </Page>
  );
}
