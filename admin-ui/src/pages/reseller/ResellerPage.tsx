import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { request } from './looseApi';
import { brandingBody, textOn, type Branding } from './preview';
import './reseller.css';

const CORE_PLUGINS = ['crm', 'ai-gateway', 'receptionist', 'voice'] as const;
const ACCOUNT_KEY = 'voicecore.reseller.account';

interface BundleSummary { id: string; name: string; latestVersion: number; createdAt: string }
interface Meter { plugin: string; meter: string; unit: string; quantity: number }
interface SubTenant {
  id: string; slug: string; name: string; state: string;
  plugins: { id: string; version: string }[];
  bundle: { id: string; version: number } | null;
  usage: { meters: Meter[] };
}

/** The reseller portal: its bundles (with branding and a preview of the branded receptionist) and its sub-tenants. */
export default function ResellerPage() {
  const { t } = useI18n();
  const [account, setAccount] = useState<string | null>(() => localStorage.getItem(ACCOUNT_KEY));
  const [tab, setTab] = useState<'bundles' | 'tenants'>('bundles');
  if (!account) {
    return <Page title={t('nav.reseller')}><AccountForm onAccount={(slug) => { localStorage.setItem(ACCOUNT_KEY, slug); setAccount(slug); }} /></Page>;
  }
  return (
    <Page title={t('nav.reseller')}>
      <div className="stack">
        <p className="muted">
          {t('reseller.account.current')} <strong>{account}</strong>{' '}
          <button type="button" onClick={() => { localStorage.removeItem(ACCOUNT_KEY); setAccount(null); }}>{t('reseller.account.change')}</button>
        </p>
        <div role="tablist" aria-label={t('nav.reseller')} className="tabs">
          {(['bundles', 'tenants'] as const).map((name) => (
            <button key={name} type="button" role="tab" id={`reseller-tab-${name}`} aria-selected={tab === name}
                    aria-controls={`reseller-panel-${name}`} onClick={() => setTab(name)}>
              {t(name === 'bundles' ? 'reseller.tab.bundles' : 'reseller.tab.tenants')}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`reseller-panel-${tab}`} aria-labelledby={`reseller-tab-${tab}`}>
          {tab === 'bundles' ? <Bundles account={account} /> : <SubTenants account={account} />}
        </div>
      </div>
    </Page>
  );
}

function AccountForm({ onAccount }: { onAccount: (slug: string) => void }) {
  const { t } = useI18n();
  const [slug, setSlug] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const reseller = await request<{ slug: string }>('GET', `/api/v1/resellers/${encodeURIComponent(slug.trim())}`);
      onAccount(reseller.slug);
    } catch (problem) {
      setError(problem);
    }
  };
  return (
    <form className="stack" onSubmit={submit}>
      <p className="hint">{t('reseller.account.hint')}</p>
      <div className="field">
        <label htmlFor="reseller-account">{t('reseller.account.label')}</label>
        <input id="reseller-account" required value={slug} onChange={(e) => setSlug(e.target.value)} />
      </div>
      <ProblemMessage error={error} />
      <button type="submit" className="primary">{t('reseller.account.open')}</button>
    </form>
  );
}

function Bundles({ account }: { account: string }) {
  const { t, language } = useI18n();
  const base = `/api/v1/resellers/${encodeURIComponent(account)}`;
  const [bundles, setBundles] = useState<BundleSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [plugins, setPlugins] = useState<string[]>(['crm', 'ai-gateway', 'receptionist']);
  const [fields, setFields] = useState({ productName: '', assistantName: '', logoUrl: '', primary: '#0b57d0', accent: '#fbbc04' });
  const [greeting, setGreeting] = useState('');

  const load = useCallback(async () => {
    try {
      setBundles((await request<{ items: BundleSummary[] }>('GET', `${base}/bundles`)).items);
    } catch (problem) {
      setError(problem);
    }
  }, [base]);
  useEffect(() => { void load(); }, [load]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const bundle = await request<{ name: string }>('POST', `${base}/bundles`,
        { name: name.trim(), plugins: plugins.map((id) => ({ id })), branding: brandingBody(fields) });
      setCreated(bundle.name);
      setName('');
      await load();
    } catch (problem) {
      setError(problem);
    }
  };
  const field = (key: keyof typeof fields, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`bundle-${key}`}>{label}</label>
      <input id={`bundle-${key}`} type={type} value={fields[key]} onChange={(e) => setFields({ ...fields, [key]: e.target.value })} />
    </div>
  );
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });

  return (
    <div className="stack">
      <h2>{t('reseller.bundles.title')}</h2>
      {bundles && bundles.length === 0 && <p className="muted">{t('reseller.bundles.empty')}</p>}
      {bundles && bundles.length > 0 && (
        <div className="reseller-table-wrap">
          <table className="reseller-table" aria-label={t('reseller.bundles.title')}>
            <thead><tr><th scope="col">{t('reseller.bundle.name')}</th><th scope="col">{t('reseller.bundle.version')}</th><th scope="col">{t('reseller.bundle.created')}</th></tr></thead>
            <tbody>
              {bundles.map((bundle) => (
                <tr key={bundle.id}><td>{bundle.name}</td><td>{bundle.latestVersion}</td><td>{date.format(new Date(bundle.createdAt))}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="reseller-grid">
        <form className="stack" onSubmit={submit} aria-labelledby="bundle-new-title">
          <h3 id="bundle-new-title">{t('reseller.bundle.new')}</h3>
          <div className="field">
            <label htmlFor="bundle-name">{t('reseller.bundle.name')}</label>
            <input id="bundle-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <fieldset className="reseller-plugins">
            <legend>{t('reseller.bundle.plugins')}</legend>
            {CORE_PLUGINS.map((id) => (
              <label key={id}>
                <input type="checkbox" checked={plugins.includes(id)}
                       onChange={(e) => setPlugins(e.target.checked ? [...plugins, id] : plugins.filter((p) => p !== id))} /> {id}
              </label>
            ))}
          </fieldset>
          {field('productName', t('reseller.branding.productName'))}
          {field('assistantName', t('reseller.branding.assistantName'))}
          {field('logoUrl', t('reseller.branding.logoUrl'), 'url')}
          {field('primary', t('reseller.branding.primary'), 'color')}
          {field('accent', t('reseller.branding.accent'), 'color')}
          <div className="field">
            <label htmlFor="bundle-greeting">{t('reseller.branding.greeting')}</label>
            <input id="bundle-greeting" value={greeting} onChange={(e) => setGreeting(e.target.value)} aria-describedby="bundle-greeting-hint" />
            <p id="bundle-greeting-hint" className="hint">{t('reseller.branding.greetingHint')}</p>
          </div>
          <ProblemMessage error={error} />
          {created && <p className="success" role="status">{t('reseller.bundle.created.ok').replace('{name}', created)}</p>}
          <button type="submit" className="primary">{t('reseller.bundle.create')}</button>
        </form>
        <BrandedPreview branding={brandingBody(fields)} greeting={greeting} />
      </div>
    </div>
  );
}

/** A mock of the branded receptionist's chat, drawn from the form as it is typed. */
function BrandedPreview({ branding, greeting }: { branding: Branding; greeting: string }) {
  const { t } = useI18n();
  const primary = branding.colours?.primary ?? '#0b57d0';
  const accent = branding.colours?.accent ?? primary;
  const product = branding.productName ?? 'VoiceCore';
  const assistant = branding.assistantName ?? 'Ava';
  const hello = greeting.trim() || t('reseller.preview.greeting').replace('{assistant}', assistant).replace('{product}', product);
  return (
    <section className="reseller-preview" aria-labelledby="reseller-preview-title" data-testid="branding-preview">
      <h3 id="reseller-preview-title">{t('reseller.preview.title')}</h3>
      <div className="reseller-preview-header" style={{ background: primary, color: textOn(primary) }}>
        {branding.logoUrl && <img src={branding.logoUrl} alt="" />}
        <span>{product}</span>
      </div>
      <p className="reseller-bubble" style={{ background: accent, color: textOn(accent) }}>
        <strong>{assistant}:</strong> {hello}
      </p>
      <p className="reseller-bubble caller">{t('reseller.preview.caller')}</p>
    </section>
  );
}

function SubTenants({ account }: { account: string }) {
  const { t, language } = useI18n();
  const base = `/api/v1/resellers/${encodeURIComponent(account)}`;
  const [tenants, setTenants] = useState<SubTenant[] | null>(null);
  const [bundles, setBundles] = useState<BundleSummary[]>([]);
  const [discountBps, setDiscountBps] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ name: '', slug: '', bundle: '' });
  const [createdKey, setCreatedKey] = useState<{ slug: string; apiKey: string } | null>(null);

  const load = useCallback(async () => {
    try {
      const [page, bundlePage, discount] = await Promise.all([
        request<{ items: SubTenant[] }>('GET', `${base}/tenants`),
        request<{ items: BundleSummary[] }>('GET', `${base}/bundles`),
        request<{ bps: number }>('GET', `${base}/wholesale-discount`),
      ]);
      setTenants(page.items);
      setBundles(bundlePage.items);
      setDiscountBps(discount.bps);
    } catch (problem) {
      setError(problem);
    }
  }, [base]);
  useEffect(() => { void load(); }, [load]);

  const bundleName = (id: string | undefined) => bundles.find((b) => b.id === id)?.name ?? id;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const tenant = await request<{ slug: string; apiKey: string }>('POST', `${base}/tenants`,
        { name: form.name.trim(), slug: form.slug.trim(), ...(form.bundle ? { bundle: form.bundle } : {}) });
      setCreatedKey({ slug: tenant.slug, apiKey: tenant.apiKey });
      setForm({ name: '', slug: '', bundle: form.bundle });
      await load();
    } catch (problem) {
      setError(problem);
    }
  };
  const suspend = async (tenant: SubTenant) => {
    setError(null);
    try {
      await request(tenant.state === 'active' ? 'POST' : 'DELETE', `${base}/tenants/${tenant.id}/suspension`);
      await load();
    } catch (problem) {
      setError(problem);
    }
  };
  const number = new Intl.NumberFormat(language);
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 2 });

  return (
    <div className="stack">
      <h2>{t('reseller.tenants.title')}</h2>
      {discountBps !== null && (
        <p className="notice">{t('reseller.tenants.margin').replace('{discount}', percent.format(discountBps / 10000))}</p>
      )}
      <ProblemMessage error={error} />
      {tenants && tenants.length === 0 && <p className="muted">{t('reseller.tenants.empty')}</p>}
      {tenants && tenants.length > 0 && (
        <div className="reseller-table-wrap">
          <table className="reseller-table" aria-label={t('reseller.tenants.title')}>
            <thead>
              <tr>
                <th scope="col">{t('reseller.tenant.name')}</th><th scope="col">{t('reseller.tenant.state')}</th>
                <th scope="col">{t('reseller.tenant.bundle')}</th><th scope="col">{t('reseller.tenant.plugins')}</th>
                <th scope="col">{t('reseller.tenant.usage')}</th><th scope="col"><span className="visually-hidden">{t('reseller.tenant.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((tenant) => (
                <tr key={tenant.id}>
                  <td>{tenant.name}<br /><span className="muted">{tenant.slug}</span></td>
                  <td>{t(tenant.state === 'suspended' ? 'reseller.state.suspended' : 'reseller.state.active')}</td>
                  <td>{tenant.bundle ? `${bundleName(tenant.bundle.id)} v${tenant.bundle.version}` : '—'}</td>
                  <td>{tenant.plugins.map((p) => p.id).join(', ') || '—'}</td>
                  <td>{tenant.usage.meters.length === 0 ? '—' : tenant.usage.meters.map((m) => `${m.meter}: ${number.format(m.quantity)}`).join(', ')}</td>
                  <td>
                    <button type="button" onClick={() => void suspend(tenant)}>
                      {t(tenant.state === 'active' ? 'reseller.tenant.suspend' : 'reseller.tenant.resume')}
                      <span className="visually-hidden"> {tenant.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="stack" onSubmit={submit} aria-labelledby="tenant-new-title">
        <h3 id="tenant-new-title">{t('reseller.tenant.new')}</h3>
        <div className="field">
          <label htmlFor="tenant-name">{t('reseller.tenant.name')}</label>
          <input id="tenant-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="tenant-slug">{t('reseller.tenant.slug')}</label>
          <input id="tenant-slug" required pattern="[a-z0-9][a-z0-9-]*" value={form.slug} onChange={(e) => setForm({ ...form, slug: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="tenant-bundle">{t('reseller.tenant.bundle')}</label>
          <select id="tenant-bundle" value={form.bundle} onChange={(e) => setForm({ ...form, bundle: e.target.value })}>
            <option value="">{t('reseller.tenant.noBundle')}</option>
            {bundles.map((bundle) => <option key={bundle.id} value={bundle.name}>{bundle.name}</option>)}
          </select>
        </div>
        <button type="submit" className="primary">{t('reseller.tenant.create')}</button>
      </form>
      {createdKey && (
        <div className="success" role="status">
          <p>{t('reseller.tenant.keyOnce').replace('{slug}', createdKey.slug)}</p>
          <p className="reseller-secret" data-testid="sub-tenant-key">{createdKey.apiKey}</p>
        </div>
      )}
    </div>
  );
}
