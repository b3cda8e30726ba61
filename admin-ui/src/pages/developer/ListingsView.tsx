import { useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { useLoad } from './useLoad';
import { formatDate, formatMoney, market, parseMoney, publisherPath, textFor } from './marketApi';

interface Plan {
  id: string;
  kind: string;
  trialDays?: number;
  seats?: number;
  amount?: number;
  currency?: string;
  interval?: string;
  meter?: string;
}

interface Listing {
  id: string;
  name: string;
  description?: string;
  category?: string;
  latestVersion?: string;
  plans: Plan[];
  rating?: { average: number | null; count: number };
  installs?: number;
}

interface Rating {
  id: string;
  stars: number;
  text?: string | null;
  version?: string;
  createdAt: string;
  reply: { text: string; repliedAt: string } | null;
}

const PAID_KINDS = ['one-time', 'subscription', 'per-seat', 'usage'];

/** A plan's price in the language: "€19.00 / month", or its kind when it has none. */
export function PlanPrice({ plan }: { plan: Plan }) {
  const { t, language } = useI18n();
  if (plan.amount === undefined || !plan.currency) {
    return <>{plan.kind === 'trial' && plan.trialDays ? t('developer.plan.trialDays', { days: String(plan.trialDays) }) : t('developer.plan.noPrice')}</>;
  }
  const price = formatMoney(plan.amount, plan.currency, language);
  const per = plan.kind === 'usage' ? t('developer.plan.perUnit', { meter: plan.meter ?? '' })
    : plan.interval ? textFor(t, 'developer.plan.per.', plan.interval) : '';
  return <>{per ? `${price} ${per}` : price}</>;
}

function AddPlan({ listing, onAdded }: { listing: Listing; onAdded: () => Promise<void> }) {
  const { t } = useI18n();
  const [fields, setFields] = useState({ id: '', kind: 'subscription', amount: '', currency: 'EUR', interval: 'month', meter: '' });
  const [error, setError] = useState<unknown>(null);
  const [amountInvalid, setAmountInvalid] = useState(false);
  const paid = PAID_KINDS.includes(fields.kind);
  const prefix = `dev-plan-${listing.id}`;

  async function add(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { id: fields.id, kind: fields.kind };
    if (paid) {
      const amount = parseMoney(fields.amount, fields.currency);
      setAmountInvalid(amount === null);
      if (amount === null) {
        return;
      }
      Object.assign(body, { amount, currency: fields.currency.toUpperCase() });
      if (fields.kind === 'subscription' || fields.kind === 'per-seat') {
        body.interval = fields.interval;
      }
      if (fields.kind === 'usage') {
        body.meter = fields.meter;
      }
    }
    try {
      await market('POST', publisherPath(`/listings/${encodeURIComponent(listing.id)}/plans`), { body });
      setFields({ ...fields, id: '', amount: '' });
      await onAdded();
    } catch (e) {
      setError(e);
    }
  }

  const set = (name: keyof typeof fields) => (e: { target: { value: string } }) => setFields({ ...fields, [name]: e.target.value });
  return (
    <form className="stack" onSubmit={(e) => void add(e)}>
      <h4>{t('developer.plan.add')}</h4>
      <div className="dev-row">
        <div className="field"><label htmlFor={`${prefix}-id`}>{t('developer.plan.id')}</label>
          <input id={`${prefix}-id`} required pattern="[a-z0-9-]{1,40}" value={fields.id} onChange={set('id')} /></div>
        <div className="field"><label htmlFor={`${prefix}-kind`}>{t('developer.plan.kind')}</label>
          <select id={`${prefix}-kind`} value={fields.kind} onChange={set('kind')}>
            {['free', ...PAID_KINDS].map((kind) => <option key={kind} value={kind}>{textFor(t, 'developer.kind.', kind)}</option>)}
          </select></div>
        {paid && (
          <>
            <div className="field"><label htmlFor={`${prefix}-amount`}>{t('developer.plan.amount')}</label>
              <input id={`${prefix}-amount`} inputMode="decimal" required value={fields.amount} onChange={set('amount')}
                     aria-invalid={amountInvalid} aria-describedby={amountInvalid ? `${prefix}-amount-error` : undefined} /></div>
            <div className="field"><label htmlFor={`${prefix}-currency`}>{t('developer.plan.currency')}</label>
              <input id={`${prefix}-currency`} required pattern="[A-Za-z]{3}" size={4} value={fields.currency} onChange={set('currency')} /></div>
          </>
        )}
        {(fields.kind === 'subscription' || fields.kind === 'per-seat') && (
          <div className="field"><label htmlFor={`${prefix}-interval`}>{t('developer.plan.interval')}</label>
            <select id={`${prefix}-interval`} value={fields.interval} onChange={set('interval')}>
              <option value="month">{t('developer.interval.month')}</option>
              <option value="year">{t('developer.interval.year')}</option>
            </select></div>
        )}
        {fields.kind === 'usage' && (
          <div className="field"><label htmlFor={`${prefix}-meter`}>{t('developer.plan.meter')}</label>
            <input id={`${prefix}-meter`} required value={fields.meter} onChange={set('meter')} /></div>
        )}
        <button type="submit">{t('developer.plan.addButton')}</button>
      </div>
      {amountInvalid && <p id={`${prefix}-amount-error`} className="field-error">{t('developer.plan.amountInvalid')}</p>}
      <ProblemMessage error={error} />
    </form>
  );
}

function Ratings({ listing }: { listing: Listing }) {
  const { t, language } = useI18n();
  const { value, error, reload } = useLoad(
    () => market<{ items: Rating[] }>('GET', `/api/v1/marketplace/listings/${encodeURIComponent(listing.id)}/ratings`)
      .then((r) => r.items), [listing.id]);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [replyError, setReplyError] = useState<unknown>(null);

  async function reply(rating: Rating, event: FormEvent) {
    event.preventDefault();
    setReplyError(null);
    try {
      await market('PUT', publisherPath(`/ratings/${encodeURIComponent(rating.id)}/reply`), { body: { text: drafts[rating.id] ?? '' } });
      await reload();
    } catch (e) {
      setReplyError(e);
    }
  }

  return (
    <>
      <h4>{t('developer.ratings')}</h4>
      <ProblemMessage error={error ?? replyError} />
      {value && value.length === 0 && <p className="muted">{t('developer.ratings.empty')}</p>}
      {value && value.length > 0 && (
        <ul className="stack">
          {value.map((rating) => (
            <li key={rating.id}>
              <p><strong>{t('developer.ratings.stars', { stars: String(rating.stars) })}</strong>
                <span className="muted"> · {formatDate(rating.createdAt, language)}</span></p>
              {rating.text && <p>{rating.text}</p>}
              {rating.reply && <p className="notice">{t('developer.ratings.yourReply')}: {rating.reply.text}</p>}
              <form className="dev-row" onSubmit={(e) => void reply(rating, e)}>
                <div className="field">
                  <label htmlFor={`dev-reply-${rating.id}`}>{t('developer.ratings.reply')}</label>
                  <textarea id={`dev-reply-${rating.id}`} rows={2} maxLength={2000} value={drafts[rating.id] ?? rating.reply?.text ?? ''}
                            onChange={(e) => setDrafts({ ...drafts, [rating.id]: e.target.value })} />
                </div>
                <button type="submit">{t('developer.ratings.send')}</button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The publisher's listings with their plans (prices in the language), installs and ratings with replies. */
export function ListingsView() {
  const { t, language } = useI18n();
  const { value, error, reload } = useLoad(async () => {
    const me = await market<{ slug: string }>('GET', publisherPath());
    return (await market<{ items: Listing[] }>('GET', '/api/v1/marketplace/listings', { query: { publisher: me.slug, limit: '100' } })).items;
  }, []);
  return (
    <>
      <ProblemMessage error={error} />
      {value && value.length === 0 && <p className="muted">{t('developer.listings.empty')}</p>}
      {value?.map((listing) => (
        <section key={listing.id} className="dev-card" aria-labelledby={`dev-listing-${listing.id}`}>
          <h2 id={`dev-listing-${listing.id}`}>{listing.name} <span className="muted">({listing.id})</span></h2>
          <p>{listing.description}</p>
          <p className="muted">
            {t('developer.listings.latest', { version: listing.latestVersion ?? '–' })}
            {' · '}{t('developer.listings.installs', { count: new Intl.NumberFormat(language).format(listing.installs ?? 0) })}
            {' · '}{listing.rating && listing.rating.count > 0
              ? t('developer.listings.rating', { average: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(listing.rating.average ?? 0), count: String(listing.rating.count) })
              : t('developer.listings.noRating')}
          </p>
          <h3>{t('developer.plans')}</h3>
          <div className="dev-table-wrap">
            <table className="dev-table">
              <thead><tr><th scope="col">{t('developer.plan.id')}</th><th scope="col">{t('developer.plan.kind')}</th><th scope="col">{t('developer.plan.price')}</th></tr></thead>
              <tbody>
                {listing.plans.map((plan) => (
                  <tr key={plan.id}><td><code>{plan.id}</code></td><td>{textFor(t, 'developer.kind.', plan.kind)}</td><td><PlanPrice plan={plan} /></td></tr>
                ))}
              </tbody>
            </table>
          </div>
          <AddPlan listing={listing} onAdded={reload} />
          <Ratings listing={listing} />
        </section>
      ))}
    </>
  );
}
