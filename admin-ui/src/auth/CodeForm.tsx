import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';

export type SecondFactor = { totp: string } | { recoveryCode: string };

/** Six digits, spaces and dashes removed (apps show "123 456"); null when it is not a six-digit code. */
export function normalizeTotp(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * Asks for the second factor: an authenticator code, or (when allowRecovery) one recovery code instead. Calls onSubmit
 * only with a well-formed value; the caller shows the server's refusal through `error`.
 */
export function CodeForm({ onSubmit, submitLabel, allowRecovery, busy, label }: {
  onSubmit(factor: SecondFactor): void;
  submitLabel: string;
  allowRecovery: boolean;
  busy?: boolean;
  label?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (recovery) {
      const code = value.trim();
      if (code) {
        onSubmit({ recoveryCode: code });
      }
      return;
    }
    const code = normalizeTotp(value);
    setInvalid(code === null);
    if (code !== null) {
      onSubmit({ totp: code });
    }
  }

  return (
    <form onSubmit={submit} noValidate className="stack">
      <div className="field">
        <label htmlFor={`${id}-code`}>{recovery ? t('signIn.recoveryCode') : (label ?? t('signIn.totp'))}</label>
        {!recovery && <p id={`${id}-hint`} className="hint">{t('signIn.totpHint')}</p>}
        <input
          id={`${id}-code`}
          name={recovery ? 'recoveryCode' : 'totp'}
          value={value}
          onChange={(e) => { setValue(e.target.value); setInvalid(false); }}
          autoComplete="one-time-code"
          inputMode={recovery ? 'text' : 'numeric'}
          autoFocus
          required
          aria-invalid={invalid}
          aria-describedby={invalid ? `${id}-error` : recovery ? undefined : `${id}-hint`}
        />
        {invalid && <p id={`${id}-error`} className="field-error">{t('form.invalidCode')}</p>}
      </div>
      <button type="submit" className="primary" disabled={busy}>{submitLabel}</button>
      {allowRecovery && (
        <button type="button" className="link" onClick={() => { setRecovery(!recovery); setValue(''); setInvalid(false); }}>
          {recovery ? t('signIn.useTotp') : t('signIn.useRecoveryCode')}
        </button>
      )}
    </form>
  );
}
