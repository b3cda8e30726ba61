import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../../i18n/i18n';
import type { Report } from './marketApi';
import { ReportView } from './ReportView';

const report: Report = {
  outcome: 'needs-review',
  durationMillis: 812,
  sections: [
    { name: 'smoke-install', outcome: 'passed', summary: 'started, 1 route answered, stopped', findings: [{ step: 'start', outcome: 'passed' }] },
    { name: 'signature', outcome: 'passed', summary: 'signed by the registered key 6B:3E', findings: [{ fingerprint: '6B:3E', subject: 'CN=Acme' }] },
    { name: 'permissions', outcome: 'warning', summary: '1 permission added', findings: [{ change: 'added', permission: 'storage', reason: 'keeps greetings' }] },
    { name: 'verifier', outcome: 'failed', summary: '1 violation', findings: [] },
  ],
};

describe('ReportView', () => {
  it('lists each check in the order they run with its outcome in words, its summary and findings', () => {
    render(<I18nProvider language="en"><ReportView report={report} /></I18nProvider>);
    expect(screen.getByText('Needs a reviewer: some checks warned')).toBeTruthy();
    const items = within(screen.getByRole('list', { name: 'Checks' })).getAllByRole('listitem')
      .filter((item) => item.classList.contains('dev-check'));
    expect(items.map((item) => item.querySelector('strong')?.textContent)).toEqual(
      ['Signature', 'Bytecode verifier', 'Permissions', 'Smoke install']);
    expect(within(items[0]!).getByText('Passed')).toBeTruthy();
    expect(within(items[1]!).getByText('Failed')).toBeTruthy();
    expect(within(items[2]!).getByText('Warning')).toBeTruthy();
    expect(within(items[2]!).getByText('change: added · permission: storage · reason: keeps greetings')).toBeTruthy();
  });

  it('says the review is running while there is no report', () => {
    render(<I18nProvider language="de"><ReportView report={null} /></I18nProvider>);
    expect(screen.getByRole('status').textContent).toContain('Die automatische Prüfung läuft');
  });
});
