import { fireEvent, render, screen, cleanup } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { I18nProvider } from '../i18n/i18n';
import { CodeForm, normalizeTotp, type SecondFactor } from './CodeForm';

afterEach(cleanup);

function renderForm(allowRecovery: boolean) {
  const submitted: SecondFactor[] = [];
  render(
    <I18nProvider language="en">
      <CodeForm onSubmit={(f) => submitted.push(f)} submitLabel="Verify" allowRecovery={allowRecovery} />
    </I18nProvider>,
  );
  return submitted;
}

describe('TOTP form', () => {
  it('normalizes codes typed with spaces and rejects anything but six digits', () => {
    expect(normalizeTotp(' 123 456 ')).toBe('123456');
    expect(normalizeTotp('123-456')).toBe('123456');
    expect(normalizeTotp('12345')).toBeNull();
    expect(normalizeTotp('12345a')).toBeNull();
  });

  it('does not submit a malformed code and says why', () => {
    const submitted = renderForm(true);
    fireEvent.change(screen.getByLabelText('Authentication code'), { target: { value: '12ab' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(submitted).toEqual([]);
    expect(screen.getByText('Enter the 6 digits shown in your app.')).toBeTruthy();
    expect(screen.getByLabelText('Authentication code').getAttribute('aria-invalid')).toBe('true');
  });

  it('submits a well-formed code', () => {
    const submitted = renderForm(true);
    fireEvent.change(screen.getByLabelText('Authentication code'), { target: { value: '654 321' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(submitted).toEqual([{ totp: '654321' }]);
  });

  it('switches to a recovery code on request', () => {
    const submitted = renderForm(true);
    fireEvent.click(screen.getByRole('button', { name: 'Use a recovery code instead' }));
    fireEvent.change(screen.getByLabelText('Recovery code'), { target: { value: ' abcd-efgh ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(submitted).toEqual([{ recoveryCode: 'abcd-efgh' }]);
  });

  it('offers no recovery code where there is none (enrolment)', () => {
    renderForm(false);
    expect(screen.queryByRole('button', { name: 'Use a recovery code instead' })).toBeNull();
  });
});
