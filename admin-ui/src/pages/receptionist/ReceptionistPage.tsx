import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, pluginApi } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { useI18n } from '../../i18n/i18n';
import { Page } from '../../shell/Page';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { TestChat } from './TestChat';
import { configToForm, formToConfig, LANGUAGES, type SettingsForm } from './settings';
import './receptionist.css';

export default function ReceptionistPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const tenant = me?.tenantId;
  return (
    <Page title={t('nav.receptionist')}>
      {tenant ? (
        <div className="receptionist-layout">
          <div className="stack">
            <Settings tenant={tenant} />
            <Knowledge tenant={tenant} />
            <CallFlow tenant={tenant} />
          </div>
          <TestChat tenant={tenant} />
        </div>
      ) : <p className="muted">{t('receptionist.noTenant')}</p>}
    </Page>
  );
}

const configPath = '/api/v1/tenants/{tenant}/plugins/{pluginId}/config' as const;

function Settings({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const [config, setConfig] = useState<Record<string, unknown> | null>(null);
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.GET(configPath, { params: { path: { tenant, pluginId: 'receptionist' } } })
      .then(({ data }) => {
        const current = (data ?? {}) as Record<string, unknown>;
        setConfig(current);
        setForm(configToForm(current));
      })
      .catch(setError);
  }, [tenant]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!form || !config) {
      return;
    }
    setBusy(true);
    setSaved(false);
    setError(null);
    try {
      const { data } = await api.PUT(configPath, { params: { path: { tenant, pluginId: 'receptionist' } }, body: formToConfig(config, form) as never });
      setConfig((data ?? {}) as Record<string, unknown>);
      setSaved(true);
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  if (!form) {
    return <section className="receptionist-card"><ProblemMessage error={error} />{!error && <p className="muted">{t('receptionist.loading')}</p>}</section>;
  }
  const set = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => {
    setForm({ ...form, [key]: value });
    setSaved(false);
  };
  const text = (key: 'assistantName' | 'businessName' | 'businessHours' | 'timeZone' | 'escalationKeywords', multiline = false) => (
    <div className="field">
      <label htmlFor={`receptionist-${key}`}>{t(`receptionist.field.${key}`)}</label>
      {multiline
        ? <textarea id={`receptionist-${key}`} rows={2} value={form[key]} onChange={(e) => set(key, e.target.value)} />
        : <input id={`receptionist-${key}`} value={form[key]} onChange={(e) => set(key, e.target.value)} />}
    </div>
  );
  return (
    <section className="receptionist-card" aria-labelledby="receptionist-settings-title">
      <h2 id="receptionist-settings-title">{t('receptionist.settings.title')}</h2>
      <form className="stack" onSubmit={save}>
        {text('assistantName')}
        {text('businessName')}
        <div className="field">
          <label htmlFor="receptionist-greeting">{t('receptionist.field.greeting')}</label>
          <textarea id="receptionist-greeting" rows={3} maxLength={500} value={form.greeting} onChange={(e) => set('greeting', e.target.value)} />
          <p className="hint">{t('receptionist.field.greetingHint')}</p>
        </div>
        <div className="field">
          <label htmlFor="receptionist-tone">{t('receptionist.field.tone')}</label>
          <select id="receptionist-tone" value={form.tone} onChange={(e) => set('tone', e.target.value as SettingsForm['tone'])}>
            <option value="friendly">{t('receptionist.tone.friendly')}</option>
            <option value="formal">{t('receptionist.tone.formal')}</option>
          </select>
        </div>
        <fieldset className="receptionist-languages">
          <legend>{t('receptionist.field.languages')}</legend>
          {LANGUAGES.map((code) => (
            <label key={code}>
              <input type="checkbox" checked={form.languages.includes(code)}
                     onChange={(e) => set('languages', e.target.checked ? [...form.languages, code] : form.languages.filter((c) => c !== code))} />
              {' '}{new Intl.DisplayNames([code], { type: 'language' }).of(code)}
            </label>
          ))}
        </fieldset>
        {text('businessHours')}
        <p className="hint">{t('receptionist.field.businessHoursHint')}</p>
        {text('timeZone')}
        {text('escalationKeywords', true)}
        <div className="field">
          <label htmlFor="receptionist-frustrationLimit">{t('receptionist.field.frustrationLimit')}</label>
          <input id="receptionist-frustrationLimit" type="number" min={0} max={10} value={form.frustrationLimit}
                 onChange={(e) => set('frustrationLimit', Number(e.target.value))} />
          <p className="hint">{t('receptionist.field.frustrationLimitHint')}</p>
        </div>
        <ProblemMessage error={error} />
        {saved && <p className="success" role="status">{t('receptionist.saved')}</p>}
        <div><button type="submit" disabled={busy || form.languages.length === 0}>{t('receptionist.save')}</button></div>
      </form>
    </section>
  );
}

interface KnowledgeEntry { id: string; keywords: string[]; answer: string }

function Knowledge({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const [items, setItems] = useState<KnowledgeEntry[]>([]);
  const [keywords, setKeywords] = useState('');
  const [answer, setAnswer] = useState('');
  const [error, setError] = useState<unknown>(null);
  const client = pluginApi('receptionist', tenant);

  const load = useCallback(async () => {
    try {
      const { data } = await pluginApi('receptionist', tenant).GET('/knowledge');
      setItems(data?.items ?? []);
    } catch (problem) {
      setError(problem);
    }
  }, [tenant]);
  useEffect(() => { void load(); }, [load]);

  async function add(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await client.POST('/knowledge', { body: { keywords: keywords.split(',').map((k) => k.trim()).filter(Boolean), answer } });
      setKeywords('');
      setAnswer('');
      await load();
    } catch (problem) {
      setError(problem);
    }
  }

  async function remove(id: string) {
    try {
      await client.DELETE('/knowledge/{id}', { params: { path: { id } } });
      await load();
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <section className="receptionist-card" aria-labelledby="receptionist-knowledge-title">
      <h2 id="receptionist-knowledge-title">{t('receptionist.knowledge.title')}</h2>
      {items.length === 0 ? <p className="muted">{t('receptionist.knowledge.empty')}</p> : (
        <ul className="receptionist-knowledge">
          {items.map((item) => (
            <li key={item.id}>
              <strong>{item.keywords.join(', ')}</strong>
              <p>{item.answer}</p>
              <button type="button" onClick={() => void remove(item.id)}
                      aria-label={t('receptionist.knowledge.deleteNamed', { name: item.keywords.join(', ') })}>
                {t('receptionist.knowledge.delete')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="stack" onSubmit={add}>
        <div className="field">
          <label htmlFor="receptionist-kb-keywords">{t('receptionist.knowledge.keywords')}</label>
          <input id="receptionist-kb-keywords" value={keywords} onChange={(e) => setKeywords(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="receptionist-kb-answer">{t('receptionist.knowledge.answer')}</label>
          <textarea id="receptionist-kb-answer" rows={3} value={answer} onChange={(e) => setAnswer(e.target.value)} />
        </div>
        <ProblemMessage error={error} />
        <div><button type="submit" disabled={!keywords.trim() || !answer.trim()}>{t('receptionist.knowledge.add')}</button></div>
      </form>
    </section>
  );
}

const SAMPLE_SCRIPT = `function decide(turn) {
  if (/invoice|billing/i.test(turn.text)) {
    return { action: "say", text: "Our billing team answers on weekdays." };
  }
  return { action: "continue" };
}`;

function CallFlow({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const [script, setScript] = useState('');
  const [version, setVersion] = useState<number | null>(null);
  const [sample, setSample] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const client = pluginApi('receptionist', tenant);

  useEffect(() => {
    pluginApi('receptionist', tenant).GET('/call-flow')
      .then(({ data }) => { setScript(data!.script); setVersion(data!.version); })
      .catch(() => { setScript(SAMPLE_SCRIPT); setVersion(null); });
  }, [tenant]);

  async function run(action: () => Promise<void>) {
    setError(null);
    setMessage(null);
    try {
      await action();
    } catch (problem) {
      setError(problem);
    }
  }

  const save = () => run(async () => {
    const { data } = await client.PUT('/call-flow', { body: { script } });
    setVersion(data!.version);
    setMessage(t('receptionist.callFlow.saved', { version: String(data!.version) }));
  });
  const remove = () => run(async () => {
    await client.DELETE('/call-flow');
    setVersion(null);
    setMessage(t('receptionist.callFlow.removed'));
  });
  const dryRun = () => run(async () => {
    const { data } = await client.POST('/call-flow/dry-run', { body: { script, turn: { text: sample || 'Hello', channel: 'chat', turnNumber: 1, stage: 'collecting' } } });
    setResult(`${data!.decision.action}${data!.decision.to ? ` → ${data!.decision.to}` : ''}: ${data!.effect}`);
  });

  return (
    <section className="receptionist-card" aria-labelledby="receptionist-callflow-title">
      <h2 id="receptionist-callflow-title">{t('receptionist.callFlow.title')}</h2>
      <p className="hint">{version === null ? t('receptionist.callFlow.none') : t('receptionist.callFlow.version', { version: String(version) })}</p>
      <div className="field">
        <label htmlFor="receptionist-script">{t('receptionist.callFlow.script')}</label>
        <textarea id="receptionist-script" className="receptionist-script" rows={9} spellCheck={false}
                  value={script} onChange={(e) => setScript(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="receptionist-sample">{t('receptionist.callFlow.sample')}</label>
        <input id="receptionist-sample" value={sample} onChange={(e) => setSample(e.target.value)} />
      </div>
      <div className="receptionist-actions">
        <button type="button" onClick={() => void dryRun()} disabled={!script.trim()}>{t('receptionist.callFlow.dryRun')}</button>
        <button type="button" onClick={() => void save()} disabled={!script.trim()}>{t('receptionist.callFlow.save')}</button>
        {version !== null && <button type="button" onClick={() => void remove()}>{t('receptionist.callFlow.delete')}</button>}
      </div>
      <ProblemMessage error={error} />
      {message && <p className="success" role="status">{message}</p>}
      {result && <p className="notice" role="status" data-testid="dry-run-result">{result}</p>}
    </section>
  );
}
