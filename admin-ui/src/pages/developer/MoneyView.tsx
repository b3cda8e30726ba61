import { useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n';
import { ProblemMessage } from '../../shell/ProblemMessage';
import { useLoad } from './useLoad';
import { formatDate, formatMoney, market, publisherPath, textFor } from './marketApi';

interface Balance {
  currency: string;
  pending: number;
  available: number;
  paid: number;
}

interface StatementLine {
  entry: string;
  kind: string;
  reference?: string;
  occurredAt: string;
  account: string;
  currency: string;
  amount: number;
  balance: number;
}

interface Statement {
  month: string;
  opening: { account: string; currency: string; balance: number }[];
  lines: StatementLine[];
  closing: { account: string; currency: string; balance: number }[];
}

const thisMonth = () => new Date().toISOString().slice(0, 7);

/** Balance per currency, a month's statement (JSON shown, CSV to download) and the payout account. */
export function MoneyView() {
  const { t, language } = useI18n();
  const balances = useLoad(() => market<{ balances: Balance[] }>('GET', publisherPath('/balance')).then((r) => r.balances), []);
  const [month, setMonth] = useState(thisMonth());
  const [statement, setStatement] = useState<Statement | null>(null);
  const [statementError, setStatementError] = useState<unknown>(null);
  const [payout, setPayout] = useState<{ result?: unknown; error?: unknown }>({});

  async function load(event?: FormEvent) {
    event?.preventDefault();
    setStatementError(null);
    try {
      setStatement(await market<Statement>('GET', publisherPath(`/statements/${encodeURIComponent(month)}`)));
    } catch (e) {
      setStatement(null);
      setStatementError(e);
    }
  }

  async function connect() {
    try {
      setPayout({ result: await market('POST', publisherPath('/payout-account')) });
    } catch (e) {
      setPayout({ error: e });
    }
  }

  const money = (amount: number, currency: string) => formatMoney(amount, currency, language);
  return (
    <>
      <section className="dev-card" aria-labelledby="dev-balance">
        <h2 id="dev-balance">{t('developer.balance')}</h2>
        <ProblemMessage error={balances.error} />
        {balances.value && balances.value.length === 0 && <p className="muted">{t('developer.balance.empty')}</p>}
        {balances.value && balances.value.length > 0 && (
          <table className="dev-table">
            <thead><tr><th scope="col">{t('developer.currency')}</th><th scope="col">{t('developer.account.pending')}</th>
              <th scope="col">{t('developer.account.available')}</th><th scope="col">{t('developer.account.paid')}</th></tr></thead>
            <tbody>{balances.value.map((b) => (
              <tr key={b.currency}><td>{b.currency}</td><td>{money(b.pending, b.currency)}</td>
                <td>{money(b.available, b.currency)}</td><td>{money(b.paid, b.currency)}</td></tr>
            ))}</tbody>
          </table>
        )}
      </section>
      <section className="dev-card" aria-labelledby="dev-statements">
        <h2 id="dev-statements">{t('developer.statements')}</h2>
        <form className="dev-row" onSubmit={(e) => void load(e)}>
          <div className="field">
            <label htmlFor="dev-month">{t('developer.statements.month')}</label>
            <input id="dev-month" type="month" required value={month} onChange={(e) => setMonth(e.target.value)} />
          </div>
          <button type="submit">{t('developer.statements.show')}</button>
        </form>
        <ProblemMessage error={statementError} />
        {statement && statement.lines.length === 0 && <p className="muted">{t('developer.statements.empty')}</p>}
        {statement && statement.lines.length > 0 && (
          <div className="dev-table-wrap">
            <table className="dev-table">
              <thead><tr><th scope="col">{t('developer.statements.when')}</th><th scope="col">{t('developer.statements.kind')}</th>
                <th scope="col">{t('developer.statements.account')}</th><th scope="col">{t('developer.statements.amount')}</th>
                <th scope="col">{t('developer.statements.balance')}</th></tr></thead>
              <tbody>{statement.lines.map((line) => (
                <tr key={`${line.entry}-${line.account}`}><td>{formatDate(line.occurredAt, language)}</td><td>{line.kind}</td>
                  <td>{textFor(t, 'developer.account.', line.account)}</td><td>{money(line.amount, line.currency)}</td>
                  <td>{money(line.balance, line.currency)}</td></tr>
              ))}</tbody>
            </table>
          </div>
        )}
      </section>
      <section className="dev-card" aria-labelledby="dev-payouts">
        <h2 id="dev-payouts">{t('developer.payouts')}</h2>
        <p>{t('developer.payouts.hint')}</p>
        <button type="button" onClick={() => void connect()}>{t('developer.payouts.connect')}</button>
        {payout.result !== undefined && <p className="success" role="status">{t('developer.payouts.connected')}</p>}
        <ProblemMessage error={payout.error} />
      </section>
    </>
  );
}
