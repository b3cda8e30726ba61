import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { request } from '../reseller/looseApi';
import { parsePrometheus, total, type Sample } from './metrics';
import '../reseller/reseller.css';

interface Tenant { id: string; slug: string; name: string; planTier: string; status: 'active' | 'suspended'; createdAt: string }
interface TenantPlugin { id: string; activeVersion?: string; state: string; grantedPermissions: string[]; quarantinedUntil?: string; quarantineReason?: string }
interface InstalledPlugin { id: string; name: string; version: string; vendor?: string }
interface DeadLetter { eventId: string; tenantId: string; topic: string; subscriber: string; attempts: number; lastError: string | null; lastAttemptAt: string }
interface Verification { valid: boolean; chains: { chain: string; records: number; valid: boolean; firstBrokenLink: { seq: number; reason: string } | null }[] }
interface Health { status: 'UP' | 'DOWN'; checks: { name: string; status: string }[] }

type Tab = 'tenants' | 'plugins' | 'deadLetters' | 'audit' | 'health';
const TABS: Tab[] = ['tenants', 'plugins', 'deadLetters', 'audit', 'health'];

/** The platform admin's pages: tenants, plugins and quarantines, dead letters, the audit chain and the kernel's health. */
export default function PlatformPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('tenants');
  return (
    <Page title={t('nav.platform')}>
      <div className="stack">
        <div role="tablist" aria-label={t('nav.platform')} className="tabs" style={{ flexWrap: 'wrap' }}>
          {TABS.map((name) => (
            <button key={name} type="button" role="tab" id={`platform-tab-${name}`} aria-selected={tab === name}
                    aria-controls={`platform-panel-${name}`} onClick={() => setTab(name)}>
              {t(`platform.tab.${name}` as MessageKey)}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`platform-panel-${tab}`} aria-labelledby={`platform-tab-${tab}`}>
          {tab === 'tenants' && <Tenants />}
          {tab === 'plugins' && <Plugins />}
          {tab === 'deadLetters' && <DeadLetters />}
          {tab === 'audit' && <AuditVerify />}
          {tab === 'health' && <HealthPanel />}
        </div>
      </div>
    </Page>
  );
}

function Tenants() {
  const { t, language } = useI18n();
  const [tenants, setTenants] = useState<Tenant[] | null>(null);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<Tenant | null>(null);
  const load = useCallback(async () => {
    try {
      setTenants((await request<{ items: Tenant[] }>('GET', '/api/v1/tenants?limit=500')).items);
    } catch (problem) {
      setError(problem);
    }
  }, []);
  useEffect(() => { void load(); }, [load]);
  const toggle = async (tenant: Tenant) => {
    setError(null);
    try {
      await request('PATCH', `/api/v1/tenants/${tenant.id}`, { status: tenant.status === 'active' ? 'suspended' : 'active' });
      await load();
    } catch (problem) {
      setError(problem);
    }
  };
  const needle = query.trim().toLowerCase();
  const shown = (tenants ?? []).filter((x) => !needle || x.slug.toLowerCase().includes(needle) || x.name.toLowerCase().includes(needle));
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  return (
    <div className="stack">
      <h2>{t('platform.tab.tenants')}</h2>
      <div className="field">
        <label htmlFor="platform-search">{t('platform.tenants.search')}</label>
        <input id="platform-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <ProblemMessage error={error} />
      {tenants && (
        <p className="muted" role="status">{t('platform.tenants.count', { shown: String(shown.length), all: String(tenants.length) })}</p>
      )}
      <div className="reseller-table-wrap">
        <table className="reseller-table" aria-label={t('platform.tab.tenants')}>
          <thead>
            <tr>
              <th scope="col">{t('platform.tenant.name')}</th><th scope="col">{t('platform.tenant.plan')}</th>
              <th scope="col">{t('platform.tenant.status')}</th><th scope="col">{t('platform.tenant.created')}</th>
              <th scope="col"><span className="visually-hidden">{t('platform.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {shown.map((tenant) => (
              <tr key={tenant.id}>
                <td>{tenant.name}<br /><span className="muted">{tenant.slug}</span></td>
                <td>{tenant.planTier}</td>
                <td>{t(tenant.status === 'active' ? 'platform.status.active' : 'platform.status.suspended')}</td>
                <td>{date.format(new Date(tenant.createdAt))}</td>
                <td className="reseller-actions">
                  <button type="button" onClick={() => void toggle(tenant)}>
                    {t(tenant.status === 'active' ? 'platform.tenant.suspend' : 'platform.tenant.resume')}
                    <span className="visually-hidden"> {tenant.slug}</span>
                  </button>
                  <button type="button" onClick={() => setOpen(open?.id === tenant.id ? null : tenant)} aria-expanded={open?.id === tenant.id}>
                    {t('platform.tenant.plugins')}<span className="visually-hidden"> {tenant.slug}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open && <TenantPlugins tenant={open} />}
    </div>
  );
}

/** One tenant's plugin states; a quarantined plugin is released by enabling it again with the permissions it holds. */
function TenantPlugins({ tenant }: { tenant: Tenant }) {
  const { t, language } = useI18n();
  const [plugins, setPlugins] = useState<TenantPlugin[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setPlugins((await request<{ items: TenantPlugin[] }>('GET', `/api/v1/tenants/${tenant.id}/plugins`)).items);
    } catch (problem) {
      setError(problem);
    }
  }, [tenant.id]);
  useEffect(() => { void load(); }, [load]);
  const release = async (plugin: TenantPlugin) => {
    setError(null);
    try {
      await request('PUT', `/api/v1/tenants/${tenant.id}/plugins/${plugin.id}`, { grantedPermissions: plugin.grantedPermissions });
      await load();
    } catch (problem) {
      setError(problem);
    }
  };
  const time = new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <section className="stack" aria-labelledby="platform-tenant-plugins">
      <h3 id="platform-tenant-plugins">{t('platform.tenantPlugins.title', { tenant: tenant.slug })}</h3>
      <ProblemMessage error={error} />
      {plugins && plugins.length === 0 && <p className="muted">{t('platform.tenantPlugins.empty')}</p>}
      <ul>
        {(plugins ?? []).map((plugin) => (
          <li key={plugin.id}>
            <strong>{plugin.id}</strong> {plugin.activeVersion ?? ''} — {plugin.state}
            {plugin.state === 'quarantined' && (
              <>
                {' '}({plugin.quarantineReason}{plugin.quarantinedUntil ? `, ${time.format(new Date(plugin.quarantinedUntil))}` : ''}){' '}
                <button type="button" onClick={() => void release(plugin)}>{t('platform.quarantine.release')}</button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Plugins() {
  const { t } = useI18n();
  const [plugins, setPlugins] = useState<InstalledPlugin[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request<{ items: InstalledPlugin[] }>('GET', '/api/v1/plugins').then((page) => setPlugins(page.items), setError);
  }, []);
  return (
    <div className="stack">
      <h2>{t('platform.tab.plugins')}</h2>
      <p className="hint">{t('platform.plugins.hint')}</p>
      <ProblemMessage error={error} />
      <div className="reseller-table-wrap">
        <table className="reseller-table" aria-label={t('platform.tab.plugins')}>
          <thead><tr><th scope="col">{t('platform.plugin.id')}</th><th scope="col">{t('platform.plugin.name')}</th><th scope="col">{t('platform.plugin.version')}</th></tr></thead>
          <tbody>
            {(plugins ?? []).map((plugin) => (
              <tr key={plugin.id}><td>{plugin.id}</td><td>{plugin.name}</td><td>{plugin.version}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function DeadLetters() {
  const { t, language } = useI18n();
  const [letters, setLetters] = useState<DeadLetter[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [replayed, setReplayed] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setLetters((await request<{ items: DeadLetter[] }>('GET', '/api/v1/events/dead-letters?limit=200')).items);
    } catch (problem) {
      setError(problem);
    }
  }, []);
  useEffect(() => { void load(); }, [load]);
  const replay = async (letter: DeadLetter) => {
    setError(null);
    try {
      await request('POST', `/api/v1/tenants/${letter.tenantId}/events/dead-letters/${letter.eventId}/${encodeURIComponent(letter.subscriber)}/replay`);
      setReplayed(letter.topic);
      await load();
    } catch (problem) {
      setError(problem);
    }
  };
  const time = new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'medium' });
  return (
    <div className="stack">
      <h2>{t('platform.tab.deadLetters')}</h2>
      <ProblemMessage error={error} />
      {replayed && <p className="success" role="status">{t('platform.deadLetters.replayed', { topic: replayed })}</p>}
      {letters && letters.length === 0 && <p className="muted">{t('platform.deadLetters.empty')}</p>}
      {letters && letters.length > 0 && (
        <div className="reseller-table-wrap">
          <table className="reseller-table" aria-label={t('platform.tab.deadLetters')}>
            <thead>
              <tr>
                <th scope="col">{t('platform.deadLetter.topic')}</th><th scope="col">{t('platform.deadLetter.subscriber')}</th>
                <th scope="col">{t('platform.deadLetter.attempts')}</th><th scope="col">{t('platform.deadLetter.error')}</th>
                <th scope="col"><span className="visually-hidden">{t('platform.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {letters.map((letter) => (
                <tr key={`${letter.eventId}/${letter.subscriber}`}>
                  <td>{letter.topic}<br /><span className="muted">{letter.tenantId}</span></td>
                  <td>{letter.subscriber}</td>
                  <td>{letter.attempts}</td>
                  <td>{letter.lastError ?? '—'}<br /><span className="muted">{time.format(new Date(letter.lastAttemptAt))}</span></td>
                  <td><button type="button" onClick={() => void replay(letter)}>{t('platform.deadLetter.replay')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function AuditVerify() {
  const { t, language } = useI18n();
  const [result, setResult] = useState<Verification | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setRunning(true);
    setError(null);
    try {
      setResult(await request<Verification>('GET', '/api/v1/audit/verify'));
    } catch (problem) {
      setError(problem);
    } finally {
      setRunning(false);
    }
  };
  const number = new Intl.NumberFormat(language);
  const broken = result?.chains.filter((chain) => !chain.valid) ?? [];
  return (
    <div className="stack">
      <h2>{t('platform.audit.title')}</h2>
      <p className="hint">{t('platform.audit.hint')}</p>
      <button type="button" className="primary" onClick={() => void run()} disabled={running}>{t('platform.audit.run')}</button>
      <ProblemMessage error={error} />
      {result && (
        <div role="status" className={result.valid ? 'success' : 'problem'} data-testid="audit-verification">
          <p>{result.valid
            ? t('platform.audit.ok', { chains: number.format(result.chains.length), records: number.format(result.chains.reduce((s, c) => s + c.records, 0)) })
            : t('platform.audit.broken', { chains: number.format(broken.length) })}</p>
          {broken.length > 0 && (
            <ul>
              {broken.map((chain) => (
                <li key={chain.chain}>{chain.chain}: #{chain.firstBrokenLink?.seq} {chain.firstBrokenLink?.reason}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function HealthPanel() {
  const { t, language } = useI18n();
  const [health, setHealth] = useState<Health | null>(null);
  const [samples, setSamples] = useState<Sample[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    // Public routes outside /api: read with plain fetch (a DOWN health is answered 503 with the same body).
    fetch('/observe/health').then((r) => r.json() as Promise<Health>).then(setHealth, setError);
    fetch('/observe/metrics').then((r) => r.text()).then((text) => setSamples(parsePrometheus(text)), setError);
  }, []);
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  const errors = samples ? samples.filter((s) => s.name === 'voicecore_http_requests_total' && /^5/.test(s.labels.status ?? ''))
    .reduce((sum, s) => sum + s.value, 0) : null;
  const figures: [MessageKey, number | null][] = samples ? [
    ['platform.metric.requests', total(samples, 'voicecore_http_requests_total')],
    ['platform.metric.serverErrors', errors],
    ['platform.metric.streams', total(samples, 'voicecore_plugin_streams_open')],
    ['platform.metric.egressDenied', total(samples, 'voicecore_plugin_egress_denied_total')],
    ['platform.metric.usage', total(samples, 'voicecore_plugin_usage_total')],
  ] : [];
  return (
    <div className="stack">
      <h2>{t('platform.tab.health')}</h2>
      <ProblemMessage error={error} />
      {health && (
        <div className={health.status === 'UP' ? 'success' : 'problem'} role="status">
          <p><strong>{t(health.status === 'UP' ? 'platform.health.up' : 'platform.health.down')}</strong></p>
          <ul>{health.checks.map((check) => <li key={check.name}>{check.name}: {check.status}</li>)}</ul>
        </div>
      )}
      {samples && (
        <>
        <h3>{t('platform.metrics.title')}</h3>
        <dl className="platform-figures">
          {figures.map(([key, value]) => (
            <div key={key}><dt>{t(key)}</dt><dd>{value === null ? '—' : number.format(value)}</dd></div>
          ))}
        </dl>
        </>
      )}
    </div>
  );
}
